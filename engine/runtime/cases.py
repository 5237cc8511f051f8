"""Loading and saving one instance: the engine step of every runtime command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from engine.calendar import WorkdayCalendar, calendar_for
from engine.db import settings_of
from engine.errors import Conflict, IncidentError, NotFound
from engine.models import InstanceStatus, ProcessDefinition, ProcessInstance
from engine.runtime.derive import annotate_tasks, script_step_data, tasks_in, write_rows
from engine.workflow import (
    SERIALIZER_VERSION,
    StateTooLarge,
    dump_state,
    load_spec,
    load_state,
    sandbox,
    script_engine,
)
from engine.workflow import new_workflow as spiff_new_workflow
from engine.workflow.bounds import Bounds
from engine.workflow.isolation import Isolation

CLOSED = frozenset({InstanceStatus.COMPLETED, InstanceStatus.TERMINATED})


@dataclass
class Case:
    """An instance row with its live workflow and the calendar of its area."""

    row: ProcessInstance
    workflow: BpmnWorkflow
    calendar: WorkdayCalendar

    @property
    def data(self) -> dict[str, Any]:
        return self.workflow.data

    def step_data(self, variable: str) -> dict[str, Any]:
        """The data of the latest script step that set `variable` (derive.script_step_data)."""
        return script_step_data(self.workflow, variable)


def _engine_for(session: Session, calendar: WorkdayCalendar) -> PythonScriptEngine:
    settings = settings_of(session)
    limits = sandbox.Limits(settings.sandbox_timeout_seconds, settings.sandbox_max_size)
    return script_engine(calendar, limits, Bounds.of(settings), Isolation.of(settings))


def new_case(session: Session, definition: ProcessDefinition, row: ProcessInstance) -> Case:
    calendar = calendar_for(session, settings_of(session), row.area_code)
    specs = load_spec(definition.sha256, lambda: definition.spec_json)
    workflow = spiff_new_workflow(specs, _engine_for(session, calendar))
    return Case(row, workflow, calendar)


def open_case(session: Session, instance_id: int) -> Case:
    """Load an instance and restore its workflow (the version is checked at save)."""
    row = session.get(ProcessInstance, instance_id,
                      options=[joinedload(ProcessInstance.definition)])
    if row is None:
        raise NotFound(f"no process instance {instance_id}", code="no_such_case")
    calendar = calendar_for(session, settings_of(session), row.area_code)
    specs = load_spec(row.definition.sha256, lambda: row.definition.spec_json)
    workflow = load_state(row.state, specs, _engine_for(session, calendar))
    return Case(row, workflow, calendar)


AfterSave = Callable[[Session, "Case", list[BpmnEvent]], None]
AFTER_SAVE: list[AfterSave] = []
"""Called after each save with the events the case threw that it did not catch itself
(engine.runtime.events forwards messages to other cases)."""
AfterSaveMany = Callable[[Session, list["Case"], list[list[BpmnEvent]]], None]
AFTER_SAVE_MANY: dict[AfterSave, AfterSaveMany] = {}
"""A hook's equivalent for the cases a batch start made, called once with all of them."""


def save_case(session: Session, case: Case, *, status: InstanceStatus | None = None) -> None:
    """Write the state back under the version check and re-derive its rows.

    A new instance is inserted once, with its state; an existing one is
    updated only where its version is still the one that was loaded.
    """
    now = case.calendar.now()
    row = case.row
    annotate_tasks(session, case)
    thrown = case.workflow.get_events()  # for other cases (AFTER_SAVE), not for the state
    row.state = stored_state(session, case)
    row.serializer_version = SERIALIZER_VERSION
    row.updated_at = now
    row.status = status or derived_status(case)
    if row.status in CLOSED and row.ended_at is None:
        row.ended_at = now
    instance_id = row.id
    if instance_id is None:
        session.add(row)
    else:
        flag_modified(row, "state")  # always an UPDATE, so the version is always checked
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(f"process instance {instance_id} was changed by someone else; reload it",
                       code="changed_by_other", instance_id=instance_id) from exc
    is_new = instance_id is None
    write_rows(session, case, is_new=is_new)
    for hook in AFTER_SAVE:
        hook(session, case, thrown)


def stored_state(session: Session, case: Case) -> str:
    """The state to write; too large, it stops the command as an incident (nothing is saved,
    so the instance stays at its last good state)."""
    try:
        return dump_state(case.workflow, settings_of(session).max_instance_state_bytes)
    except StateTooLarge as exc:
        raise IncidentError(f"the process failed: {exc}", code="state_too_large",
                            instance_id=case.row.id, permanent=True) from None


def derived_status(case: Case) -> InstanceStatus:
    if case.row.status in (InstanceStatus.SUSPENDED, InstanceStatus.TERMINATED):
        return case.row.status
    if case.workflow.is_completed():
        return InstanceStatus.COMPLETED
    if tasks_in(case.workflow, TaskState.READY, manual=True):
        return InstanceStatus.RUNNING
    return InstanceStatus.WAITING
