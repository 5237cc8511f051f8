"""Many starts of one process stamped from one run: a probe case is run to its first wait
with `Opaque` stand-ins for the data that differs between the requests (a record's id),
and each instance is that state with its own task ids and values.

Stamping is only done when the probe shows the path did not read those values: any use
of a stand-in other than handing it on (comparing, hashing, formatting, measuring,
calling its methods) raises and the caller starts the cases one by one instead; so does a
step that ran or waits naming one of them (what a stand-in cannot see: a type test, a
method called through its class), a stand-in found inside a larger string, a UUID that is
not one of the probe's task ids, a message the probe threw, or a value that is not a JSON
scalar. Each stamped case shares the probe's moments (task state changes, annotations),
taken in the same command.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkdayCalendar
from engine.models import ProcessInstance, WorkItem
from engine.runtime.cases import Case, derived_status
from engine.runtime.derive import (
    ANNOTATION,
    FINISHED,
    fill_work_item,
    script_step_data,
    tasks_in,
    waiting_timers,
)
from engine.runtime.waiting import waiting_events
from engine.workflow import spec_text

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_SCALARS = (str, int, float, bool, type(None))
_ALLOWED = frozenset({"__class__", "__deepcopy__", "__copy__", "__reduce_ex__", "__reduce__",
                      "__getnewargs__"})
_PREFIX = len("cf-stamp-") + 16 + 1  # the stand-in's text before its key


class StampRefused(Exception):
    """The probe read a value that differs between the requests, or its state cannot be
    stamped: start the cases one by one."""


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise StampRefused("the path to the first wait reads a value that differs per case")


class Opaque(str):
    """A stand-in for one request's value in the probe run; only handing it on works."""

    __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __hash__ = __len__ = __iter__ = __contains__ = __getitem__ = _refuse
    __add__ = __radd__ = __mul__ = __rmul__ = __mod__ = __rmod__ = _refuse
    __format__ = __str__ = __bool__ = __int__ = __float__ = __iter__ = _refuse

    def __eq__(self, other: object) -> bool:
        """Itself only (SpiffWorkflow compares a task's data with its parent's): that holds
        whatever the value; any other comparison depends on it."""
        if other is self:
            return True
        _refuse()

    def __ne__(self, other: object) -> bool:
        return not Opaque.__eq__(self, other)

    def __deepcopy__(self, _memo: Any) -> Opaque:
        return self

    def __copy__(self) -> Opaque:
        return self

    def __getattribute__(self, name: str) -> Any:
        if name in _ALLOWED:
            return object.__getattribute__(self, name)
        _refuse()


def stand_ins(data: dict[str, Any], varying: frozenset[str]) -> dict[str, Any]:
    """The request's data with each varying value replaced by a stand-in naming its key."""
    token = secrets.token_hex(8)
    return {k: (Opaque(f"cf-stamp-{token}-{k}") if k in varying else v)
            for k, v in data.items()}


@dataclass
class Template:
    """A probe's state cut into literal text and slots (task ids, values), and its rows."""

    chunks: list[str]
    slots: list[int | str]  # a task's index, or a varying key
    task_ids: list[str]
    status: Any
    work_items: list[tuple[int, dict[str, Any]]]
    timers: list[tuple[int, dict[str, Any]]]
    waiting: list[tuple[int | None, str, str]]
    data: dict[str, Any]
    steps: dict[str, dict[str, Any]]
    probe: Case


def make_template(probe: Case, state: str, thrown: list[Any], data: dict[str, Any]
                  ) -> Template:
    """Cut the probe's stored state at its task ids and stand-ins; StampRefused when it
    cannot be stamped honestly."""
    if thrown:
        raise StampRefused("the probe threw events for other cases")
    workflow = probe.workflow
    _require_unnamed(workflow, set(str.__str__(v)[_PREFIX:] for v in data.values()
                                   if isinstance(v, Opaque)))
    ids = [str(t) for flow in (workflow, *workflow.subprocesses.values()) for t in flow.tasks]
    index = {task_id: i for i, task_id in enumerate(ids)}
    keys = {str.__str__(v): k for k, v in data.items() if isinstance(v, Opaque)}
    chunks, slots, at = [], [], 0
    pattern = re.compile(_UUID + "|" + "|".join(re.escape(json.dumps(s)) for s in keys)
                         if keys else _UUID)
    for match in pattern.finditer(state):
        text = match.group(0)
        slot = index.get(text) if text[0] != '"' else keys[json.loads(text)]
        if slot is None:
            raise StampRefused(f"the state holds an id that is not a task's: {text}")
        chunks.append(state[at:match.start()])
        slots.append(slot)
        at = match.end()
    chunks.append(state[at:])
    if any(marker in chunk for chunk in chunks for marker in keys):
        raise StampRefused("a varying value was built into another value")
    return Template(chunks, slots, ids, derived_status(probe), _items(probe, index),
                    _timers(probe, index), _waiting(workflow, index), dict(workflow.data), {},
                    probe)


_RAN = TaskState.COMPLETED | TaskState.STARTED | TaskState.READY | TaskState.WAITING | (
    TaskState.ERROR)


def _require_unnamed(workflow: BpmnWorkflow, keys: set[str]) -> None:
    """No step that ran or waits names a varying key (a script, a condition, an event's
    expression, a property): what the stand-ins cannot see (a type check, a method called
    through its class) is refused here, by name."""
    if not keys:
        return
    names = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(keys))) + r")\b")
    specs = {id(task.task_spec): task.task_spec for task in tasks_in(workflow, _RAN)}
    for spec in specs.values():
        if names.search(spec_text(spec)):
            raise StampRefused(f"step {spec.name} names a value that differs per case")


