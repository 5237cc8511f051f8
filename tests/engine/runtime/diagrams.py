"""Small diagrams for the deploy and bounds tests: a start, a few nodes in a row, an end."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import IncidentError
from engine.models import Incident
from engine.runtime import fire_due_timers, start_process
from engine.runtime.deploy import deploy
from engine.runtime.incidents import report_failure
from tests.factories import MONDAY, SETUP

PROCESS = "bounded"

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="bounded_definitions" targetNamespace="http://creditflow.local/bpmn">
"""

# Waits an hour first, so that a case starts, is saved, and then meets what follows.
WAIT = """<bpmn:intermediateCatchEvent id="wait">
  <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression"
  >"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
</bpmn:intermediateCatchEvent>"""


def node_id(xml: str) -> str:
    return xml.split('id="', 1)[1].split('"', 1)[0]


def diagram(*nodes: str, attached: str = "", outside: str = "", lane: bool = False) -> bytes:
    """Process `bounded`: start, `nodes` joined in a row by flows, end.

    `attached` holds boundary events (each with its own flow to `end_boundary`), `outside`
    what sits beside the process (messages, correlation properties); `lane` puts every
    node in the department's lane, which user tasks need.
    """
    ids = ["start", *(node_id(n) for n in nodes), "end"]
    flows = [f'<bpmn:sequenceFlow id="flow_{a}_{b}" sourceRef="{a}" targetRef="{b}" />'
             for a, b in zip(ids, ids[1:], strict=False)]
    boundary = [node_id(attached)] if attached else []
    flows += [f'<bpmn:sequenceFlow id="flow_{b}" sourceRef="{b}" targetRef="end_boundary" />'
              for b in boundary]
    ends = '<bpmn:endEvent id="end_boundary" />' if boundary else ""
    every = [*ids, *boundary, *(["end_boundary"] if boundary else [])]
    lanes = ('<bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="承办部门 department">'
             + "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in every)
             + "</bpmn:lane></bpmn:laneSet>") if lane else ""
    body = "\n".join([lanes, '<bpmn:startEvent id="start" />', *nodes, attached,
                      '<bpmn:endEvent id="end" />', ends, *flows])
    return (f'{_HEAD}{outside}<bpmn:process id="{PROCESS}" isExecutable="true">\n{body}\n'
            "</bpmn:process>\n</bpmn:definitions>\n").encode()


def timer(node: str, kind: str, expression: str, *, attached_to: str = "") -> str:
    """A timer event: an intermediate catch, or a boundary event on `attached_to`."""
    definition = (f'<bpmn:timerEventDefinition><bpmn:{kind} xsi:type="bpmn:tFormalExpression">'
                  f"{expression}</bpmn:{kind}></bpmn:timerEventDefinition>")
    if attached_to:
        return (f'<bpmn:boundaryEvent id="{node}" cancelActivity="false" '
                f'attachedToRef="{attached_to}">{definition}</bpmn:boundaryEvent>')
    return f'<bpmn:intermediateCatchEvent id="{node}">{definition}</bpmn:intermediateCatchEvent>'


def script(node: str, source: str) -> str:
    return (f'<bpmn:scriptTask id="{node}" scriptFormat="python">'
            f"<bpmn:script>{source}</bpmn:script></bpmn:scriptTask>")


def multi_instance(cardinality: str, completion: str = "") -> str:
    """A script task `fan_out` run `cardinality` times in sequence."""
    done = f"<bpmn:completionCondition>{completion}</bpmn:completionCondition>" \
        if completion else ""
    return ('<bpmn:scriptTask id="fan_out" scriptFormat="python">'
            '<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
            f"<bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>{done}"
            "</bpmn:multiInstanceLoopCharacteristics><bpmn:script>pass</bpmn:script>"
            "</bpmn:scriptTask>")


def standard_loop(condition: str = "", maximum: str = "") -> str:
    """A script task `again` run while `condition` holds, `maximum` times at most."""
    bound = f' loopMaximum="{maximum}"' if maximum else ""
    test = f"<bpmn:loopCondition>{condition}</bpmn:loopCondition>" if condition else ""
    return (f'<bpmn:scriptTask id="again" scriptFormat="python">'
            f"<bpmn:standardLoopCharacteristics{bound}>{test}"
            "</bpmn:standardLoopCharacteristics><bpmn:script>pass</bpmn:script>"
            "</bpmn:scriptTask>")


def start_waiting(sessions: sessionmaker[Session], xml: bytes, data: dict[str, object]) -> int:
    """Deploy `xml` and start a case with `data`: it waits an hour at `WAIT`."""
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        deploy(session, SETUP, [("bounded.bpmn", xml)])
        row = start_process(session, SETUP, PROCESS, data=data)
        session.commit()
        return row.id


def fire_the_wait(sessions: sessionmaker[Session], instance_id: int) -> None:
    """Two hours later: the wait fires and the case runs on (committed)."""
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False), sessions() as session:
        fire_due_timers(session, SETUP, instance_id)
        session.commit()


def fail_after_the_wait(sessions: sessionmaker[Session], xml: bytes,
                        data: dict[str, object]) -> Incident:
    """Start, fire the wait: the step after it fails, reported as an incident."""
    instance_id = start_waiting(sessions, xml, data)
    try:
        fire_the_wait(sessions, instance_id)
    except IncidentError as exc:
        incident = report_failure(sessions, exc)
        assert incident is not None
        return incident
    raise AssertionError("the case ran on instead of stopping as an incident")
