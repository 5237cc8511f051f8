"""Running one diagram two ways, for the conformance tests: on the platform (deploy, start,
complete, the scheduler's timer sweep; the spec cache emptied between commands, as when
each request reaches another worker) and on plain SpiffWorkflow in memory, from the same file."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from datetime import datetime, timedelta

import time_machine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.models import InstanceStatus, ProcessInstance, User, WorkItem, WorkItemStatus
from engine.runtime import complete, start_process
from engine.runtime.deploy import deploy
from engine.runtime.timers import sweep
from engine.workflow import serializer
from tests.factories import MONDAY, SETUP, World

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="conformance" targetNamespace="http://creditflow.local/bpmn">
"""
Step = tuple[str, str]  # ("complete", bpmn id of a user task) or ("wait", ISO duration)


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


def plain_run(xml: bytes, process: str, steps: Sequence[Step]) -> tuple[bool, list[str]]:
    """Plain SpiffWorkflow: whether the case completed, and the user tasks it went through."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml)
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
        (task,) = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                   if t.task_spec.bpmn_id == what]
        with time_machine.travel(now, tick=False):
            task.run()
            workflow.do_engine_steps()
        done.append(what)
    return workflow.completed, done


def platform_run(session: Session, world: World, xml: bytes, process: str,
                 steps: Sequence[Step]) -> tuple[bool, list[str]]:
    """The platform, each command committed and the spec cache emptied before the next."""
    now: datetime = MONDAY
    with time_machine.travel(now, tick=False):
        deploy(session, SETUP, [(f"{process}.bpmn", xml)])
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
