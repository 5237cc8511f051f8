"""Checking (and rebuilding) work-item, timer and waiting-event rows against the stored
states.

Instances are read in batches by id (keyset), with only the columns the check
needs, so memory stays bounded however many there are. Each state is read as
JSON (`expected`); only an instance that reading cannot settle, and each one
being repaired, has its workflow restored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from engine.db import settings_of
from engine.models import (
    InstanceStatus,
    ProcessDefinition,
    ProcessInstance,
    Timer,
    WaitingEvent,
    WorkItem,
    WorkItemStatus,
)
from engine.runtime.cases import open_case
from engine.runtime.derive import sync_rows
from engine.runtime.expected import ItemRow, TimerRow, expected_rows
from engine.runtime.waiting import EventKey
from engine.workflow import load_spec
from engine.workflow.serializer import Specs

_ITEM_COLUMNS = (WorkItem.task_id, WorkItem.status, WorkItem.assignee_id,
                 WorkItem.candidate_org_id, WorkItem.candidate_role, WorkItem.due_at,
                 WorkItem.form_key, WorkItem.priority)
_TIMER_COLUMNS = (Timer.task_id, Timer.due_at, Timer.interrupting)
_EVENT_COLUMNS = (WaitingEvent.task_id, WaitingEvent.kind, WaitingEvent.name)
# The fields above of each work item, timer and waiting event of an instance.
Snapshot = tuple[set[ItemRow], set[TimerRow], set[EventKey]]
# What the check reads of an instance, in batches by id.
_BATCH = select(ProcessInstance.id, ProcessInstance.definition_id, ProcessInstance.state,
                ProcessInstance.serializer_version, ProcessInstance.status
                ).order_by(ProcessInstance.id)
_CLOSED = (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED)
Progress = Callable[[int], None]


@dataclass
class DoctorReport:
    instances: int = 0
    mismatched: dict[int, list[str]] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return not self.mismatched and not self.failed


def examine(session: Session, repair: bool = False, batch_size: int | None = None,
            progress: Progress | None = None) -> DoctorReport:
    """Re-derive every instance's rows; report differences, rebuild them only if `repair`.

    `progress` is told how many instances each batch checked.
    """
    size = batch_size or settings_of(session).doctor_batch_size
    report = DoctorReport()
    specs = _SpecShelf(session)
    after = 0
    while batch := session.execute(_BATCH.where(ProcessInstance.id > after).limit(size)).all():
        _examine_batch(session, batch, specs, report, repair)
        after = batch[-1].id
        if progress is not None:
            progress(len(batch))
    return report


def count_instances(session: Session) -> int:
    return session.execute(select(func.count()).select_from(ProcessInstance)).scalar_one()


def _examine_batch(session: Session, batch: Sequence[Row[int, int, str, str, InstanceStatus]],
                   specs: _SpecShelf, report: DoctorReport, repair: bool) -> None:
    stored = stored_rows(session, batch[0].id, batch[-1].id)
    for instance_id, definition_id, state, serializer_version, status in batch:
        report.instances += 1
        try:
            items, timers, events = expected_rows(state, serializer_version,
                                                  specs.of(definition_id), status in _CLOSED)
        except Exception:  # NeedsRestore or a broken state: restoring says which
            _restore_and_check(session, instance_id, report, repair)
            continue
        before = stored.get(instance_id, (set(), set(), set()))
        if before != _after_sync(before, items, timers, events):
            _restore_and_check(session, instance_id, report, repair)
    _release(session, {row.id for row in batch})


def _after_sync(before: Snapshot, items: dict[str, ItemRow], timers: set[TimerRow],
                events: set[EventKey]) -> Snapshot:
    """The rows as `sync_rows` leaves them: open items the state lacks are cancelled."""
    kept = {(row[0], WorkItemStatus.CANCELLED, *row[2:]) if row[1] == WorkItemStatus.OPEN
            else row for row in before[0] if row[0] not in items}
    return kept | set(items.values()), timers, events


def stored_rows(session: Session, first: int, last: int) -> dict[int, Snapshot]:
    """The compared fields of the rows of the instances first..last, in two queries."""
    found: dict[int, Snapshot] = {}
    items = select(WorkItem.instance_id, *_ITEM_COLUMNS).where(
        WorkItem.instance_id.between(first, last))
    timers = select(Timer.instance_id, *_TIMER_COLUMNS).where(
        Timer.instance_id.between(first, last))
    events = select(WaitingEvent.instance_id, *_EVENT_COLUMNS).where(
        WaitingEvent.instance_id.between(first, last))
    for number, query in enumerate((items, timers, events)):
        for row in session.execute(query):
            rows: set[Any] = found.setdefault(row.instance_id, (set(), set(), set()))[number]
            rows.add(tuple(row[1:]))
    return found


def _restore_and_check(session: Session, instance_id: int, report: DoctorReport,
                       repair: bool) -> None:
    """Rebuild the instance's rows from its restored workflow; keep them only if `repair`."""
    savepoint = session.begin_nested()
    try:
        before = _snapshot(session, instance_id)
        case = open_case(session, instance_id)
        sync_rows(session, case)
        session.flush()
        session.expire_all()
        after = _snapshot(session, instance_id)
    except Exception as exc:  # a broken state is what the doctor is for
        savepoint.rollback()
        report.failed[instance_id] = str(exc)
        return
    problems = _differences(before, after)
    if problems:
        report.mismatched[instance_id] = problems
    if repair:
        savepoint.commit()
    else:
        savepoint.rollback()


def _snapshot(session: Session, instance_id: int) -> Snapshot:
    return stored_rows(session, instance_id, instance_id).get(instance_id,
                                                              (set(), set(), set()))


def _release(session: Session, instance_ids: set[int]) -> None:
    """Forget what restoring loaded for a batch, so the session does not grow with the run."""
    dirty = session.dirty
    for obj in list(session.identity_map.values()):
        owner = obj.id if isinstance(obj, ProcessInstance) else getattr(obj, "instance_id", None)
        if owner in instance_ids and obj not in dirty:
            session.expunge(obj)


class _SpecShelf:
    """Each definition's specs, fetched once per run (restoring them is cached by hash)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.hashes: dict[int, str] = {
            id_: sha for id_, sha in session.execute(
                select(ProcessDefinition.id, ProcessDefinition.sha256))}

    def of(self, definition_id: int) -> Specs:
        return load_spec(self.hashes[definition_id], lambda: self.session.execute(
            select(ProcessDefinition.spec_json).where(ProcessDefinition.id == definition_id)
        ).scalar_one())


def _differences(before: Snapshot, after: Snapshot) -> list[str]:
    problems = []
    for label, old, new in (("work item", before[0], after[0]), ("timer", before[1], after[1]),
                            ("waiting event", before[2], after[2])):
        for row in sorted(new - old, key=str):
            problems.append(f"{label} missing or different: task {row[0]}")
        stale = {str(r[0]) for r in old - new} - {str(r[0]) for r in new}
        for task_id in sorted(stale):
            problems.append(f"{label} that the state does not have: task {task_id}")
    return problems
