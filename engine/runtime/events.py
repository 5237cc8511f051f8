"""Messages and signals sent to cases from outside: by another system (the API), an
operator (the CLI) or a procedure of the platform.

Who receives it:
- a signal: every running case waiting for it (a catch event, a boundary event, an
  event-based gateway, an event sub-process), or the one case named by id or business key;
- a message: the same, and SpiffWorkflow's correlation decides on each case: the values
  of the catch's correlation properties, computed from the message's payload, must
  match those the case has (a case that has not correlated yet takes any); when no
  case takes it, it starts a case of each process whose start event waits for it.
The payload (a JSON object) becomes task data of the catching task, as in SpiffWorkflow.
At most `MAX_RECIPIENTS` cases are loaded per call: more is refused, naming the count,
so one call cannot hold the database for minutes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import Forbidden, InvalidInput
from engine.models import InstanceStatus, ProcessDefinition, ProcessInstance, Role, WaitingEvent
from engine.runtime.cases import AFTER_SAVE, Case, open_case, save_case
from engine.runtime.commands import actor_user, run_steps, start_process
from engine.runtime.waiting import waiting_definitions
from engine.workflow import load_spec
from engine.workflow.bounds import OutOfBounds
from engine.workflow.expressions import events_of
from engine.workflow.scripting import engine_steps

Kind = Literal["message", "signal"]
MAX_RECIPIENTS = 500
LIVE = (InstanceStatus.RUNNING, InstanceStatus.WAITING)  # not suspended, closed or failed
MAX_PAYLOAD_BYTES = 64 * 1024


@dataclass
class Delivery:
    """What a send did: the cases that caught it, and the cases it started."""

    kind: Kind
    name: str
    delivered: list[int] = field(default_factory=list)
    started: list[int] = field(default_factory=list)

    @property
    def caught(self) -> bool:
        return bool(self.delivered or self.started)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "caught": self.caught,
                "delivered": self.delivered, "started": self.started}


def send_signal(session: Session, actor: audit.Actor, name: str, *,
                payload: dict[str, Any] | None = None, instance_id: int | None = None,
                business_key: str | None = None) -> Delivery:
    """Deliver a signal to the cases waiting for it (or to the one named)."""
    return _send(session, actor, "signal", name, payload, instance_id, business_key)


def send_message(session: Session, actor: audit.Actor, name: str, *,
                 payload: dict[str, Any] | None = None, instance_id: int | None = None,
                 business_key: str | None = None) -> Delivery:
    """Deliver a message to the correlated cases waiting for it, else start the processes
    whose start event waits for it."""
    delivery = _send(session, actor, "message", name, payload, instance_id, business_key)
    if not delivery.caught and instance_id is None:
        delivery.started = _start_by_message(session, actor, name, payload or {},
                                             business_key)
    return delivery


def _send(session: Session, actor: audit.Actor, kind: Kind, name: str,
          payload: dict[str, Any] | None, instance_id: int | None,
          business_key: str | None) -> Delivery:
    _may_send(session, actor)
    name, payload = _checked(name, payload)
    delivery = Delivery(kind, name)
    for candidate in _candidates(session, kind, name, instance_id, business_key):
        case = open_case(session, candidate)
        if _deliver(case, kind, name, payload):
            save_case(session, case)
            delivery.delivered.append(candidate)
            audit.record(session, actor, f"process.{kind}", "process_instance", candidate,
                         name=name)
    return delivery


def _may_send(session: Session, actor: audit.Actor) -> None:
    user = actor_user(session, actor)
    if user is not None and not user.has_role(Role.SYSADMIN):
        raise Forbidden("only system administrators and other systems' administrator tokens "
                        "send messages and signals", code="may_not_send_events")


def _checked(name: object, payload: object) -> tuple[str, dict[str, Any]]:
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidInput("name the message or signal (at most 200 characters)",
                           fields={"name": "required"})
    if payload is None:
        payload = {}
    if not isinstance(payload, dict) or not all(isinstance(k, str) for k in payload):
        raise InvalidInput("the payload must be a JSON object", fields={"payload": "not_object"})
    try:
        size = len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError):
        raise InvalidInput("the payload must be JSON", fields={"payload": "not_json"}) from None
    if size > MAX_PAYLOAD_BYTES:
        raise InvalidInput(f"the payload has {size:,} bytes, more than {MAX_PAYLOAD_BYTES:,}",
                           fields={"payload": "too_large"})
    return name.strip(), payload


def _candidates(session: Session, kind: Kind, name: str, instance_id: int | None,
                business_key: str | None) -> list[int]:
    query = (select(WaitingEvent.instance_id).distinct()
             .join(ProcessInstance, ProcessInstance.id == WaitingEvent.instance_id)
             .where(WaitingEvent.kind == kind, WaitingEvent.name == name,
                    ProcessInstance.status.in_(LIVE)))
    if instance_id is not None:
        query = query.where(ProcessInstance.id == instance_id)
    if business_key is not None:
        query = query.where(ProcessInstance.business_key == business_key)
    found = list(session.execute(query.order_by(WaitingEvent.instance_id)
                                 .limit(MAX_RECIPIENTS + 1)).scalars())
    if len(found) > MAX_RECIPIENTS:
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar()
        raise InvalidInput(f"{total:,} cases wait for the {kind} {name!r}, more than "
                           f"{MAX_RECIPIENTS} per call: name a case or a business key",
                           fields={"name": "too_many_recipients"})
    return found


def _deliver(case: Case, kind: Kind, name: str, payload: dict[str, Any]) -> bool:
    """Let the case catch the event and run on; False when it does not take it."""
    return _catch(case, _events_for(case, kind, name, payload))


def _catch(case: Case, events: list[BpmnEvent]) -> bool:
    """Offer the case each event until it takes one, then run on; False when none."""
    caught = False

    def step() -> None:
        nonlocal caught
        for event in events:
            try:
                case.workflow.send_event(event)
            except WorkflowException:
                continue  # not waiting for it, or another correlation
            caught = True
            engine_steps(case.workflow)
            return

    run_steps(case, step)
    return caught


def _events_for(case: Case, kind: Kind, name: str, payload: dict[str, Any]
                ) -> list[BpmnEvent]:
    """One event per distinct catch of the case: SpiffWorkflow matches an event by the
    class of its definition, and a message by the catch's correlation properties,
    evaluated over the payload."""
    wanted = MessageEventDefinition if kind == "message" else SignalEventDefinition
    engine = case.workflow.script_engine
    events: list[BpmnEvent] = []
    for catch in _catches(case, wanted, name):
        if isinstance(catch, MessageEventDefinition):
            correlations = catch.calculate_correlations(
                engine, catch.correlation_properties, dict(payload))
            events.append(BpmnEvent(catch, payload=payload, correlations=correlations))
        else:
            events.append(BpmnEvent(catch, payload=payload))
    return events


def _catches(case: Case, wanted: type, name: str) -> list[Any]:
    """The definitions of the case's waiting catches (and event sub-process starts) of
    that kind and name, each once."""
    found: list[Any] = []
    for _task, event in waiting_definitions(case.workflow):
        if isinstance(event, wanted) and getattr(event, "name", None) == name and \
                event not in found:
            found.append(event)
    return found


def _start_by_message(session: Session, actor: audit.Actor, name: str,
                      payload: dict[str, Any], business_key: str | None) -> list[int]:
    started = []
    for key in message_start_processes(session, name):
        row = start_process(session, actor, key, business_key=business_key,
                            area_code=payload.get("area_code"))
        case = open_case(session, row.id)
        if _deliver(case, "message", name, payload):
            save_case(session, case)
            started.append(row.id)
    return started


def message_start_processes(session: Session, name: str) -> list[str]:
    """The keys of processes whose latest version starts with a message of that name."""
    newest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v")
                    ).group_by(ProcessDefinition.key).subquery()
    latest = select(ProcessDefinition).join(newest, and_(
        ProcessDefinition.key == newest.c.key, ProcessDefinition.version == newest.c.v))
    keys = []
    for definition in session.execute(latest).scalars():  # one query, specs from the cache
        key = definition.key
        spec, _subs = load_spec(definition.sha256, partial(getattr, definition, "spec_json"))
        for start in spec.start.outputs:
            if isinstance(start, StartEvent) and any(
                    isinstance(e, MessageEventDefinition) and e.name == name
                    for e in events_of(getattr(start, "event_definition", None))):
                keys.append(key)
                break
    return keys


MESSENGER = audit.Actor("system:message", "engine")
FORWARD_DEPTH = 5


def forward_thrown(session: Session, case: Case, thrown: list[BpmnEvent]) -> None:
    """Deliver the messages a case threw and did not catch itself to the other cases
    waiting for them, in the same transaction, as SpiffWorkflow passes them between the
    processes of a collaboration; a message nobody takes starts the processes whose start
    event waits for it. A chain of more than FORWARD_DEPTH such hand-overs is refused."""
    messages = [e for e in thrown if isinstance(e.event_definition, MessageEventDefinition)]
    if not messages:
        return
    depth = session.info.get("forwarded", 0)
    if depth >= FORWARD_DEPTH:
        raise OutOfBounds(f"messages handed on more than {FORWARD_DEPTH} cases deep in one "
                          "command: a loop of messages between cases?")
    session.info["forwarded"] = depth + 1
    try:
        for event in messages:
            _forward(session, case.row.id, event)
    finally:
        session.info["forwarded"] = depth


def _forward(session: Session, sender: int, event: BpmnEvent) -> None:
    name = event.event_definition.name
    caught = False
    for candidate in _candidates(session, "message", name, None, None):
        if candidate == sender:
            continue
        other = open_case(session, candidate)
        if _catch(other, [event]):
            save_case(session, other)
            caught = True
            audit.record(session, MESSENGER, "process.message", "process_instance", candidate,
                         name=name, sender=sender)
    if not caught:
        payload = event.payload if isinstance(event.payload, dict) else {"payload": event.payload}
        _start_by_message(session, MESSENGER, name, payload, None)


AFTER_SAVE.append(forward_thrown)
