"""The lists by type, area and state with their lights; proposing an entry; the page of one
entry where each step of its case is worked, with its applications and history."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from engine import credit_lists, disclosure
from engine.models import CreditListEntry, ListStatus, ListType, MarketEntity, OrgUnit, WorkItem
from engine.org import scope
from engine.runtime.forms import form_for
from webapp import database
from webapp.access import actor, user
from webapp.credit_lists.forms import ApplicationForm, ProposeForm, RemovalForm, item_form
from webapp.dual_notice.page import case_file
from webapp.i18n import select_locale
from webapp.prg import recall
from webapp.work.inbox import user_calendar


def _choice(value: str | None, enum: type) -> object | None:
    try:
        return enum(value) if value else None
    except ValueError:
        return None


@login_required
def index() -> ResponseReturnValue:
    session = database.session()
    list_type = _choice(request.args.get("type"), ListType)
    status = _choice(request.args.get("state"), ListStatus)
    area = (request.args.get("area") or "").strip() or None
    text = (request.args.get("q") or "").strip() or None
    warned = request.args.get("warned") == "1"
    page = credit_lists.list_entries(session, list_type=list_type, status=status,
                                     area_code=area, text=text, warned=warned,
                                     page=request.args.get("page", 1, int))
    calendar = user_calendar()
    lights = {e.id: credit_lists.entry_light(e, credit_lists.open_steps(session, e), calendar)
              for e in page.rows}
    units = {u.id: u for u in session.query(OrgUnit).filter(
        OrgUnit.id.in_({e.org_unit_id for e in page.rows}))}
    return render_template("credit_lists/index.html", page=page, lights=lights, units=units,
                           type=list_type.value if list_type else "",
                           state=status.value if status else "", area=area or "", q=text or "",
                           warned=warned,
                           proposes=proposes(session), areas=_areas(session))


def proposes(session) -> bool:  # type: ignore[no-untyped-def]
    """Whether the viewer belongs to a market regulator (who proposes and decides)."""
    department = scope.department_of(session, user())
    return department is not None and department.code.endswith("-amr")


def _areas(session) -> list[OrgUnit]:  # type: ignore[no-untyped-def]
    return list(session.query(OrgUnit).filter(OrgUnit.code.like("%-amr")).order_by(OrgUnit.code))


@login_required
def new() -> ResponseReturnValue:
    """The proposal form; from a published penalty record (?record=id) it proposes the
    serious list with the record's party, decision and facts filled in."""
    form = recall(ProposeForm, "lists:new")
    record_id = request.args.get("record", 0, int)
    if form is None and record_id:
        record = disclosure.get_record(database.session(), actor(), record_id)
        form = ProposeForm(data={
            "list_type": "serious", "uscc": record.party_uscc,
            "trigger_date": record.decision_date,
            "text": record.fields.get("violation_type") or "",
            "penalty": f"{record.decision_number or ''} {record.fields.get('content') or ''}"
            .strip(), "source_record": str(record.id)})
    return render_template("credit_lists/new.html", form=form or ProposeForm())


def entry_page(entry_id: int, failed: dict[str, FlaskForm] | None = None) -> ResponseReturnValue:
    session, viewer = database.session(), user()
    entry = credit_lists.get_entry(session, entry_id)
    entity = session.get(MarketEntity, entry.entity_id)
    unit = session.get(OrgUnit, entry.org_unit_id)
    items = credit_lists.open_steps(session, entry)
    steps = []
    for item in items:
        mine = item.assignee_id == viewer.id or (
            item.assignee_id is None and scope.may_work_on(session, viewer, item))
        form = None
        if mine:
            form_class, _definition = item_form(item)
            form = ((failed or {}).get(f"step:{item.id}")
                    or recall(form_class, f"list:{entry.id}:step:{item.id}") or form_class())
        steps.append((item, mine, form))
    acts = proposes(session) and scope.department_of(session, viewer).id == entry.org_unit_id
    forms = {kind: (failed or {}).get(kind) or recall(cls, f"list:{entry.id}:{kind}") or cls()
             for kind, cls in (("removal", RemovalForm), ("objection", ApplicationForm),
                               ("early_removal", ApplicationForm))}
    calendar = user_calendar()
    open_step = next((item.id for item, mine, _form in steps if mine), None)
    return render_template(
        "credit_lists/show.html", entry=entry, entity=entity, unit=unit, steps=steps,
        light=credit_lists.entry_light(entry, items, calendar), forms=forms,
        may=_may(entry, acts, items), applications=credit_lists.applications(session, entry),
        moved_from=session.get(CreditListEntry, entry.moved_from_id) if entry.moved_from_id
        else None, case=case_file(session, entry.instance_id, open_step),
        warning_ways=_warning_ways(session) if entry.warning_told_on else {},
    ), 422 if failed else 200


def _warning_ways(session) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """How an entity may be told of the move, as the warning's form words it."""
    english = select_locale().startswith("en")
    return {c.value: c.en if english else c.zh
            for f in form_for(session, credit_lists.WARNING_FORM).fields
            if f.name == "told_how" for c in f.choices}


def _may(entry: CreditListEntry, acts: bool, items: list[WorkItem]) -> dict[str, bool]:
    waiting = {i.task_name for i in items}
    listed = acts and entry.status == ListStatus.LISTED
    abnormal = entry.list_type == ListType.ABNORMAL
    return {"removal": listed and abnormal and "review_removal" not in waiting,
            "objection": listed and abnormal and not waiting & {"accept_objection",
                                                                "verify_objection"},
            "early_removal": listed and not abnormal and "review_early_removal" not in waiting}


@login_required
def show(entry_id: int) -> ResponseReturnValue:
    return entry_page(entry_id)
