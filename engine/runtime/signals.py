"""BPMN signals delivered to a running instance: the step a domain's action sets off when
the diagram waits for it (a boundary or intermediate signal event, or one of the events
after an event-based gateway)."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine.errors import Conflict
from engine.runtime.cases import CLOSED, open_case, save_case
from engine.runtime.derive import tasks_in
from engine.runtime.steps import run_steps
from engine.workflow.scripting import engine_steps


def deliver_signal(session: Session, instance_id: int, name: str,
                   payload: dict[str, Any] | None = None, **details: object) -> None:
    """Deliver the signal `name` the instance is waiting for, run the steps it sets off and
    save the instance; `payload` becomes data of the catching task. Conflict when the case
    is closed or not waiting for it; `details` (such as the id of the domain's record) go
    into the error."""
    case = open_case(session, instance_id)
    if case.row.status in CLOSED:
        raise Conflict("the case is closed", code="case_closed", **details)
    waiting = [definition for task in tasks_in(case.workflow, TaskState.WAITING)
               for definition in _definitions(task.task_spec) if definition.name == name]
    if not waiting:
        raise Conflict("the case is not waiting for that step", code="step_not_waiting",
                       **details)

    def step() -> None:
        case.workflow.send_event(BpmnEvent(waiting[0], payload))
        engine_steps(case.workflow)

    run_steps(case, step)
    save_case(session, case)


def _definitions(task_spec: object) -> list[Any]:
    """The event definitions a waiting task catches: its own, or, for an event-based
    gateway, those of the events after it (SpiffWorkflow keeps them on the gateway)."""
    definition = getattr(task_spec, "event_definition", None)
    if definition is None:
        return []
    return list(getattr(definition, "event_definitions", None) or [definition])