def _items(probe: Case, index: dict[str, int]) -> list[tuple[int, dict[str, Any]]]:
    columns = [c.key for c in WorkItem.__table__.columns if c.key not in ("id", "instance_id",
                                                                           "task_id")]
    found = []
    now = probe.calendar.now()
    for task in tasks_in(probe.workflow, TaskState.READY | FINISHED, manual=True):
        notes = task.internal_data.get(ANNOTATION)
        if notes is None:
            continue
        item = WorkItem(instance_id=None, task_id=str(task.id))
        fill_work_item(item, probe, task, notes, now)
        found.append((index[str(task.id)], {c: getattr(item, c) for c in columns}))
    _check_plain([row for _i, row in found])
    return found


def _timers(probe: Case, index: dict[str, int]) -> list[tuple[int, dict[str, Any]]]:
    rows = [(index[str(task.id)], dict(
        attempts=0, element=task.task_spec.name[:200],
        event_name=(task.task_spec.bpmn_name or task.task_spec.name)[:200],
        interrupting=getattr(task.task_spec, "cancel_activity", None), due_at=due,
        locked_by=None, locked_until=None, last_error=None))
        for task, due in waiting_timers(probe)]
    _check_plain([row for _i, row in rows])
    return rows


def _waiting(workflow: BpmnWorkflow, index: dict[str, int]) -> list[tuple[int | None, str, str]]:
    return [(index[task] if task else None, kind, name)
            for task, kind, name in sorted(waiting_events(workflow))]


def _check_plain(rows: list[dict[str, Any]]) -> None:
    if any(isinstance(v, Opaque) for row in rows for v in row.values()):
        raise StampRefused("a derived row holds a varying value")


def stamp(template: Template, row: ProcessInstance, values: dict[str, Any],
          restore: Callable[[str], BpmnWorkflow]) -> StampedCase:
    """The template's state with fresh task ids and the request's values, as a case."""
    fresh = _uuid4s(len(template.task_ids))
    encoded = {}
    for key, value in values.items():
        if not isinstance(value, _SCALARS):
            raise StampRefused(f"{key} is not a plain value")
        encoded[key] = json.dumps(value, ensure_ascii=False)
    parts = [template.chunks[0]]
    for slot, chunk in zip(template.slots, template.chunks[1:], strict=True):
        parts.append(fresh[slot] if isinstance(slot, int) else encoded[slot])
        parts.append(chunk)
    row.state = "".join(parts)
    row.status = template.status
    return StampedCase(row, template.probe.calendar, template, values, fresh, restore)


def _uuid4s(count: int) -> list[str]:
    """`count` random version-4 UUIDs as text, as str(uuid.uuid4()) gives them."""
    raw = bytearray(os.urandom(16 * count))
    found = []
    for at in range(0, 16 * count, 16):
        raw[at + 6] = (raw[at + 6] & 0x0F) | 0x40
        raw[at + 8] = (raw[at + 8] & 0x3F) | 0x80
        h = raw[at:at + 16].hex()
        found.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return found


def _put(value: Any, values: dict[str, Any]) -> Any:
    """A probe's value with its stand-ins replaced by the request's values."""
    if isinstance(value, Opaque):
        return values[str.__str__(value)[_PREFIX:]]
    if isinstance(value, dict):
        return {k: _put(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_put(v, values) for v in value]
    return value


class StampedCase(Case):
    """A stamped instance: its data and steps read from the template, its workflow
    restored from its state only if someone asks for it."""

    def __init__(self, row: ProcessInstance, calendar: WorkdayCalendar, template: Template,
                 values: dict[str, Any], task_ids: list[str],
                 restore: Callable[[str], BpmnWorkflow]) -> None:
        self.row, self.calendar = row, calendar
        self.template, self.values, self.task_ids = template, values, task_ids
        self._restore, self._workflow = restore, None
        self._data: dict[str, Any] | None = None

    @property
    def workflow(self) -> BpmnWorkflow:
        if self._workflow is None:
            self._workflow = self._restore(self.row.state)
        return self._workflow

    @workflow.setter
    def workflow(self, value: BpmnWorkflow) -> None:
        self._workflow = value

    @property
    def data(self) -> dict[str, Any]:
        if self._workflow is not None:
            return self._workflow.data
        if self._data is None:
            self._data = _put(self.template.data, self.values)
        return self._data

    def step_data(self, variable: str) -> dict[str, Any]:
        if self._workflow is not None:
            return super().step_data(variable)
        steps = self.template.steps
        if variable not in steps:
            steps[variable] = script_step_data(self.template.probe.workflow, variable)
        return _put(steps[variable], self.values)

    def rows(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """Its work item, timer and waiting-event rows."""
        row, ids, template = self.row, self.task_ids, self.template
        items = [{**item, "instance_id": row.id, "task_id": ids[i], "entity_id": row.entity_id,
                  "area_code": row.area_code} for i, item in template.work_items]
        timers = [{**timer, "instance_id": row.id, "task_id": ids[i]}
                  for i, timer in template.timers]
        waiting = [{"instance_id": row.id, "task_id": ids[i] if i is not None else "",
                    "kind": kind, "name": name} for i, kind, name in template.waiting]
        return items, timers, waiting
