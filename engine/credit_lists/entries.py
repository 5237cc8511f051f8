"""List entries and their cases: reading an entry, its open steps and light, starting its
case, and the entry kept in step with its case.

Each diagram step that changes an entry sets `entry_status`; after every save of a list
case (a task completed, a signal caught, a timer fired) `sync_entry` copies it into the
entry: the listing with its decision number and publication, the removal with its number,
the warning, the move to the serious list at three years.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, disclosure, runtime
from engine.calendar import WorkdayCalendar, calendar_for
from engine.config import PROJECT_DIR
from engine.credit_lists.numbers import decision_number
from engine.credit_lists.rules import (
    ABNORMAL_PROCESS,
    LIST_YEARS,
    LISTING_DAYS,
    SERIOUS_PROCESS,
    YELLOW_BEFORE,
    regulator_of,
    upper_regulator,
    years_after,
)
from engine.db import settings_of
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import (
    CreditListApplication,
    CreditListEntry,
    ListStatus,
    ListType,
    MarketEntity,
    OrgUnit,
    RecordStatus,
    Role,
    WorkItem,
    WorkItemStatus,
)
from engine.runtime.cases import AFTER_SAVE, Case
from engine.runtime.deploy import deploy_shipped
from engine.runtime.derive import script_step_data

Light = Literal["green", "yellow", "red"]
DIAGRAMS = {ABNORMAL_PROCESS: PROJECT_DIR / "bpmn" / "abnormal_list.bpmn",
            SERIOUS_PROCESS: PROJECT_DIR / "bpmn" / "serious_list.bpmn"}
PROCESS_OF = {ListType.ABNORMAL: ABNORMAL_PROCESS, ListType.SERIOUS: SERIOUS_PROCESS}
MIN_NOTE, MAX_NOTE = 2, 1000
MEASURES = {ListType.ABNORMAL: "列入经营异常名录", ListType.SERIOUS: "列入严重违法失信名单"}
MARK_MEASURE = "标记为经营异常状态"
BASIS = {ListType.ABNORMAL: "《企业经营异常名录管理暂行办法》",
         ListType.SERIOUS: "《市场监督管理严重违法失信名单管理办法》"}


def get_entry(session: Session, entry_id: int) -> CreditListEntry:
    """An entry (the lists are read by every signed-in person); NotFound otherwise."""
    entry = session.get(CreditListEntry, entry_id)
    if entry is None:
        raise NotFound(f"no list entry {entry_id}", code="no_such_entry")
    return entry


def entry_of_instance(session: Session, instance_id: int) -> int | None:
    """The entry whose case this is: its page is where the case's steps are worked."""
    return session.execute(select(CreditListEntry.id).where(
        CreditListEntry.instance_id == instance_id)).scalar()


def open_steps(session: Session, entry: CreditListEntry) -> list[WorkItem]:
    """The entry's open work items, oldest first."""
    if entry.instance_id is None:
        return []
    return list(session.execute(select(WorkItem).where(
        WorkItem.instance_id == entry.instance_id, WorkItem.status == WorkItemStatus.OPEN
    ).order_by(WorkItem.id)).scalars())


def applications(session: Session, entry: CreditListEntry) -> list[CreditListApplication]:
    """The applications and answers of the entry, oldest first."""
    return list(session.execute(select(CreditListApplication).where(
        CreditListApplication.entry_id == entry.id).order_by(CreditListApplication.id)).scalars())


def pending(session: Session, entry: CreditListEntry, kind: str) -> CreditListApplication | None:
    """The entry's application of `kind` still waiting for its answer."""
    return session.execute(select(CreditListApplication).where(
        CreditListApplication.entry_id == entry.id, CreditListApplication.kind == kind,
        CreditListApplication.status.in_(("pending", "accepted")))).scalar()


def calendar_of(session: Session, entry: CreditListEntry) -> WorkdayCalendar:
    return calendar_for(session, settings_of(session), entry.area_code)


def entry_light(entry: CreditListEntry, steps: list[WorkItem], calendar: WorkdayCalendar
                ) -> Light | None:
    """The deadline light: a proposal against the 10 working days from its trigger; else
    the earliest due step (urges aside) against its due day; None when nothing is due."""
    today = calendar.today()
    if entry.status == ListStatus.PROPOSED and entry.list_type == ListType.ABNORMAL:
        waited = calendar.workdays_between(entry.trigger_date, today)
        if waited > LISTING_DAYS:
            return "red"
        return "yellow" if waited > LISTING_DAYS - YELLOW_BEFORE else "green"
    dues = [calendar.local_date(i.due_at) for i in steps
            if i.due_at is not None and not i.task_name.startswith("urge_")]
    if not dues:
        return None
    due = min(dues)
    if today > due:
        return "red"
    return "yellow" if calendar.workdays_between(today, due) < YELLOW_BEFORE else "green"


