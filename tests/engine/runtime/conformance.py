"""Running one diagram two ways, for the conformance tests: on the platform (deploy, start,
complete, the scheduler's timer sweep; the spec cache emptied between commands, as when
each request reaches another worker) and on plain SpiffWorkflow in memory, from the same file."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from datetime import datetime, timedelta

import time_machine
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import SignalEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.models import InstanceStatus, ProcessInstance, User, WorkItem, WorkItemStatus
from engine.runtime import complete, start_process
from engine.runtime.deploy import deploy
from engine.runtime.events import send_signal
from engine.runtime.timers import sweep
from engine.workflow import serializer
from tests.factories import MONDAY, SETUP, World

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="conformance" targetNamespace="http://creditflow.local/bpmn">
"""
Step = tuple[str, str]  # ("complete", user task id), ("wait", "PT<n>H"), ("signal", name)


def lane(*ids: str) -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)
    return (f'<bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="承办部门 department">{refs}'
            "</bpmn:lane></bpmn:laneSet>")


def process(key: str, body: str, outside: str = "") -> bytes:
    return (f'{HEAD}{outside}<bpmn:process id="{key}" isExecutable="true">{body}'
            "</bpmn:process></bpmn:definitions>").encode()


def flows(*ids: str) -> str:
    return "".join(f'<bpmn:sequenceFlow id="f_{a}_{b}" sourceRef="{a}" targetRef="{b}" />'
                   for a, b in zip(ids, ids[1:], strict=False))


def hours(step: str) -> float:
    return float(step.removeprefix("PT").removesuffix("H"))


def plain_run(xml: bytes | list[bytes], process: str, steps: Sequence[Step]
              ) -> tuple[bool, list[str]]:
    """Plain SpiffWorkflow: whether the case completed, and the user tasks it went through."""
    parser = SpiffBpmnParser()
    for text in xml if isinstance(xml, list) else [xml]:
        parser.add_bpmn_str(text)
    now = MONDAY
    with time_machine.travel(now, tick=False):
        workflow = BpmnWorkflow(parser.get_spec(process), parser.get_subprocess_specs(process))
        workflow.do_engine_steps()
    done = []
    for kind, what in steps:
        if kind == "wait":
            now += timedelta(hours=hours(what))
            with time_machine.travel(now, tick=False):
                workflow.refresh_timers()
                workflow.do_engine_steps()
            continue
        if kind == "signal":
            with time_machine.travel(now, tick=False):
                workflow.send_event(BpmnEvent(SignalEventDefinition(what)))
                workflow.do_engine_steps()
            continue
        (task,) = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                   if t.task_spec.bpmn_id == what]
        with time_machine.travel(now, tick=False):
            task.run()
            workflow.do_engine_steps()
        done.append(what)
    return workflow.completed, done


def platform_run(session: Session, world: World, xml: bytes | list[bytes], process: str,
                 steps: Sequence[Step]) -> tuple[bool, list[str]]:
    """The platform, each command committed and the spec cache emptied before the next."""
    now: datetime = MONDAY
    texts = xml if isinstance(xml, list) else [xml]
    with time_machine.travel(now, tick=False):
        deploy(session, SETUP, [(f"{process}_{n}.bpmn", text) for n, text in enumerate(texts)])
        row = start_process(session, SETUP, process, area_code="530502", data={
            "department_org": world.users["chen"].org_unit.code})
        session.commit()
    done = []
    for kind, what in steps:
        serializer._SPEC_CACHE.clear()
        if kind == "wait":
            now += timedelta(hours=hours(what))
            with time_machine.travel(now, tick=False):
                sweep(sessionmaker(session.get_bind(), expire_on_commit=False),
                      "conformance")
            session.expire_all()
            continue
        if kind == "signal":
            with time_machine.travel(now, tick=False):
                assert send_signal(session, SETUP, what, instance_id=row.id).caught
                session.commit()
            continue
        item = session.execute(select(WorkItem).where(
            WorkItem.instance_id == row.id, WorkItem.status == WorkItemStatus.OPEN,
            WorkItem.task_name == what)).scalar_one()
        officer = session.execute(select(User.username).where(
            User.org_unit_id == item.candidate_org_id).order_by(User.id)).scalars().first()
        assert officer is not None, f"nobody works in the unit of {what}"
        with time_machine.travel(now, tick=False):
            complete(session, world.actor(officer), item.id, {})
            session.commit()
        done.append(what)
    session.refresh(row)
    return session.get_one(ProcessInstance, row.id).status == InstanceStatus.COMPLETED, done


