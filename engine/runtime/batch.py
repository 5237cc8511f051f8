"""Starting many instances of one process at once (registry imports, dual-notice routing).

The result is what `runtime.start_process` gives once per request — the same
instance states (with the platform's task annotations), work items, timers and
audit events — but the spec and each area's calendar are loaded once, every
workflow runs in memory, and each table is written with one executemany. The
audit chain is computed in Python and appended under one head lock. The hooks that
follow every save (`cases.AFTER_SAVE`) run for each new case, as after `save_case`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import insert
from sqlalchemy.orm import Session, make_transient_to_detached

from engine import audit, clock
from engine.calendar import WorkdayCalendar, calendar_for
from engine.db import settings_of
from engine.models import (
    InstanceStatus,
    ProcessDefinition,
    ProcessInstance,
    Timer,
    WaitingEvent,
    WorkItem,
)
from engine.runtime.cases import AFTER_SAVE, CLOSED, Case, derived_status, stored_state
from engine.runtime.derive import (
    ANNOTATION,
    annotate_tasks,
    fill_work_item,
    tasks_in,
    waiting_timers,
)
from engine.runtime.waiting import waiting_events
from engine.workflow import (
    SERIALIZER_VERSION,
    load_spec,
    new_workflow,
    sandbox,
    script_engine,
)
from engine.workflow.bounds import Bounds
from engine.workflow.isolation import Isolation

FirstSteps = Callable[[Case, dict[str, Any]], None]
# The human tasks that have a work item (derive.sync_work_items looks at the same ones).
_READY_OR_FINISHED = (TaskState.READY | TaskState.COMPLETED | TaskState.CANCELLED
                      | TaskState.ERROR)


@dataclass(frozen=True)
class StartRequest:
    """One instance to start in a batch."""

    data: dict[str, Any]
    business_key: str | None = None
    entity_id: int | None = None
    area_code: str | None = None


def start_many(session: Session, actor: audit.Actor, definition: ProcessDefinition,
               requests: Sequence[StartRequest], first_steps: FirstSteps
               ) -> list[ProcessInstance]:
    """Start one instance per request; `first_steps` runs a new case to its first wait.

    A failing request raises (as start_process does) and nothing is written.
    """
    if not requests:
        return []
    cases, thrown = _run_all(session, actor, definition, requests, first_steps)
    _insert_instances(session, cases)
    _insert_work_items(session, cases)
    _insert_timers(session, cases)
    _insert_waiting_events(session, cases)
    audit.record_many(session, actor, [
        ("process.start", "process_instance", case.row.id,
         {"key": definition.key, "version": definition.version,
          "business_key": case.row.business_key}) for case in cases])
    rows = [_attach(session, case.row, definition) for case in cases]
    for case, events in zip(cases, thrown, strict=True):
        for hook in AFTER_SAVE:
            hook(session, case, events)
    return rows


def _run_all(session: Session, actor: audit.Actor, definition: ProcessDefinition,
             requests: Sequence[StartRequest], first_steps: FirstSteps
             ) -> tuple[list[Case], list[list[Any]]]:
    """The cases run to their first wait, and what each threw for other cases."""
    specs = load_spec(definition.sha256, lambda: definition.spec_json)
    settings = settings_of(session)
    limits = sandbox.Limits(settings.sandbox_timeout_seconds, settings.sandbox_max_size)
    engines: dict[str | None, tuple[WorkdayCalendar, Any]] = {}
    now = clock.now()
    cases = []
    thrown = []
    for request in requests:
        data = dict(request.data or {})
        row = ProcessInstance(
            definition_id=definition.id, business_key=request.business_key,
            entity_id=request.entity_id, area_code=request.area_code or data.get("area_code"),
            status=InstanceStatus.RUNNING, state="{}", serializer_version=SERIALIZER_VERSION,
            started_by=actor.name, started_at=now, updated_at=now, ended_at=None, error=None,
        )
        if row.area_code not in engines:
            calendar = calendar_for(session, settings, row.area_code)
            engines[row.area_code] = (calendar, script_engine(
                calendar, limits, Bounds.of(settings), Isolation.of(settings)))
        calendar, engine = engines[row.area_code]
        case = Case(row, new_workflow(specs, engine), calendar)
        case.workflow.data.update(data)
        first_steps(case, data)
        thrown.append(case.workflow.get_events())
        _finish(session, case)
        cases.append(case)
    return cases, thrown


def _finish(session: Session, case: Case) -> None:
    """What save_case does before writing: annotate, serialize, derive the status."""
    row = case.row
    annotate_tasks(session, case)
    row.state = stored_state(session, case)
    row.updated_at = case.calendar.now()
    row.status = derived_status(case)
    if row.status in CLOSED:
        row.ended_at = row.updated_at


_INSTANCE_COLUMNS = ("definition_id", "business_key", "entity_id", "area_code", "status",
                     "state", "serializer_version", "started_by", "started_at", "updated_at",
                     "ended_at", "error")


def _insert_instances(session: Session, cases: list[Case]) -> None:
    rows = [{**{c: getattr(case.row, c) for c in _INSTANCE_COLUMNS}, "version": 1}
            for case in cases]
    table = ProcessInstance.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for case, new_id in zip(cases, session.execute(statement, rows).scalars(), strict=True):
        case.row.id = new_id
        case.row.version = 1


def _insert_work_items(session: Session, cases: list[Case]) -> None:
    columns = [c.key for c in WorkItem.__table__.columns if c.key != "id"]
    rows = []
    for case in cases:
        now = case.calendar.now()
        for task in tasks_in(case.workflow, _READY_OR_FINISHED, manual=True):
            notes = task.internal_data.get(ANNOTATION)
            if notes is None:
                continue
            item = WorkItem(instance_id=case.row.id, task_id=str(task.id))
            fill_work_item(item, case, task, notes, now)
            rows.append({c: getattr(item, c) for c in columns})
    if rows:
        session.execute(insert(WorkItem.__table__), rows)


def _insert_timers(session: Session, cases: list[Case]) -> None:
    rows = [dict(instance_id=case.row.id, task_id=str(task.id), attempts=0,
                 element=task.task_spec.name[:200],
                 event_name=(task.task_spec.bpmn_name or task.task_spec.name)[:200],
                 interrupting=getattr(task.task_spec, "cancel_activity", None), due_at=due,
                 locked_by=None, locked_until=None, last_error=None)
            for case in cases for task, due in waiting_timers(case)]
    if rows:
        session.execute(insert(Timer.__table__), rows)


def _insert_waiting_events(session: Session, cases: list[Case]) -> None:
    rows = [{"instance_id": case.row.id, "task_id": task, "kind": kind, "name": name}
            for case in cases for task, kind, name in sorted(waiting_events(case.workflow))]
    if rows:
        session.execute(insert(WaitingEvent.__table__), rows)


def _attach(session: Session, row: ProcessInstance, definition: ProcessDefinition
            ) -> ProcessInstance:
    """Make the inserted row a persistent object of the session without reading it back."""
    row.definition = definition
    make_transient_to_detached(row)
    session.add(row)
    return row
