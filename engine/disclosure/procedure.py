"""A record's `info_publication` case: submit, review, revise, withdraw a revoked
decision, credit repair (the record kept in step with its case: `sync`).

The diagram is in charge of the record's state: each of its steps sets `record_status`,
and after every save of an info_publication case (a task completed, a signal caught, a
timer fired) `sync.sync_record` copies it into the record with its time and audit event —
publication, expiry, withdrawal and early end alike, whoever or whatever set them off.
The functions here complete the case's tasks and send its signals, after checking what
only the engine knows (the repair periods, which record a task belongs to).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.calendar import WorkdayCalendar, calendar_for
from engine.config import PROJECT_DIR
from engine.db import settings_of
from engine.disclosure.categories import (
    publication_end,
    repair_problem,
)
from engine.disclosure.records import (
    EDITABLE,
    check_values,
    form_values,
    get_record,
    require_issuer,
)
from engine.disclosure.sync import NO_END, PROCESS_KEY  # the sync is registered on import
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import DisclosureRecord, OrgUnit, RecordStatus, WorkItem, WorkItemStatus
from engine.runtime.deploy import deploy_shipped
from engine.runtime.signals import deliver_signal

DIAGRAM = PROJECT_DIR / "bpmn" / "info_publication.bpmn"
MIN_NOTE, MAX_NOTE = 4, 500


def record_of_instance(session: Session, instance_id: int) -> int | None:
    """The record whose case this is: its page is where the case's steps are worked."""
    return session.execute(select(DisclosureRecord.id).where(
        DisclosureRecord.instance_id == instance_id)).scalar()


def submit(session: Session, actor: audit.Actor, record_id: int) -> DisclosureRecord:
    """Send a draft or a returned record for review: a draft starts its case; a returned
    one, or a draft another procedure made, finishes the step that waits for it."""
    record = get_record(session, actor, record_id)
    require_issuer(session, actor, record)
    if record.status not in EDITABLE:
        raise Conflict(f"the record is {record.status.value}", code="wrong_record_state",
                       record_id=record.id)
    check_values(session, record.category, form_values(record))  # a procedure's draft too
    if record.instance_id is None:
        deploy_shipped(session, PROCESS_KEY, DIAGRAM)
        row = runtime.start_process(session, actor, PROCESS_KEY, data={
            "department_org": _department_code(session, record), "area_code": record.area_code,
            "record_id": record.id, "category": record.category, "needs_entry": False,
            "publishable": record.publishable}, entity_id=record.entity_id,
            business_key=f"record-{record.id}", area_code=record.area_code)
        record.instance_id = row.id
    else:
        step = "revise_record" if record.status == RecordStatus.RETURNED else "complete_record"
        runtime.complete(session, actor, _item(session, actor, record, step),
                         {"publishable": record.publishable})
    return record


def review(session: Session, actor: audit.Actor, record_id: int, decision: str,
           reason: str = "", more: dict[str, Any] | None = None) -> DisclosureRecord:
    """The department administrator approves (published at once unless its category is
    not) or returns the record with a reason. `more` holds the other fields an
    administrator may have added to the review form of the case's version; they go with
    the decision into the case's data."""
    record = get_record(session, actor, record_id)
    data: dict[str, Any] = {**(more or {}), "decision": decision,
                            "publishable": record.publishable}
    if decision == "return":
        data["return_reason"] = _note(reason, "return_reason")
    elif decision == "approve":
        calendar = _calendar(session, record)
        ends = publication_end(record.category, record.fields, calendar.today())
        data["publication_ends_at"] = calendar.end_of_day(ends or NO_END).isoformat()
    else:
        raise InvalidInput("approve or return", fields={"decision": "not_a_choice"})
    item_id = _item(session, actor, record, "review_record")
    record.reviewed_by = actor.name
    record.return_reason = data.get("return_reason")
    runtime.complete(session, actor, item_id, data)
    return record