def note(text: str, field: str, required: bool = True) -> str:
    """A reason, reply or statement: trimmed, 2 to 1000 characters (empty when optional)."""
    text = (text or "").strip()
    if not text and not required:
        return ""
    if len(text) < MIN_NOTE:
        raise InvalidInput(f"{field} is too short", fields={field: "too_short"})
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"{field} is too long", fields={field: "too_long"})
    return text


def item_of(session: Session, entry: CreditListEntry, task_name: str) -> int:
    """The open item of a step; Conflict when the case is not at that step."""
    for item in open_steps(session, entry):
        if item.task_name == task_name:
            return item.id
    raise Conflict(f"the entry is not at step {task_name}", code="wrong_entry_state",
                   entry_id=entry.id)


def new_entry(session: Session, actor: audit.Actor, list_type: ListType, entity: MarketEntity,
              regulator: OrgUnit, *, reason: str, text: str | None, trigger_source: str,
              trigger_date: date, source_record_id: int | None = None,
              moved_from_id: int | None = None) -> CreditListEntry:
    """A proposed entry of the regulator, audited (its case is started by the caller)."""
    now = clock.now()
    entry = CreditListEntry(
        list_type=list_type, status=ListStatus.PROPOSED, entity_id=entity.id,
        party_name=entity.name, party_uscc=entity.uscc,
        marked_only=list_type == ListType.ABNORMAL and entity.uscc.startswith("92"),
        org_unit_id=regulator.id, area_code=regulator.area_code, reason=reason,
        reason_text=text, trigger_source=trigger_source, trigger_date=trigger_date,
        source_record_id=source_record_id, moved_from_id=moved_from_id,
        created_by=actor.name, created_at=now, updated_at=now)
    session.add(entry)
    session.flush()
    audit.record(session, actor, f"credit_lists.{list_type.value}.proposed", "credit_list_entry",
                 entry.id, entity_id=entity.id, reason=reason, trigger_source=trigger_source,
                 marked_only=entry.marked_only)
    return entry


def start_case(session: Session, actor: audit.Actor, entry: CreditListEntry,
               data: dict[str, Any]) -> None:
    """Start the entry's case with what its diagram reads."""
    process = PROCESS_OF[entry.list_type]
    deploy_shipped(session, process, DIAGRAMS[process])
    regulator = session.get(OrgUnit, entry.org_unit_id)
    assert regulator is not None
    row = runtime.start_process(session, actor, process, data={
        "department_org": regulator.code, "area_code": entry.area_code, "entry_id": entry.id,
        "marked_only": entry.marked_only, **data}, entity_id=entry.entity_id,
        business_key=f"credit-list-{entry.id}", area_code=entry.area_code)
    entry.instance_id = row.id


def end_publication(session: Session, actor: audit.Actor, entry: CreditListEntry,
                    reason: str) -> None:
    """End the entry's publication before its term: the record's withdrawal, done at once
    when the actor may do it (the regulator's administrator), else left as the department
    administrator's task (3 working days, escalated)."""
    if entry.record_id is None:
        return
    record = disclosure.get_record(session, audit.SYSTEM, entry.record_id)
    if record.status != RecordStatus.PUBLISHED:
        return
    disclosure.report_revocation(session, actor, record.id, reason)
    user = runtime.actor_user(session, actor)
    if user is None or not user.has_role(Role.DEPT_ADMIN):
        return
    for item in disclosure.open_steps(session, record):
        if item.task_name == "withdraw_record":
            disclosure.complete_step(session, actor, item.id, {"withdrawal_note": reason})


# --- the entry kept in step with its case -------------------------------------------------

