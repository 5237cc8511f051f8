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
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, clock
from engine.db import transaction
from engine.errors import EngineError
from engine.models import InstanceStatus, ProcessDefinition, ProcessInstance, ProcessSchedule
from engine.runtime.cases import new_case, save_case
from engine.runtime.steps import run_steps
from engine.workflow import SERIALIZER_VERSION
from engine.workflow.scripting import engine_steps

log = logging.getLogger(__name__)
RETRY = timedelta(minutes=1)
SCHEDULER = audit.Actor("system:schedule", "scheduler")


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
