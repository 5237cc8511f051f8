"""The inspections a user sees, and the page of one: made for a phone held in one hand
(the entity's card and history, the checklist, photos, confirmations, the open step)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from engine import inspection
from engine.disclosure import queries as records
from engine.models import Inspection, MarketEntity, OrgUnit, User, WorkItem
from engine.org import scope
from engine.runtime.forms import form_of_task
from webapp import database
from webapp.access import actor, user
from webapp.forms import task_form_class
from webapp.i18n import select_locale
from webapp.inspection.forms import ActionForm, FieldForm, ObjectionForm, PhotoForm
from webapp.prg import recall
from webapp.work.inbox import user_calendar


@dataclass(frozen=True)
class Step:
    """An open step of the inspection's case, and the form when the viewer may take it."""

    item: WorkItem
    form: FlaskForm | None


@login_required
def index() -> ResponseReturnValue:
    session, viewer = database.session(), user()
    rows = inspection.inspections_for(session, viewer)
    calendar = user_calendar()
    lights = {row.id: inspection.inspection_light(row, calendar) for row, _entity in rows}
    return render_template("inspection/index.html", rows=rows, lights=lights, me=viewer.id)


@login_required
def show(inspection_id: int) -> ResponseReturnValue:
    return inspection_page(inspection_id)


def inspection_page(inspection_id: int, failed: dict[str, FlaskForm] | None = None
                    ) -> ResponseReturnValue:
    session, viewer = database.session(), user()
    row = inspection.get_inspection(session, actor(), inspection_id)
    entity = session.get(MarketEntity, row.entity_id)
    officers = [session.get(User, i) for i in row.officer_ids]
    steps = [_step(session, row, item, viewer, failed or {})
             for item in inspection.open_steps(session, row)]
    at_inspect = any(s.item.task_name == "inspect" for s in steps)
    drawn = viewer.id in row.officer_ids
    return render_template(
        "inspection/show.html", row=row, entity=entity, officers=officers, steps=steps,
        unit=session.get(OrgUnit, row.unit_id), drawn=drawn, at_inspect=at_inspect and drawn,
        lines=inspection.checklist_keys(row), answers=(row.checklist or {}).get("answers", {}),
        photos=(row.checklist or {}).get("photos", []),
        complete=not inspection.missing_lines(row),
        light=inspection.inspection_light(row, user_calendar()),
        history=[i for i in inspection.entity_inspections(session, viewer, entity.id)
                 if i.id != row.id] if entity else [],
        entity_records=records.records_of_entity(session, viewer, row.entity_id),
        objection_until=inspection.objection_deadline(row),
        forms={"field": (failed or {}).get("field") or FieldForm(
            findings=row.findings or ""), "photo": PhotoForm(), "action": ActionForm(),
            "objection": (failed or {}).get("objection")
            or recall(ObjectionForm, f"inspection:{row.id}:objection") or ObjectionForm()},
    ), 422 if failed else 200


def _step(session: Session, row: Inspection, item: WorkItem, viewer: User,
          failed: dict[str, FlaskForm]) -> Step:
    """The drawn pair works the officers' steps (either of them); the others go to whoever
    holds them or may claim them."""
    officer_step = item.lane is not None and item.lane.endswith("department")
    mine = (viewer.id in row.officer_ids) if officer_step else (
        item.assignee_id == viewer.id
        or (item.assignee_id is None and scope.may_work_on(session, viewer, item)))
    definition = form_of_task(session, item)
    if not mine or definition is None or item.task_name == "inspect":
        return Step(item, None)
    form_class = task_form_class(definition, select_locale())
    form = (failed.get(f"step:{item.id}")
            or recall(form_class, f"inspection:{row.id}:step:{item.id}") or form_class())
    return Step(item, form)
