"""Operating the engine, for system administrators (what Camunda's Cockpit does): instances
found by process, state, entity, business key and start; one instance in full (variables,
tasks, timers, incidents, history); where the running instances of a version stand, element
by element; the timer queue; incidents retried one by one or together; a variable changed.
Every change is audited with what it was before."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.masking import mask_text
from engine.models import (
    Incident,
    InstanceStatus,
    MarketEntity,
    ProcessDefinition,
    ProcessInstance,
    Role,
    Timer,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.paging import Page, page_of
from engine.runtime.cases import CLOSED, open_case, save_case
from engine.runtime.incidents import retry
from engine.work.history import HistoryEntry, case_history

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_VALUE_CHARS = 10_000
LIVE = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.INCIDENT,
        InstanceStatus.SUSPENDED)


@dataclass(frozen=True)
class InstanceFilter:
    key: str | None = None
    status: InstanceStatus | None = None
    entity: str | None = None  # a USCC or part of a name
    business_key: str | None = None
    started_from: datetime | None = None
    started_until: datetime | None = None


@dataclass(frozen=True)
class Totals:
    live: int
    incidents: int
    timers: int


@dataclass(frozen=True)
class ElementCounts:
    running: int = 0  # instances standing on the element (an open task or a waiting timer)
    late: int = 0  # open work items past their due time
    incidents: int = 0


@dataclass
class InstanceDetail:
    row: ProcessInstance
    entity: MarketEntity | None
    variables: list[tuple[str, str]]  # name, value as JSON (personal numbers masked)
    items: list[WorkItem]
    timers: list[Timer]
    incidents: list[Incident]
    history: list[HistoryEntry] = field(default_factory=list)


def masked(value: Any) -> Any:
    """A variable's value with every ID-card and phone number in it masked, however deep."""
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return mask_text(value)


def require_operator(session: Session, actor: audit.Actor) -> None:
    """Only system administrators operate instances (the CLI acts as the system)."""
    if actor.user_id is None:
        return
    user = session.get(User, actor.user_id)
    if user is None or not user.has_role(Role.SYSADMIN):
        raise Forbidden("only system administrators operate instances", code="not_an_operator")


def process_keys(session: Session, actor: audit.Actor) -> list[str]:
    """The keys of the deployed processes, for the instance search (the versions with their
    instances by state are listed with the processes: engine.runtime.drafts)."""
    require_operator(session, actor)
    return list(session.execute(select(ProcessDefinition.key).distinct()
                                .order_by(ProcessDefinition.key)).scalars())


def totals(session: Session, actor: audit.Actor) -> Totals:
    """What the console opens with: live instances, open incidents, waiting timers."""
    require_operator(session, actor)
    count = select(func.count())
    return Totals(
        live=session.execute(count.select_from(ProcessInstance)
                             .where(ProcessInstance.status.in_(LIVE))).scalar_one(),
        incidents=session.execute(count.select_from(Incident)
                                  .where(Incident.resolved_at.is_(None))).scalar_one(),
        timers=session.execute(count.select_from(Timer)).scalar_one())


def search(session: Session, actor: audit.Actor, asked: InstanceFilter, page: int,
           per_page: int) -> Page[tuple[ProcessInstance, str, int, str | None]]:
    """Instances matching the filter, newest first: (instance, process key, version, entity
    name)."""
    require_operator(session, actor)
    query: Select[Any] = select(  # type: ignore[assignment]
        ProcessInstance, ProcessDefinition.key,
        ProcessDefinition.version, MarketEntity.name).join(
        ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id).outerjoin(
        MarketEntity, MarketEntity.id == ProcessInstance.entity_id)
    if asked.key:
        query = query.where(ProcessDefinition.key == asked.key)
    if asked.status:
        query = query.where(ProcessInstance.status == asked.status)
    if asked.entity:
        text = asked.entity.strip()
        query = query.where(or_(MarketEntity.uscc == text.upper(),
                                MarketEntity.name.contains(text, autoescape=True)))
    if asked.business_key:
        query = query.where(ProcessInstance.business_key == asked.business_key.strip())
    if asked.started_from:
        query = query.where(ProcessInstance.started_at >= asked.started_from)
    if asked.started_until:
        query = query.where(ProcessInstance.started_at < asked.started_until)
    return page_of(session, query, (ProcessInstance.id.desc(),), page, per_page)