def report_revocation(session: Session, actor: audit.Actor, record_id: int, reason: str
                      ) -> DisclosureRecord:
    """The decision behind a published record was revoked or changed: its withdrawal is
    due within 3 working days (the department administrator's task)."""
    record = get_record(session, actor, record_id)
    require_issuer(session, actor, record)
    reason = _note(reason, "reason")
    _require(record, RecordStatus.PUBLISHED)
    assert record.instance_id is not None
    deliver_signal(session, record.instance_id, "decision_revoked",
                   {"revocation_reason": reason}, record_id=record.id)
    record.withdrawal_requested_at = clock.now()
    record.end_reason = reason
    audit.record(session, actor, "disclosure.revoked", "disclosure_record", record.id,
                 reason=reason)
    return record


def apply_for_repair(session: Session, actor: audit.Actor, record_id: int, statement: str
                     ) -> DisclosureRecord:
    """Record the entity's credit repair application (信用修复): refused before the
    minimum period and for the penalties that are never repaired; else reviewed by the
    department administrator."""
    record = get_record(session, actor, record_id)
    require_issuer(session, actor, record)
    statement = _note(statement, "statement", MAX_NOTE * 2)
    _require(record, RecordStatus.PUBLISHED)
    if record.category != "penalty":
        raise Forbidden("credit repair ends the publication of penalties only",
                        code="repair_not_a_penalty", record_id=record.id)
    assert record.published_at is not None and record.instance_id is not None
    calendar = _calendar(session, record)
    problem = repair_problem(record.fields, calendar.local_date(record.published_at),
                             calendar.today())
    if problem == "repair_never":
        raise Forbidden("no credit repair for the most serious penalties",
                        code="repair_never", record_id=record.id)
    if problem is not None:
        raise Forbidden("credit repair before the minimum period", code="repair_too_early",
                        record_id=record.id)
    deliver_signal(session, record.instance_id, "repair_applied", {"repair_statement": statement},
                   record_id=record.id)
    record.repair_applied_at = clock.now()
    record.repair_statement = statement
    audit.record(session, actor, "disclosure.repair_applied", "disclosure_record", record.id)
    return record


def complete_step(session: Session, actor: audit.Actor, item_id: int, data: dict[str, Any]
                  ) -> DisclosureRecord:
    """A step of a record's case submitted with its form (the completer of the process)."""
    item = runtime.get_work_item(session, actor, item_id)
    record_id = record_of_instance(session, item.instance_id)
    if record_id is None or item.process_key != PROCESS_KEY:
        raise NotFound(f"work item {item_id} is no record's step", code="not_a_record_task")
    if item.task_name == "review_record":
        return review(session, actor, record_id, str(data.get("decision", "")),
                      str(data.get("return_reason", "")), data)
    if item.task_name in ("complete_record", "revise_record"):
        return submit(session, actor, record_id)
    record = get_record(session, actor, record_id)
    runtime.complete(session, actor, item.id, data)
    return record


def open_steps(session: Session, record: DisclosureRecord) -> list[WorkItem]:
    """The record's open work items, oldest first."""
    if record.instance_id is None:
        return []
    return list(session.execute(select(WorkItem).where(
        WorkItem.instance_id == record.instance_id, WorkItem.status == WorkItemStatus.OPEN
    ).order_by(WorkItem.id)).scalars())


def _calendar(session: Session, record: DisclosureRecord) -> WorkdayCalendar:
    return calendar_for(session, settings_of(session), record.area_code)


def _department_code(session: Session, record: DisclosureRecord) -> str:
    unit = session.get(OrgUnit, record.source_org_id)
    assert unit is not None
    return unit.code


def _item(session: Session, actor: audit.Actor, record: DisclosureRecord, task_name: str) -> int:
    """The open item of a step; Conflict when the case is not at that step."""
    for item in open_steps(session, record):
        if item.task_name == task_name:
            return item.id
    raise Conflict(f"the record is not at step {task_name}", code="wrong_record_state",
                   record_id=record.id)


def _require(record: DisclosureRecord, status: RecordStatus) -> None:
    if record.status != status:
        raise Conflict(f"the record is {record.status.value}", code="wrong_record_state",
                       record_id=record.id)


def _note(text: str, field: str, limit: int = MAX_NOTE) -> str:
    text = (text or "").strip()
    if len(text) < MIN_NOTE:
        raise InvalidInput(f"{field} is too short", fields={field: "too_short"})
    if len(text) > limit:
        raise InvalidInput(f"{field} is too long", fields={field: "too_long"})
    return text
