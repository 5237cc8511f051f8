"""The rows a stored state calls for, read from its JSON without restoring the workflow.

Restoring a workflow costs several times more than parsing its JSON, and the
doctor reads every instance. This reading applies the same rules as the save
path (`derive`), to the fields the doctor compares; whatever it cannot vouch
for (a ready task not yet annotated, an encoded value, a spec it cannot find)
raises NeedsRestore and the instance is checked by restoring it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskState

from engine.runtime.derive import (
    ANNOTATION,
    FINISHED,
    item_status,
    properties_of,
    task_priority,
    timer_due,
)
from engine.runtime.waiting import EventKey, catches, event_subprocess_starts
from engine.workflow.serializer import SERIALIZER_VERSION, Specs

# (task_id, status, assignee_id, candidate_org_id, candidate_role, due_at, form_key, priority)
ItemRow = tuple[object, ...]
# (task_id, due_at, interrupting)
TimerRow = tuple[object, ...]


# The states in which a task has a work item (ready, finished) or a timer (waiting).
_ROW_STATES = TaskState.READY | FINISHED | TaskState.WAITING


class NeedsRestore(Exception):
    """The JSON alone does not settle this instance's rows."""


def expected_rows(state: str, serializer_version: str, specs: Specs, closed: bool = False
                  ) -> tuple[dict[str, ItemRow], set[TimerRow], set[EventKey]]:
    """The work items (by task id), timers and waiting events that `derive.write_rows`
    would leave (no waiting events once the instance is `closed`)."""
    if serializer_version != SERIALIZER_VERSION:
        raise NeedsRestore(f"a state written by {serializer_version}")
    dct = json.loads(state)
    top, subprocess_specs = specs
    flows: list[tuple[BpmnProcessSpec, dict[str, Any]]] = [(top, dct["tasks"])]
    for sub in dct.get("subprocesses", {}).values():
        spec = subprocess_specs.get(sub.get("spec"))
        if spec is None:
            raise NeedsRestore(f"no subprocess spec {sub.get('spec')!r}")
        flows.append((spec, sub["tasks"]))
    items: dict[str, ItemRow] = {}
    timers: set[TimerRow] = set()
    events = event_subprocess_starts(top, subprocess_specs)
    for spec, tasks in flows:
        for task in tasks.values():
            _add_rows(task, spec.task_specs, items, timers, events)
    return items, timers, set() if closed else events


def _add_rows(task: dict[str, Any], task_specs: dict[str, TaskSpec], items: dict[str, ItemRow],
              timers: set[TimerRow], events: set[EventKey]) -> None:
    spec = task_specs.get(task["task_spec"])
    if spec is None:
        raise NeedsRestore(f"no task spec {task['task_spec']!r}")
    state = task["state"]
    if not state & _ROW_STATES:
        return  # most tasks: nothing that a row reflects
    internal = task["internal_data"]
    if spec.manual and state & (TaskState.READY | FINISHED):
        notes = _plain(internal.get(ANNOTATION))
        if notes is None and state == TaskState.READY:
            raise NeedsRestore("a ready task without its annotation")
        if notes is not None:
            items[task["id"]] = _item_row(task["id"], state, spec, notes)
    if state & TaskState.WAITING:
        due = timer_due(spec, _plain(internal.get("event_value")))
        if due is not None:
            timers.add((task["id"], _aware(due), getattr(spec, "cancel_activity", None)))
        events |= catches(spec, task["id"])


def _item_row(task_id: str, state: int, spec: TaskSpec, notes: dict[str, Any]) -> ItemRow:
    props = properties_of(spec)
    due = notes.get("due_at")
    return (task_id, item_status(state), notes.get("assignee_id"),
            notes.get("candidate_org_id"), notes.get("candidate_role"),
            _aware(datetime.fromisoformat(due)) if due else None, props.get("formKey"),
            task_priority(props))


def _aware(moment: datetime) -> datetime:
    """A naive moment cannot be stored: restoring reports why."""
    if moment.tzinfo is None:
        raise NeedsRestore("a naive date and time")
    return moment


def _plain(value: Any) -> Any:
    """A value of the internal data as stored: flat, so the serializer restores it unchanged
    (the platform's notes and timer values are; anything deeper is left to restoring)."""
    if isinstance(value, dict):
        if "typename" in value or any(isinstance(v, dict | list) for v in value.values()):
            raise NeedsRestore("a nested value in the internal data")
    elif isinstance(value, list):
        raise NeedsRestore("a list in the internal data")
    return value
