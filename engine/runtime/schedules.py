"""Cases started on a schedule: processes whose start event is a timer.

Deploying a version whose top-level start event is a timer (timeDate, timeDuration or
timeCycle, literal: no case data exists yet) writes the process's schedule row; a
version without one removes it. The scheduler's sweep starts a case of each due
schedule, in one transaction with moving the row on, under a row lock that other
schedulers skip (PostgreSQL), so each occurrence starts exactly one case.

- timeDate: one case at that moment (at once if it has passed);
- timeDuration: one case that long after the deploy;
- timeCycle (R[n]/[start/]period): a case per occurrence, n at most
  (`timer_max_cycle_repetitions` for an unbounded R/...).
Missed occurrences (the scheduler was down): the sweep starts one case for all of
them, now, and the next occurrence is the first one still ahead; the missed ones
count against n. The started case's start event fires at once (it is the occurrence).
A start that fails is retried a minute later, with the error kept on the row.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, clock
from engine.db import settings_of, transaction
from engine.errors import EngineError
from engine.models import InstanceStatus, ProcessDefinition, ProcessInstance, ProcessSchedule
from engine.workflow import SERIALIZER_VERSION, sandbox
from engine.workflow.scripting import engine_steps

log = logging.getLogger(__name__)
RETRY = timedelta(minutes=1)
SCHEDULER = audit.Actor("system:schedule", "scheduler")


@dataclass(frozen=True)
class Occurrence:
    """The first moment a schedule is due, its period and how many occurrences it has."""

    element: str
    first: datetime
    period: int | None = None
    cycles: int | None = None


def timer_starts(spec: BpmnProcessSpec) -> list[tuple[str, TimerEventDefinition]]:
    """The process's top-level start events that are timers: (element id, definition)."""
    return [(task.bpmn_id, task.event_definition) for task in spec.start.outputs
            if isinstance(task, StartEvent)
            and isinstance(task.event_definition, TimerEventDefinition)]


def occurrence(element: str, event: TimerEventDefinition, now: datetime,
               max_cycles: int) -> Occurrence:
    """When the start event first fires; raises ValueError for an expression that is not
    a literal date, duration or cycle."""
    value = sandbox.evaluate(event.expression, {})
    if not isinstance(value, str):
        raise ValueError(f"a timer start event needs a literal value, got {value!r:.60}")
    if isinstance(event, CycleTimerEventDefinition):
        cycles, start, period = TimerEventDefinition.parse_iso_recurring_interval(value)
        return Occurrence(element, start, max(1, round(period.total_seconds())),
                          max_cycles if cycles < 0 else min(cycles, max_cycles))
    parsed = TimerEventDefinition.parse_time_or_duration(value)
    if isinstance(event, DurationTimerEventDefinition) or isinstance(parsed, dict):
        return Occurrence(element, now + TimerEventDefinition.get_timedelta_from_start(
            dict(parsed), now))
    return Occurrence(element, parsed)


def schedule_version(session: Session, definition: ProcessDefinition,
                     spec: BpmnProcessSpec) -> None:
    """Make the process's schedule follow this (its latest) version."""
    starts = timer_starts(spec)
    session.execute(delete(ProcessSchedule).where(ProcessSchedule.key == definition.key))
    if not starts:
        return
    element, event = starts[0]
    settings = settings_of(session)
    found = occurrence(element, event, clock.now(), settings.timer_max_cycle_repetitions)
    if found.cycles == 0:
        return
    session.add(ProcessSchedule(
        key=definition.key, definition_id=definition.id, element=element,
        next_due_at=found.first, period_seconds=found.period, cycles_left=found.cycles,
        started=0))


def start_due(sessions: sessionmaker[Session], worker: str, limit: int = 100) -> int:
    """Start a case for each due schedule (at most `limit`); returns how many started."""
    started = 0
    for _ in range(limit):
        with transaction(sessions) as session:
            row = _lease_one(session)
            if row is None:
                break
            started += _start(session, row, worker)
    return started


def _lease_one(session: Session) -> ProcessSchedule | None:
    now = clock.now()
    return session.execute(
        select(ProcessSchedule).where(
            ProcessSchedule.next_due_at <= now,
            or_(ProcessSchedule.locked_until.is_(None), ProcessSchedule.locked_until < now))
        .order_by(ProcessSchedule.next_due_at).limit(1)
        .with_for_update(skip_locked=True)).scalar()


def _start(session: Session, row: ProcessSchedule, worker: str) -> int:
    now = clock.now()
    savepoint = session.begin_nested()
    try:
        instance = start_scheduled(session, row.definition_id, row.element)
    except (EngineError, Exception) as exc:  # a broken diagram must not stop the sweep
        savepoint.rollback()
        row.locked_by, row.locked_until = worker, now + RETRY
        row.last_error = str(getattr(exc, "message", exc))[:2000]
        log.warning("schedule of %s: the start failed: %s", row.key, row.last_error)
        return 0
    savepoint.commit()
    row.started += 1
    row.last_error, row.locked_by, row.locked_until = None, None, None
    audit.record(session, SCHEDULER, "process.scheduled_start", "process_instance",
                 instance.id, key=row.key, due=row.next_due_at.isoformat())
    _move_on(session, row, now)
    return 1


def _move_on(session: Session, row: ProcessSchedule, now: datetime) -> None:
    """The next occurrence still ahead; the missed ones count as used."""
    if row.period_seconds is None or row.cycles_left is None:
        session.delete(row)
        return
    due = row.next_due_at
    passed = 1 + max(0, math.floor((now - due).total_seconds() / row.period_seconds))
    row.cycles_left -= passed
    if row.cycles_left <= 0:
        session.delete(row)
        return
    row.next_due_at = due + timedelta(seconds=passed * row.period_seconds)


def start_scheduled(session: Session, definition_id: int, element: str) -> ProcessInstance:
    """Start a case of that version whose timer start event `element` fires at once."""
    # Imported here: the command layer imports deploy, which writes schedules.
    from engine.runtime.cases import new_case, save_case
    from engine.runtime.commands import run_steps

    definition = session.get_one(ProcessDefinition, definition_id)
    now = clock.now()
    row = ProcessInstance(
        definition_id=definition.id, definition=definition, status=InstanceStatus.RUNNING,
        state="{}", serializer_version=SERIALIZER_VERSION, started_by=SCHEDULER.name,
        started_at=now, updated_at=now)
    case = new_case(session, definition, row)
    for task in case.workflow.get_tasks():
        event = getattr(task.task_spec, "event_definition", None)
        if getattr(task.task_spec, "bpmn_id", None) == element and \
                isinstance(event, TimerEventDefinition):
            task._set_internal_data(event_value=_fired(event, now))
    run_steps(case, lambda: engine_steps(case.workflow))
    save_case(session, case)
    return row


def _fired(event: TimerEventDefinition, now: datetime) -> Any:
    """A start event's timer value that is due now (a cycle with this one occurrence); a
    second back, as SpiffWorkflow fires a timer once its moment is strictly past."""
    due = (now - timedelta(seconds=1)).isoformat()
    if isinstance(event, CycleTimerEventDefinition):
        return {"cycles": 1, "next": due, "duration": 1.0}
    return due
