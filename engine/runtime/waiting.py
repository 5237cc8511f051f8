"""The messages and signals an instance waits for, as rows (waiting_event), derived on save.

A sender (engine.runtime.events) finds the cases to deliver to by name in SQL, then lets
SpiffWorkflow decide on the loaded case (correlation); the rows say only who might.
"""

from __future__ import annotations

from collections.abc import Iterator

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from engine.models import WaitingEvent
from engine.workflow.expressions import events_of

EventKey = tuple[str, str, str]  # task id ("" for an event sub-process), kind, name


def kind_of(event: object) -> str | None:
    if isinstance(event, MessageEventDefinition):
        return "message"
    if isinstance(event, SignalEventDefinition):
        return "signal"
    return None


def waiting_definitions(workflow: BpmnWorkflow) -> Iterator[tuple[str, object]]:
    """(task id, event definition) for each event the workflow would catch now: those of
    its waiting tasks (and running sub-workflows, a multiple event opened up), then the
    starts of its event sub-processes (task id "")."""
    for flow in (workflow, *workflow.subprocesses.values()):
        for task in flow.tasks.values():
            if task.state & TaskState.WAITING:
                for event in events_of(getattr(task.task_spec, "event_definition", None)):
                    yield str(task.id), event
    for start in _trigger_starts(workflow.spec, workflow.subprocess_specs):
        for event in events_of(getattr(start, "event_definition", None)):
            yield "", event


def _trigger_starts(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
                    ) -> Iterator[object]:
    """The start events of the process's event sub-processes (started by their event)."""
    for name in spec.start.trigger_specs:
        sub = subprocess_specs.get(name)
        yield from getattr(sub, "bpmn_start_events", []) if sub else []


def catches(task_spec: object, task_id: str) -> set[EventKey]:
    """The messages and signals a waiting task of this spec catches."""
    found: set[EventKey] = set()
    for event in events_of(getattr(task_spec, "event_definition", None)):
        kind = kind_of(event)
        if kind and event.name:
            found.add((task_id, kind, str(event.name)[:200]))
    return found


def event_subprocess_starts(spec: BpmnProcessSpec,
                            subprocess_specs: dict[str, BpmnProcessSpec]) -> set[EventKey]:
    """The messages and signals that start an event sub-process of the process."""
    return {key for start in _trigger_starts(spec, subprocess_specs)
            for key in catches(start, "")}


def waiting_events(workflow: BpmnWorkflow) -> set[EventKey]:
    """Each (task, kind, name) the workflow (and its running sub-workflows) would catch."""
    return {(task_id, kind, str(event.name)[:200])  # type: ignore[attr-defined]
            for task_id, event in waiting_definitions(workflow)
            if (kind := kind_of(event)) and getattr(event, "name", None)}


def sync_waiting_events(session: Session, instance_id: int, workflow: BpmnWorkflow | None,
                        is_new: bool = False) -> None:
    """Bring the instance's rows in line with what it waits for now (nothing once it is
    closed): one SELECT when nothing changed, as on most saves."""
    wanted = waiting_events(workflow) if workflow is not None else set()
    stored: set[EventKey] = set() if is_new else {
        (task, kind, name) for task, kind, name in session.execute(
            select(WaitingEvent.task_id, WaitingEvent.kind, WaitingEvent.name)
            .where(WaitingEvent.instance_id == instance_id))}
    gone = stored - wanted
    if gone:
        session.execute(delete(WaitingEvent).where(
            WaitingEvent.instance_id == instance_id,
            tuple_(WaitingEvent.task_id, WaitingEvent.kind, WaitingEvent.name).in_(sorted(gone)))
            .execution_options(synchronize_session=False))
    if wanted - stored:
        session.execute(insert(WaitingEvent), [
            {"instance_id": instance_id, "task_id": task, "kind": kind, "name": name}
            for task, kind, name in sorted(wanted - stored)])