def plain_completes_or_hangs(xml: bytes, process: str, seconds: float = 2.0) -> str:
    """Start the diagram on plain SpiffWorkflow in a child process: "completes", "waits",
    "fails", or "hangs" when it has not returned after `seconds` (the child is killed)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        result = pool.apply_async(_plain_start, (xml, process))
        try:
            return str(result.get(seconds))
        except multiprocessing.TimeoutError:
            pool.terminate()
            return "hangs"


def _plain_start(xml: bytes, process: str) -> str:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml)
    try:
        workflow = BpmnWorkflow(parser.get_spec(process), parser.get_subprocess_specs(process))
        workflow.do_engine_steps()
    except Exception:
        return "fails"
    return "completes" if workflow.completed else "waits"


def user(*ids: str) -> str:
    return "".join(f'<bpmn:userTask id="{i}" />' for i in ids)


# One diagram per construct: (xml, process id, steps); each runs on both engines.
BOUNDARY = ('<bpmn:boundaryEvent id="{id}" attachedToRef="{on}" cancelActivity="{cancel}">'
            '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT2H"</bpmn:timeDuration>'
            "</bpmn:timerEventDefinition></bpmn:boundaryEvent>")
CONSTRUCTS: dict[str, tuple[bytes, str, list[Step]]] = {
    "parallel gateway": (process("par", lane("start", "split", "a", "b", "join", "end")
                                 + '<bpmn:startEvent id="start" /><bpmn:parallelGateway '
                                 'id="split" /><bpmn:parallelGateway id="join" />' + user("a", "b")
                                 + '<bpmn:endEvent id="end" />' + flows("start", "split", "a",
                                                                        "join", "end")
                                 + flows("split", "b", "join")),
                         "par", [("complete", "b"), ("complete", "a")]),
    "exclusive gateway with a default": (
        process("xor", lane("start", "set", "choose", "a", "b", "end")
                + '<bpmn:startEvent id="start" /><bpmn:scriptTask id="set" '
                'scriptFormat="python"><bpmn:script>amount = 7</bpmn:script></bpmn:scriptTask>'
                '<bpmn:exclusiveGateway id="choose" default="f_choose_b" />' + user("a", "b")
                + '<bpmn:endEvent id="end" />' + flows("start", "set", "choose")
                + '<bpmn:sequenceFlow id="f_choose_a" sourceRef="choose" targetRef="a">'
                '<bpmn:conditionExpression>amount &gt; 5</bpmn:conditionExpression>'
                '</bpmn:sequenceFlow><bpmn:sequenceFlow id="f_choose_b" sourceRef="choose" '
                'targetRef="b" />' + flows("a", "end") + flows("b", "end")),
        "xor", [("complete", "a")]),
    "interrupting boundary timer": (
        process("late", lane("start", "work", "chase", "end", "end_late", "late_timer")
                + '<bpmn:startEvent id="start" />' + user("work", "chase")
                + BOUNDARY.format(id="late_timer", on="work", cancel="true")
                + '<bpmn:endEvent id="end" /><bpmn:endEvent id="end_late" />'
                + flows("start", "work", "end") + flows("late_timer", "chase", "end_late")),
        "late", [("wait", "PT3H"), ("complete", "chase")]),
    "non-interrupting boundary timer": (
        process("remind", lane("start", "work", "note", "end", "end_note", "remind_timer")
                + '<bpmn:startEvent id="start" />' + user("work", "note")
                + BOUNDARY.format(id="remind_timer", on="work", cancel="false")
                + '<bpmn:endEvent id="end" /><bpmn:endEvent id="end_note" />'
                + flows("start", "work", "end") + flows("remind_timer", "note", "end_note")),
        "remind", [("wait", "PT3H"), ("complete", "note"), ("complete", "work")]),
    "signal boundary event": (
        process("halt", lane("start", "work", "stop", "end", "end_stop", "halt_signal")
                + '<bpmn:startEvent id="start" />' + user("work", "stop")
                + '<bpmn:boundaryEvent id="halt_signal" attachedToRef="work">'
                '<bpmn:signalEventDefinition signalRef="halt_sig" /></bpmn:boundaryEvent>'
                '<bpmn:endEvent id="end" /><bpmn:endEvent id="end_stop" />'
                + flows("start", "work", "end") + flows("halt_signal", "stop", "end_stop"),
                '<bpmn:signal id="halt_sig" name="halt" />'),
        "halt", [("signal", "halt"), ("complete", "stop")]),
    "sequential multi-instance user task": (
        process("each", lane("start", "review", "end")
                + '<bpmn:startEvent id="start" /><bpmn:userTask id="review">'
                '<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
                "<bpmn:loopCardinality>2</bpmn:loopCardinality>"
                "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
                '<bpmn:endEvent id="end" />' + flows("start", "review", "end")),
        "each", [("complete", "review"), ("complete", "review")]),
    "call activity in the same file": (
        process("outer", lane("start", "call", "end") + '<bpmn:startEvent id="start" />'
                '<bpmn:callActivity id="call" calledElement="inner" /><bpmn:endEvent id="end" />'
                + flows("start", "call", "end")).replace(
            b"</bpmn:definitions>",
            b'<bpmn:process id="inner" isExecutable="true">'
            + lane("i_start", "inner_task", "i_end").replace('id="lanes"', 'id="i_lanes"')
            .replace('id="lane"', 'id="i_lane"').encode()
            + b'<bpmn:startEvent id="i_start" /><bpmn:userTask id="inner_task" />'
            b'<bpmn:endEvent id="i_end" />' + flows("i_start", "inner_task", "i_end").encode()
            + b"</bpmn:process></bpmn:definitions>"),
        "outer", [("complete", "inner_task")]),
}
