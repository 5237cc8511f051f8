"""The schedule rows of processes whose start event is a timer: written at deploy, read by
the sweep (engine.runtime.schedules, which has the rules: what each kind of timer does,
how missed occurrences count)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from sqlalchemy import delete
from sqlalchemy.orm import Session

from engine import clock
from engine.db import settings_of
from engine.models import ProcessDefinition, ProcessSchedule
from engine.workflow import sandbox


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


