"""The page of one case: the operator, the lead, the Decree 684 triage, the copy-to
notices, the step the case is at with its form for whoever may take it, the reporter
(only for the handling unit, each read audited), the history. A step posts here, calls
one engine function, commits and comes back (PRG)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from engine import unlicensed
from engine.errors import Conflict, InvalidInput
from engine.models import AuditEvent, MarketEntity, OrgUnit, WorkItem
from engine.org import scope
from engine.runtime.forms import form_of_task
from engine.work.history import display_names, event_entry
from webapp import database
from webapp.access import actor, user
from webapp.config import settings
from webapp.dual_notice.page import case_file
from webapp.errors import message_for
from webapp.forms import submitted_values, task_form_class
from webapp.i18n import select_locale
from webapp.prg import recall, send_back
from webapp.unlicensed.forms import TriageForm, licence_names, triage_form
from webapp.work.inbox import user_calendar
from webapp.work.tasks.forms import CommentForm, UploadForm

# What the engine alone can judge of a step's values (Decree 684), next to the field.
REFUSALS = {
    "fine_over_cap_13": _l("Decree 684 Article 13 caps this fine at 10,000 yuan: enter at most "
                           "10,000."),
    "fine_over_cap_14": _l("Decree 684 Article 14 caps this fine at 5,000 yuan: enter at most "
                           "5,000."),
    "unknown_licence_item": _l("Choose the licence item the operator lacks."),
    "no_permit_department": _l("No department of the area or of the city grants this licence "
                               "item: check the routing table."),
}


@dataclass(frozen=True)
class Step:
    item: WorkItem
    mine: bool
    form: FlaskForm | None


def case_page(case_id: int, failed: dict[int, FlaskForm] | None = None) -> ResponseReturnValue:
    session, viewer = database.session(), user()
    case = unlicensed.get_case(session, actor(), case_id)
    steps = [_step(session, case.id, item, failed or {})
             for item in unlicensed.open_steps(session, case)]
    units = {u.id: u for u in session.execute(select(OrgUnit).where(OrgUnit.id.in_(
        {case.department_org_id, case.intake_org_id}
        | {c.from_org_id for c in unlicensed.copies_of(session, case)}
        | {c.to_org_id for c in unlicensed.copies_of(session, case)}))).scalars()}
    calendar = user_calendar()
    open_step = next((s.item for s in steps), None)
    return render_template(
        "unlicensed/show.html", case=case, steps=steps, units=units,
        entity=session.get(MarketEntity, case.entity_id) if case.entity_id else None,
        light=unlicensed.step_light(open_step.due_at if open_step else None, calendar),
        copies=unlicensed.copies_of(session, case), today=calendar.today(),
        reported=unlicensed.has_reporter(session, case),
        reporter=unlicensed.reporter_for(session, actor(), viewer, case),
        history=_history(session, case.id),
        casefile=case_file(session, case.instance_id, open_step.id if open_step and (
            scope.item_visible(session, viewer, open_step)) else None),
        comment_form=CommentForm(), upload_form=UploadForm(),
        upload_mb=settings().upload_max_bytes // (1024 * 1024),
        licence_names=licence_names(session) if case.licence_item else {},
    ), 422 if failed else 200


@login_required
def show(case_id: int) -> ResponseReturnValue:
    page = case_page(case_id)
    database.commit()  # the audited read of the reporter, when there was one
    return page


@login_required
def step(case_id: int, item_id: int) -> ResponseReturnValue:
    """A step of the case with its form: checked, taken, committed; refused, said."""
    session = database.session()
    here = url_for("unlicensed.show", case_id=case_id)
    case = unlicensed.get_case(session, actor(), case_id)
    item = next((i for i in unlicensed.open_steps(session, case) if i.id == item_id), None)
    definition = form_of_task(session, item) if item is not None else None
    if item is None or definition is None:
        flash(_("This step is already done."), "error")
        return redirect(here, 303)
    form = (triage_form(session) if item.task_name == "triage"
            else task_form_class(definition, select_locale())())
    key = f"unlicensed:{case_id}:step:{item_id}"
    if form.validate_on_submit():
        values = (form.data if item.task_name == "triage"
                  else submitted_values(form, definition))
        try:
            unlicensed.complete_case_step(session, actor(), item_id, values)
        except InvalidInput as exc:
            database.rollback()
            _mark(form, exc)
        except Conflict as exc:
            database.rollback()
            flash(message_for(exc), "error")
            return redirect(here, 303)
        else:
            database.commit()
            flash(_("Done."), "success")
            return redirect(here, 303)
    return send_back(form, key, here) or case_page(case_id, failed={item_id: form})


def _mark(form: FlaskForm, exc: InvalidInput) -> None:
    """The engine's refusal next to its field, in the words of its reason (a fine over
    the cap names the cap)."""
    said = str(REFUSALS[exc.code]) if exc.code in REFUSALS else _("This value is not accepted.")
    fields: Any = exc.details.get("fields") or {}
    for name in fields:
        if name in form:
            form[name].errors = [*form[name].errors, said]
    if not any(name in form for name in fields):
        flash(said, "error")


def _step(session: Any, case_id: int, item: WorkItem, failed: dict[int, FlaskForm]) -> Step:
    mine = item.assignee_id == user().id or (
        item.assignee_id is None and scope.may_work_on(session, user(), item))
    form = None
    if mine and item.form_key:
        key = f"unlicensed:{case_id}:step:{item.id}"
        if item.task_name == "triage":
            kept = failed.get(item.id) or recall(TriageForm, key)
            form = triage_form(session, kept.data if kept else None)
            if kept is not None:
                for name, field in kept._fields.items():
                    form[name].errors = field.errors
        else:
            definition = form_of_task(session, item)
            assert definition is not None  # an open step with a form key
            form_class = task_form_class(definition, select_locale())
            form = failed.get(item.id) or recall(form_class, key) or form_class()
    return Step(item, mine, form)


def _history(session: Any, case_id: int) -> list[Any]:
    events = session.execute(select(AuditEvent).where(
        AuditEvent.object_type == "unlicensed_case",
        AuditEvent.object_id == str(case_id)).order_by(AuditEvent.id)).scalars().all()
    names = display_names(session, {e.actor for e in events})
    return [event_entry(e, names) for e in events]
