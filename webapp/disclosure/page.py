"""The page of one record: its values, its state and dates, the step its case is at with
the form of that step for whoever may take it, and its history."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from engine import disclosure
from engine.disclosure import queries
from engine.disclosure.categories import earliest_repair
from engine.models import DisclosureRecord, MarketEntity, OrgUnit, RecordStatus, WorkItem
from engine.org import scope
from engine.runtime.forms import form_of_task
from webapp import database
from webapp.access import actor, user
from webapp.config import settings
from webapp.disclosure.forms import ActionForm, RepairForm, RevokedForm, entry_definition
from webapp.dual_notice.page import case_file
from webapp.forms import task_form_class
from webapp.i18n import select_locale
from webapp.prg import recall
from webapp.work.inbox import user_calendar
from webapp.work.tasks.forms import CommentForm, UploadForm


@dataclass(frozen=True)
class Step:
    """An open step of the record's case, and whether the viewer may take it."""

    item: WorkItem
    mine: bool
    form: FlaskForm | None


def record_page(record_id: int, failed: dict[str, FlaskForm] | None = None
                ) -> ResponseReturnValue:
    session, viewer = database.session(), user()
    record = disclosure.get_record(session, actor(), record_id)
    entity = session.get(MarketEntity, record.entity_id)
    department = session.get(OrgUnit, record.source_org_id)
    own = scope.department_of(session, viewer)
    of_department = own is not None and own.id == record.source_org_id
    steps = [_step(session, record, item, failed or {})
             for item in disclosure.open_steps(session, record)]
    forms = {"action": ActionForm(),
             "revoked": (failed or {}).get("revoked")
             or recall(RevokedForm, f"record:{record_id}:revoked") or RevokedForm(),
             "repair": (failed or {}).get("repair")
             or recall(RepairForm, f"record:{record_id}:repair") or RepairForm()}
    calendar = user_calendar()
    published_on = calendar.local_date(record.published_at) if record.published_at else None
    may = {
        "edit": of_department and record.status in (RecordStatus.DRAFT, RecordStatus.RETURNED)
        and not any(s.item.task_name == "review_record" for s in steps),
        "revoke": of_department and record.status == RecordStatus.PUBLISHED
        and record.withdrawal_requested_at is None,
        "repair": of_department and record.status == RecordStatus.PUBLISHED
        and record.category == "penalty" and record.repair_applied_at is None
        and record.withdrawal_requested_at is None,
        # a market regulator's heavy penalty may lead to the serious list (credit lists)
        "propose_serious": of_department and own is not None and own.code.endswith("-amr")
        and record.status == RecordStatus.PUBLISHED and record.category == "penalty",
    }
    repair_from = earliest_repair(record.fields, published_on) if published_on else None
    open_step = next((s.item for s in steps), None)
    case = case_file(session, record.instance_id, open_step.id if open_step else None)
    return render_template(
        "records/show.html", record=record, entity=entity, department=department,
        category=disclosure.category(record.category),
        values=_values(record), steps=steps, light=disclosure.record_light(record, calendar),
        forms=forms, may=may, repair_from=repair_from,
        history=queries.record_history(session, record), case=case,
        comment_form=CommentForm(), upload_form=UploadForm(),
        upload_mb=settings().upload_max_bytes // (1024 * 1024)), 422 if failed else 200


def _step(session, record: DisclosureRecord, item: WorkItem, failed: dict[str, FlaskForm]
          ) -> Step:  # type: ignore[no-untyped-def]
    mine = item.assignee_id == user().id or (
        item.assignee_id is None and scope.may_work_on(session, user(), item))
    form = None
    if mine and item.form_key:
        form_class = task_form_class(form_of_task(session, item), select_locale())
        form = (failed.get(f"step:{item.id}")
                or recall(form_class, f"record:{record.id}:step:{item.id}") or form_class())
    return Step(item, mine, form)


def _values(record: DisclosureRecord) -> list[tuple[str, object, str]]:
    """(label, value, type) of every filled field of the record's category, in form order."""
    definition = entry_definition(record.category)
    locale = select_locale()
    shown = []
    for spec in definition.fields[5:]:
        value = record.fields.get(spec.name)
        if value in (None, "", []):
            continue
        if spec.choices:
            names = {c.value: (c.en if locale.startswith("en") else c.zh) for c in spec.choices}
            value = "、".join(names.get(v, v) for v in (value if isinstance(value, list)
                                                          else [value]))
        shown.append((spec.label(locale), value, spec.type))
    return shown


@login_required
def show(record_id: int) -> ResponseReturnValue:
    return record_page(record_id)