def sync_entry(session: Session, case: Case, _thrown: list[Any]) -> None:
    """After each save of a list case: copy the state its diagram set into the entry."""
    if case.row.definition.key not in DIAGRAMS or case.row.id is None:
        return
    step = script_step_data(case.workflow, "entry_status")
    status = step.get("entry_status")
    entry = session.get(CreditListEntry, case.workflow.data.get("entry_id") or 0)
    if entry is None or entry.instance_id not in (None, case.row.id) or status is None:
        return
    entry.instance_id = case.row.id
    today = case.calendar.today()
    if status == "warned":
        if entry.warned_on is None:
            entry.warned_on = today
            _changed(session, entry, "warned", ends_on=_iso(entry.ends_on))
            # On the entity's own record too; the regulator's task to tell it is the case's.
            audit.record(session, audit.SYSTEM, "credit_lists.warned", "market_entity",
                         entry.entity_id, entry_id=entry.id, moves_on=_iso(entry.ends_on))
        return
    target = {"listed": ListStatus.LISTED, "refused": ListStatus.REFUSED,
              "annulled": ListStatus.REFUSED, "removed": ListStatus.REMOVED,
              "expired": ListStatus.REMOVED, "moved": ListStatus.MOVED}.get(status)
    if target is None or (entry.status == target and status != "annulled") or (
            status == "annulled" and entry.removed_on is not None):
        return
    entry.status = target
    if status == "listed":
        _listed(session, entry, today)
    elif status in ("removed", "expired", "annulled", "moved"):
        entry.removed_on = today
        if status == "expired":
            entry.removal_reason = "period_ended"
        elif status == "annulled":
            entry.removal_reason = "objection_upheld"
        elif status == "moved":
            entry.removal_reason = "moved_to_serious"
        if status in ("removed", "expired"):
            regulator = session.get(OrgUnit, entry.org_unit_id)
            assert regulator is not None
            kind = "abnormal_out" if entry.list_type == ListType.ABNORMAL else "serious_out"
            entry.removal_decision_number = decision_number(session, regulator, kind, today.year)
    _changed(session, entry, status, decision_number=entry.decision_number,
             removal_decision_number=entry.removal_decision_number)
    if status == "moved":
        _move_to_serious(session, entry, today)


AFTER_SAVE.append(sync_entry)


def _changed(session: Session, entry: CreditListEntry, status: str, **details: Any) -> None:
    entry.updated_at = clock.now()
    audit.record(session, audit.SYSTEM, f"credit_lists.{entry.list_type.value}.{status}",
                 "credit_list_entry", entry.id, instance_id=entry.instance_id, **details)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _listed(session: Session, entry: CreditListEntry, today: date) -> None:
    """The listing in force from today for three years, numbered and published."""
    regulator = session.get(OrgUnit, entry.org_unit_id)
    entity = session.get(MarketEntity, entry.entity_id)
    assert regulator is not None and entity is not None
    entry.listed_on = today
    entry.ends_on = years_after(today, LIST_YEARS)
    kind = "abnormal_in" if entry.list_type == ListType.ABNORMAL else "serious_in"
    entry.decision_number = decision_number(session, regulator, kind, today.year)
    measure = MARK_MEASURE if entry.marked_only else MEASURES[entry.list_type]
    last_day = _before(entry.ends_on)  # in force up to the day before the three years
    record = disclosure.publish_for_procedure(
        session, audit.SYSTEM, "joint_punishment", entity, regulator, {
            "list_type": entry.list_type.value, "measure": measure,
            "legal_basis": BASIS[entry.list_type], "valid_to": last_day.isoformat(),
            "authority_name": regulator.name}, decision_date=today,
        decision_number=entry.decision_number, ends_on=last_day,
        origin=f"credit_list:{entry.id}")
    entry.record_id = record.id


def _move_to_serious(session: Session, entry: CreditListEntry, today: date) -> None:
    """Three years on the abnormal list: a serious entry, listed at once."""
    entity = session.get(MarketEntity, entry.entity_id)
    regulator = regulator_of(session, entry.area_code)
    assert entity is not None
    serious = new_entry(session, audit.SYSTEM, ListType.SERIOUS, entity, regulator,
                        reason="abnormal_three_years", text=entry.reason_text,
                        trigger_source="abnormal_three_years", trigger_date=today,
                        moved_from_id=entry.id)
    calendar = calendar_for(session, settings_of(session), entry.area_code)
    start_case(session, audit.SYSTEM, serious, {
        "moved": True, "needs_approval": False, "approver_org": "",
        "ends_at": calendar.end_of_day(_before(years_after(today, LIST_YEARS))).isoformat()})


def _before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def upper_code(session: Session, regulator: OrgUnit) -> str:
    upper = upper_regulator(session, regulator)
    return upper.code if upper is not None else ""


def moment(calendar: WorkdayCalendar, day: date) -> str:
    """A timer's ISO moment: the end of `day` in the area."""
    return calendar.end_of_day(day).isoformat()
