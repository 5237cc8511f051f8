"""Inspections started from a draw, one `spot_check` case each, and kept in step with
their case: the diagram's `inspection_status` is copied into the row after every save."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.calendar import WorkdayCalendar, calendar_for
from engine.config import PROJECT_DIR
from engine.db import settings_of
from engine.errors import InvalidInput, NotFound
from engine.inspection.vocabulary import PUBLICATION_DAYS
from engine.models import (
    Inspection,
    MarketEntity,
    OrgUnit,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.org import scope
from engine.runtime.cases import AFTER_SAVE, Case
from engine.runtime.deploy import deploy_shipped
from engine.runtime.derive import script_step_data

PROCESS_KEY = "spot_check"
DIAGRAM = PROJECT_DIR / "bpmn" / "spot_check.bpmn"
REMIND_DAYS = 2  # working days before the inspection's deadline


def start_inspections(session: Session, actor: audit.Actor, targets: list[dict[str, Any]]
                      ) -> int:
    """One inspection and one spot_check case per drawn target (task_id, task_number,
    entity_id, officer_ids ≥ 2, unit_id, items, inspection_date, deadline); the
    preparation goes to the first drawn officer. Returns how many were started."""
    deploy_shipped(session, PROCESS_KEY, DIAGRAM)
    for target in targets:
        _start_one(session, actor, target)
    return len(targets)


def _start_one(session: Session, actor: audit.Actor, target: dict[str, Any]) -> Inspection:
    unit, entity, officers = _checked_target(session, target)
    department = scope.department_unit(session, unit)
    calendar = calendar_for(session, settings_of(session), unit.area_code)
    now = clock.now()
    inspection = Inspection(
        task_id=int(target["task_id"]), task_number=str(target["task_number"]),
        entity_id=entity.id, unit_id=unit.id, department_id=department.id,
        officer_ids=[o.id for o in officers], items=list(target.get("items") or []),
        inspection_date=target["inspection_date"], deadline=target["deadline"],
        status="preparing", checklist={}, confirmations={}, created_at=now, updated_at=now)
    session.add(inspection)
    session.flush()
    row = runtime.start_process(session, actor, PROCESS_KEY, data=_case_data(
        inspection, department, calendar), entity_id=entity.id,
        business_key=f"inspection-{inspection.id}", area_code=unit.area_code)
    inspection.instance_id = row.id
    for item in open_steps(session, inspection):
        runtime.assign(session, audit.SYSTEM, item.id, user_id=officers[0].id)
    audit.record(session, actor, "inspection.start", "inspection", inspection.id,
                 task_id=inspection.task_id, entity_id=entity.id,
                 officers=inspection.officer_ids)
    return inspection


def _checked_target(session: Session, target: dict[str, Any]
                    ) -> tuple[OrgUnit, MarketEntity, list[User]]:
    unit = session.get(OrgUnit, target.get("unit_id") or 0)
    entity = session.get(MarketEntity, target.get("entity_id") or 0)
    ids = list(dict.fromkeys(int(i) for i in target.get("officer_ids") or []))
    officers = [u for u in (session.get(User, i) for i in ids) if u is not None and u.active]
    problems = {}
    if unit is None:
        problems["unit_id"] = "not_found"
    if entity is None:
        problems["entity_id"] = "not_found"
    if len(officers) < 2 or len(officers) != len(ids):
        problems["officer_ids"] = "two_active_officers"
    if not isinstance(target.get("inspection_date"), date) or not isinstance(
            target.get("deadline"), date):
        problems["deadline"] = "not_a_date"
    if problems:
        raise InvalidInput("the drawn target is incomplete", fields=problems)
    assert unit is not None and entity is not None
    return unit, entity, officers


def _case_data(inspection: Inspection, department: OrgUnit, calendar: WorkdayCalendar
               ) -> dict[str, Any]:
    return {
        "department_org": department.code, "area_code": department.area_code,
        "inspection_id": inspection.id, "officer_ids": list(inspection.officer_ids),
        "deadline_at": calendar.end_of_day(inspection.deadline).isoformat(),
        "remind_at": calendar.end_of_day(
            workdays_before(calendar, inspection.deadline, REMIND_DAYS)).isoformat(),
        "publication_due_at": calendar.end_of_day(calendar.add_workdays(
            inspection.inspection_date, PUBLICATION_DAYS)).isoformat()}


def workdays_before(calendar: WorkdayCalendar, day: date, n: int) -> date:
    """The n-th working day before `day`."""
    while n > 0:
        day -= timedelta(days=1)
        n -= calendar.is_workday(day)
    return day


def inspection_of_instance(session: Session, instance_id: int) -> int | None:
    """The inspection whose case this is: its page is where the case's steps are worked."""
    return session.execute(select(Inspection.id).where(
        Inspection.instance_id == instance_id)).scalar()


def get_inspection(session: Session, actor: audit.Actor, inspection_id: int) -> Inspection:
    """An inspection the actor may see: its drawn officers, and the people whose scope
    covers its unit; NotFound otherwise, so ids do not leak."""
    inspection = session.get(Inspection, inspection_id)
    user = runtime.actor_user(session, actor)
    if inspection is None or (user is not None and not may_see(session, user, inspection)):
        raise NotFound(f"no inspection {inspection_id}", code="no_such_inspection")
    return inspection


def may_see(session: Session, user: User, inspection: Inspection) -> bool:
    if user.id in inspection.officer_ids:
        return True
    unit = session.get(OrgUnit, inspection.unit_id)
    return unit is not None and scope.in_scope(session, user, unit.path)


def open_steps(session: Session, inspection: Inspection) -> list[WorkItem]:
    """The inspection's open work items, oldest first."""
    if inspection.instance_id is None:
        return []
    return list(session.execute(select(WorkItem).where(
        WorkItem.instance_id == inspection.instance_id,
        WorkItem.status == WorkItemStatus.OPEN).order_by(WorkItem.id)).scalars())


def calendar_of(session: Session, inspection: Inspection) -> WorkdayCalendar:
    unit = session.get(OrgUnit, inspection.unit_id)
    assert unit is not None
    return calendar_for(session, settings_of(session), unit.area_code)


def sync_inspection(session: Session, case: Case, _thrown: list[Any]) -> None:
    """After each save of a spot_check case: the state its diagram set, into the row."""
    if case.row.definition.key != PROCESS_KEY or case.row.id is None:
        return
    inspection = session.get(Inspection, case.workflow.data.get("inspection_id") or 0)
    status = script_step_data(case.workflow, "inspection_status").get("inspection_status")
    if inspection is None or status is None or status == inspection.status:
        return
    inspection.status = status
    inspection.updated_at = clock.now()
    audit.record(session, audit.SYSTEM, f"inspection.{status}", "inspection", inspection.id,
                 instance_id=case.row.id)


AFTER_SAVE.append(sync_inspection)
