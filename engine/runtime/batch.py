"""Starting many instances of one process at once (registry imports, dual-notice routing,
records imports).

The result is what `runtime.start_process` gives once per request — the same
instance states (with the platform's task annotations), work items, timers and
audit events — but the spec and each area's calendar are loaded once, every
workflow runs in memory, and each table is written with one executemany. The
audit chain is computed in Python and appended under one head lock. The hooks that
follow every save (`cases.AFTER_SAVE`) run for each new case, as after `save_case`,
hook by hook (a hook may have a batch equivalent, `cases.AFTER_SAVE_MANY`).

Requests alike but for a few `varying` data keys (a record's id) are stamped from one
probe run when the probe shows that their path to the first wait does not read those
keys (engine.runtime.stamping); the others run one by one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import insert
from sqlalchemy.orm import Session, make_transient_to_detached

from engine import audit, clock
from engine.calendar import WorkdayCalendar, calendar_for
from engine.db import insert_returning_ids, settings_of
from engine.models import (
    InstanceStatus,
    ProcessDefinition,
    ProcessInstance,
    Timer,
    WaitingEvent,
    WorkItem,
)
from engine.runtime import stamping
from engine.runtime.cases import (
    AFTER_SAVE,
    AFTER_SAVE_MANY,
    CLOSED,
    Case,
    derived_status,
    stored_state,
)
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
    load_state,
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
               requests: Sequence[StartRequest], first_steps: FirstSteps,
               varying: frozenset[str] = frozenset()) -> list[ProcessInstance]:
    """Start one instance per request; `first_steps` runs a new case to its first wait.

    A failing request raises (as start_process does) and nothing is written.
    """
    if not requests:
        return []
    cases, thrown = _Starter(session, actor, definition, first_steps, varying).run(requests)
    _insert_instances(session, cases)
    _insert_rows(session, cases)
    rows = [_attach(session, case.row, definition) for case in cases]
    for hook in AFTER_SAVE:  # each hook acts on the cases of its own processes
        many = AFTER_SAVE_MANY.get(hook)
        if many is not None:
            many(session, cases, thrown)
            continue
        for case, events in zip(cases, thrown, strict=True):
            hook(session, case, events)
    audit.record_many(session, actor, [  # after the hooks, as start_process audits
        ("process.start", "process_instance", case.row.id,
         {"key": definition.key, "version": definition.version,
          "business_key": case.row.business_key}) for case in cases])
    return rows


class _Starter:
    """Runs (or stamps) the cases of a batch to their first wait; writes nothing."""

    def __init__(self, session: Session, actor: audit.Actor, definition: ProcessDefinition,
                 first_steps: FirstSteps, varying: frozenset[str]) -> None:
        self.session, self.actor, self.definition = session, actor, definition
        self.first_steps, self.varying = first_steps, varying
        self.specs = load_spec(definition.sha256, lambda: definition.spec_json)
        self.settings = settings_of(session)
        self.engines: dict[str | None, tuple[WorkdayCalendar, Any]] = {}
        self.templates: dict[str, stamping.Template | None] = {}
        self.now = clock.now()

    def run(self, requests: Sequence[StartRequest]) -> tuple[list[Case], list[list[Any]]]:
        """The cases at their first wait, and what each threw for other cases."""
        keys = [self._group(request) for request in requests]
        sizes = Counter(keys)
        cases: list[Case] = []
        thrown: list[list[Any]] = []
        for request, key in zip(requests, keys, strict=True):
            case = self._stamped(request, key) if key and sizes[key] > 1 else None
            if case is None:
                data = dict(request.data or {})
                case = self._new_case(request, data)
                self.first_steps(case, data)
                thrown.append(case.workflow.get_events())
                _finish(self.session, case)
            else:
                thrown.append([])
            cases.append(case)
        return cases, thrown

    def _new_row(self, request: StartRequest) -> ProcessInstance:
        return ProcessInstance(
            definition_id=self.definition.id, business_key=request.business_key,
            entity_id=request.entity_id,
            area_code=request.area_code or (request.data or {}).get("area_code"),
            status=InstanceStatus.RUNNING, state="{}", serializer_version=SERIALIZER_VERSION,
            started_by=self.actor.name, started_at=self.now, updated_at=self.now,
            ended_at=None, error=None)

    def _new_case(self, request: StartRequest, data: dict[str, Any]) -> Case:
        row = self._new_row(request)
        calendar, engine = self._engine(row.area_code)
        case = Case(row, new_workflow(self.specs, engine), calendar)
        case.workflow.data.update(data)
        return case

    def _engine(self, area_code: str | None) -> tuple[WorkdayCalendar, Any]:
        if area_code not in self.engines:
            settings = self.settings
            limits = sandbox.Limits(settings.sandbox_timeout_seconds, settings.sandbox_max_size)
            calendar = calendar_for(self.session, settings, area_code)
            self.engines[area_code] = (calendar, script_engine(
                calendar, limits, Bounds.of(settings), Isolation.of(settings)))
        return self.engines[area_code]

    def _group(self, request: StartRequest) -> str | None:
        """Requests alike but for their varying values share a key (None: not stamped)."""
        data = request.data or {}
        present = self.varying & data.keys()
        if not present:
            return None
        alike = {k: v for k, v in data.items() if k not in present}
        return json.dumps([request.area_code, sorted(present), alike], sort_keys=True,
                          default=repr)

    def _stamped(self, request: StartRequest, key: str) -> Case | None:
        if key not in self.templates:
            self.templates[key] = self._template(request)
        template = self.templates[key]
        if template is None:
            return None
        row = self._new_row(request)
        data = request.data or {}
        engine = self._engine(row.area_code)[1]
        try:
            case = stamping.stamp(template, row, {k: data[k] for k in self.varying & data.keys()},
                                  lambda state: load_state(state, self.specs, engine))
        except stamping.StampRefused:
            return None
        if len(row.state) * 3 > self.settings.max_instance_state_bytes:
            return None  # perhaps too large: the full run says so
        row.updated_at = case.calendar.now()
        if row.status in CLOSED:
            row.ended_at = row.updated_at
        return case

    def _template(self, request: StartRequest) -> stamping.Template | None:
        """A probe run with stand-ins for the varying values, cut into a template; None
        when its path reads them, or fails (each case's own run then says why)."""
        data = stamping.stand_ins(dict(request.data or {}), self.varying)
        probe = self._new_case(request, data)
        try:
            self.first_steps(probe, data)
            thrown = probe.workflow.get_events()
            annotate_tasks(self.session, probe)
            state = stored_state(self.session, probe)
            return stamping.make_template(probe, state, thrown, data)
        except Exception:  # a script may raise anything; the cases then run one by one
            return None


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
    ids = insert_returning_ids(session, ProcessInstance.__table__, rows)
    for case, new_id in zip(cases, ids, strict=True):
        case.row.id = new_id
        case.row.version = 1


def _insert_rows(session: Session, cases: list[Case]) -> None:
    """The work item, timer and waiting-event rows of the new cases, one insert each."""
    items: list[dict[str, Any]] = []
    timers: list[dict[str, Any]] = []
    waiting: list[dict[str, Any]] = []
    for case in cases:
        if isinstance(case, stamping.StampedCase):
            more = case.rows()
        else:
            more = (_work_items(case), _timers(case), _waiting(case))
        items += more[0]
        timers += more[1]
        waiting += more[2]
    for model, rows in ((WorkItem, items), (Timer, timers), (WaitingEvent, waiting)):
        if rows:
            session.execute(insert(model.__table__), rows)


_ITEM_COLUMNS = [c.key for c in WorkItem.__table__.columns if c.key != "id"]


def _work_items(case: Case) -> list[dict[str, Any]]:
    rows = []
    now = case.calendar.now()
    for task in tasks_in(case.workflow, _READY_OR_FINISHED, manual=True):
        notes = task.internal_data.get(ANNOTATION)
        if notes is None:
            continue
        item = WorkItem(instance_id=case.row.id, task_id=str(task.id))
        fill_work_item(item, case, task, notes, now)
        rows.append({c: getattr(item, c) for c in _ITEM_COLUMNS})
    return rows


def _timers(case: Case) -> list[dict[str, Any]]:
    return [dict(instance_id=case.row.id, task_id=str(task.id), attempts=0,
                 element=task.task_spec.name[:200],
                 event_name=(task.task_spec.bpmn_name or task.task_spec.name)[:200],
                 interrupting=getattr(task.task_spec, "cancel_activity", None), due_at=due,
                 locked_by=None, locked_until=None, last_error=None)
            for task, due in waiting_timers(case)]


def _waiting(case: Case) -> list[dict[str, Any]]:
    return [{"instance_id": case.row.id, "task_id": task, "kind": kind, "name": name}
            for task, kind, name in sorted(waiting_events(case.workflow))]


def _attach(session: Session, row: ProcessInstance, definition: ProcessDefinition
            ) -> ProcessInstance:
    """Make the inserted row a persistent object of the session without reading it back."""
    row.definition = definition
    make_transient_to_detached(row)
    session.add(row)
    return row
