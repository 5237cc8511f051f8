"""The record kept in step with its case: after every save of an info_publication case the
state its diagram set (`record_status`) is copied into the record, with its time, lateness
and audit event; for the cases a batch start made, in one read and one write per batch."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from engine import audit, clock
from engine.calendar import WorkdayCalendar
from engine.disclosure.categories import ENTRY_DAYS, PUBLICATION_DAYS
from engine.models import DisclosureRecord, RecordStatus
from engine.runtime.cases import AFTER_SAVE, AFTER_SAVE_MANY, Case

PROCESS_KEY = "info_publication"
NO_END = date(2099, 12, 31)  # a licence valid without end is published until it changes
SENT = (RecordStatus.SUBMITTED, RecordStatus.PUBLISHED, RecordStatus.RECORDED)
# The columns _synced reads and writes (a record's fields are not among them).
_SYNCED = ("id", "instance_id", "category", "status", "decision_date", "entered_at",
           "updated_at", "submitted_at", "entry_late_days", "reviewed_at", "published_at",
           "publication_ends_on", "publication_late_days", "ended_at", "end_reason")


def sync_record(session: Session, case: Case, _thrown: list[Any]) -> None:
    """After each save of an info_publication case: copy the state its diagram set into the
    record, with the time, the lateness and an audit event."""
    if case.row.definition.key != PROCESS_KEY or case.row.id is None:
        return
    record = session.get(DisclosureRecord, case.data.get("record_id") or 0)
    event = _synced(case, record) if record is not None else None
    if event is not None:
        audit.record_many(session, audit.SYSTEM, [event])


def sync_records(session: Session, cases: list[Case], thrown: list[list[Any]]) -> None:
    """sync_record for the cases a batch start made: the records read with one query and
    written with one statement per set of changed columns, the events appended at once."""
    ours = {case.data.get("record_id") or 0: case for case in cases
            if case.row.definition.key == PROCESS_KEY and case.row.id is not None}
    if any(identity_key(DisclosureRecord, i) in session.identity_map for i in ours):
        for case, caught in zip(cases, thrown, strict=True):  # held by the session: its way
            sync_record(session, case, caught)
        return
    table = DisclosureRecord.__table__
    stored = {row["id"]: row for row in session.execute(
        select(*(table.c[name] for name in _SYNCED)).where(table.c.id.in_(list(ours)))
    ).mappings()} if ours else {}
    events: list[audit.Event] = []
    changes: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for record_id, case in ours.items():
        if record_id not in stored:
            continue
        before = stored[record_id]
        record = SimpleNamespace(**before)
        event = _synced(case, record)
        after = vars(record)
        changed = tuple(sorted(k for k in after if after[k] != before[k]))
        if changed:
            changes[changed].append({"record": record_id,
                                     **{f"new_{k}": after[k] for k in changed}})
        if event is not None:
            events.append(event)
    for columns, rows in changes.items():
        session.execute(update(table).where(table.c.id == bindparam("record")).values(
            {c: bindparam(f"new_{c}") for c in columns}), rows)
    audit.record_many(session, audit.SYSTEM, events)


def _synced(case: Case, record: Any) -> audit.Event | None:
    """The record (or its row's values) brought in line with its case; the audit event to
    append, if it moved."""
    if record.instance_id not in (None, case.row.id):
        return None
    step = status_step(case)
    status = step.get("record_status")
    record.instance_id = case.row.id  # set here already when the case starts
    if status is None or status == record.status.value:
        return None
    calendar = case.calendar
    now = clock.now()
    record.status = RecordStatus(status)
    record.updated_at = now
    if record.status in SENT and record.submitted_at is None:
        # Sent now, even when the case went on to publish it at once (direct publication).
        record.submitted_at = now
        record.entry_late_days = _late(calendar, record.decision_date,
                                       calendar.local_date(record.entered_at), ENTRY_DAYS)
    if record.status in (RecordStatus.PUBLISHED, RecordStatus.RECORDED):
        record.reviewed_at = now
        if record.published_at is None and record.status == RecordStatus.PUBLISHED:
            record.published_at = now
            record.publication_ends_on = _publication_end(step, calendar)
            record.publication_late_days = _late(calendar, record.decision_date,
                                                 calendar.today(), PUBLICATION_DAYS)
    elif record.status == RecordStatus.RETURNED:
        record.reviewed_at = now
    elif record.status in (RecordStatus.WITHDRAWN, RecordStatus.EXPIRED,
                           RecordStatus.ENDED_EARLY):
        record.ended_at = now
        if record.status == RecordStatus.ENDED_EARLY:
            record.end_reason = step.get("repair_note")
    return (f"disclosure.{status}", "disclosure_record", record.id, {
        "instance_id": case.row.id, "category": record.category,
        "publication_ends_on": (record.publication_ends_on.isoformat()
                                if record.publication_ends_on else None)})


AFTER_SAVE.append(sync_record)
AFTER_SAVE_MANY[sync_record] = sync_records


def status_step(case: Case) -> dict[str, Any]:
    """The data of the diagram's latest step that set `record_status` (empty before any):
    the state it gave the record, with what that step knew (the publication's end, the
    repair's reasons)."""
    return case.step_data("record_status")


def _publication_end(step: dict[str, Any], calendar: WorkdayCalendar) -> date | None:
    moment = step.get("publication_ends_at")
    if not moment:
        return None
    day = calendar.local_date(datetime.fromisoformat(moment))
    return None if day >= NO_END else day


def _late(calendar: WorkdayCalendar, decided: date, done: date, limit: int) -> int:
    """Working days past the limit (0: on time)."""
    return max(0, calendar.workdays_between(decided, done) - limit)
