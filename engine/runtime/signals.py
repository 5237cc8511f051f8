"""BPMN signals delivered to a running instance: the step a domain's action sets off when
the diagram waits for it (a boundary or intermediate signal event)."""

from __future__ import annotations

from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine.errors import Conflict
from engine.runtime.cases import CLOSED, open_case, save_case
from engine.runtime.commands import run_steps
from engine.runtime.derive import tasks_in
from engine.workflow.scripting import engine_steps


def deliver_signal(session: Session, instance_id: int, name: str, **details: object) -> None:
    """Deliver the signal `name` the instance is waiting for, run the steps it sets off and
    save the instance. Conflict when the case is closed or not waiting for it; `details`
    (such as the id of the domain's record) go into the error."""
    case = open_case(session, instance_id)
    if case.row.status in CLOSED:
        raise Conflict("the case is closed", code="case_closed", **details)
    waiting = [t for t in tasks_in(case.workflow, TaskState.WAITING)
               if getattr(getattr(t.task_spec, "event_definition", None), "name", None) == name]
    if not waiting:
        raise Conflict("the case is not waiting for that step", code="step_not_waiting",
                       **details)

    def step() -> None:
        case.workflow.send_event(BpmnEvent(waiting[0].task_spec.event_definition))
        engine_steps(case.workflow)

    run_steps(case, step)
    save_case(session, case)