def instance(session: Session, actor: audit.Actor, instance_id: int) -> InstanceDetail:
    """One instance in full; its variables as the diagram's scripts see them."""
    require_operator(session, actor)
    row = session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"no process instance {instance_id}", code="no_such_case")
    data = json.loads(row.state).get("data", {}) if row.state else {}
    variables = [(name, json.dumps(masked(value), ensure_ascii=False, default=str))
                 for name, value in sorted(data.items())]
    entity = session.get(MarketEntity, row.entity_id) if row.entity_id else None
    return InstanceDetail(
        row, entity, variables,
        list(session.execute(select(WorkItem).where(WorkItem.instance_id == row.id)
                             .order_by(WorkItem.id)).scalars()),
        list(session.execute(select(Timer).where(Timer.instance_id == row.id)
                             .order_by(Timer.due_at)).scalars()),
        list(session.execute(select(Incident).where(Incident.instance_id == row.id)
                             .order_by(Incident.id.desc())).scalars()),
        case_history(session, row.id))


def set_variable(session: Session, actor: audit.Actor, instance_id: int, name: str,
                 value_json: str) -> ProcessInstance:
    """Give a live instance's variable a new value (JSON), audited before and after."""
    require_operator(session, actor)
    if not NAME.fullmatch(name or ""):
        raise InvalidInput("bad variable name", fields={"name": "bad_name"})
    if len(value_json or "") > MAX_VALUE_CHARS:
        raise InvalidInput("value too long", fields={"value": "too_long"})
    try:
        value = json.loads(value_json)
    except ValueError:
        raise InvalidInput("not JSON", fields={"value": "not_json"}) from None
    case = open_case(session, instance_id)
    if case.row.status in CLOSED:
        raise Conflict(f"the instance is {case.row.status.value}", code="wrong_case_status",
                       instance_id=instance_id)
    data = case.workflow.data
    before = data.get(name)
    data[name] = value
    save_case(session, case, status=case.row.status)
    audit.record(session, actor, "process.variable", "process_instance", instance_id,
                 name=name, before=masked(before), after=masked(value))
    return case.row


def element_counts(session: Session, actor: audit.Actor, definition_id: int
                   ) -> dict[str, ElementCounts]:
    """Where the live instances of one version stand: per element, how many wait there, how
    many of its work items are late, how many stopped there with an incident."""
    require_operator(session, actor)
    live = select(ProcessInstance.id).where(ProcessInstance.definition_id == definition_id,
                                            ProcessInstance.status.in_(LIVE))
    now = clock.now()
    running: dict[str, int] = {}
    late: dict[str, int] = {}
    for element, n, overdue in session.execute(
            select(WorkItem.task_name, func.count(),
                   func.count().filter(WorkItem.due_at < now))
            .where(WorkItem.instance_id.in_(live), WorkItem.status == WorkItemStatus.OPEN)
            .group_by(WorkItem.task_name)):
        running[element] = running.get(element, 0) + n
        late[element] = overdue
    for waiting, n in session.execute(
            select(Timer.element, func.count()).where(Timer.instance_id.in_(live),
                                                      Timer.element.is_not(None))
            .group_by(Timer.element)):
        running[str(waiting)] = running.get(str(waiting), 0) + n
    incidents: dict[str, int] = dict(session.execute(  # type: ignore[arg-type]
        select(Incident.element, func.count()).where(
            Incident.instance_id.in_(live), Incident.resolved_at.is_(None),
            Incident.element.is_not(None)).group_by(Incident.element)).all())
    return {e: ElementCounts(running.get(e, 0), late.get(e, 0), incidents.get(e, 0))
            for e in set(running) | set(incidents)}


def timer_queue(session: Session, actor: audit.Actor, page: int, per_page: int
                ) -> Page[tuple[Timer, str, int]]:
    """Waiting timers, soonest first: (timer, process key, version)."""
    require_operator(session, actor)
    query: Select[Any] = select(  # type: ignore[assignment]
        Timer, ProcessDefinition.key, ProcessDefinition.version).join(
        ProcessInstance, ProcessInstance.id == Timer.instance_id).join(
        ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
    return page_of(session, query, (Timer.due_at, Timer.id), page, per_page)


def open_incidents(session: Session, actor: audit.Actor
                   ) -> list[tuple[Incident, str, int]]:
    """Unresolved incidents, oldest first: (incident, process key, version)."""
    require_operator(session, actor)
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(Incident, ProcessDefinition.key, ProcessDefinition.version).join(
            ProcessInstance, ProcessInstance.id == Incident.instance_id).join(
            ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .where(Incident.resolved_at.is_(None)).order_by(Incident.id)).all()]


def retry_incidents(session: Session, actor: audit.Actor, incident_ids: Sequence[int]
                    ) -> tuple[list[int], list[int]]:
    """Retry each incident (resolved ones are skipped): (retried, skipped)."""
    require_operator(session, actor)
    done: list[int] = []
    skipped: list[int] = []
    for incident_id in dict.fromkeys(incident_ids):
        try:
            with session.begin_nested():
                retry(session, actor, incident_id)
        except (NotFound, Conflict):
            skipped.append(incident_id)
        else:
            done.append(incident_id)
    return done, skipped
