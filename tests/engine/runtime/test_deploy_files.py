"""Deployments of several BPMN files; call activities that reach deployed processes;
collaborations of several executable processes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import DeploymentError
from engine.models import ProcessDefinition, WorkItem
from engine.runtime import start_process
from engine.runtime.deploy import deploy, deploy_all
from tests.engine.runtime.conformance import flows, lane, plain_run, platform_run, process
from tests.factories import SETUP

MAIN = process("main", lane("start", "call_sub", "end")
               + '<bpmn:startEvent id="start" /><bpmn:callActivity id="call_sub" '
               'calledElement="sub" /><bpmn:endEvent id="end" />'
               + flows("start", "call_sub", "end"))


def sub(title: str = "核查 Check") -> bytes:
    return process("sub", lane("sub_start", "check", "sub_end")
                   + f'<bpmn:startEvent id="sub_start" /><bpmn:userTask id="check" '
                   f'name="{title}" /><bpmn:endEvent id="sub_end" />'
                   + flows("sub_start", "check", "sub_end"))


def test_a_call_activity_reaches_a_process_in_another_file(session, world, traveller):
    steps = [("complete", "check")]
    expected = plain_run([MAIN, sub()], "main", steps)
    assert expected == (True, ["check"])
    assert platform_run(session, world, [MAIN, sub()], "main", steps) == expected
    (definition,) = session.execute(select(ProcessDefinition).where(
        ProcessDefinition.key.in_(["main", "sub"]))).scalars()
    assert (definition.key, definition.file_names) == ("main", ["main_0.bpmn", "main_1.bpmn"])


def test_a_call_activity_reaches_a_deployed_process_pinned_at_start(session, world,
                                                                   traveller):
    deploy(session, SETUP, [("sub.bpmn", sub())])
    caller, created = deploy(session, SETUP, [("main.bpmn", MAIN)])
    assert created and caller.calls == {"sub": 1}
    case = start_process(session, SETUP, "main", area_code="530502", data={
        "department_org": world.users["chen"].org_unit.code})
    assert session.execute(select(WorkItem.title).where(
        WorkItem.instance_id == case.id)).scalar_one() == "核查 Check"
    assert deploy(session, SETUP, [("main.bpmn", MAIN)]) == (caller, False)
    deploy(session, SETUP, [("sub.bpmn", sub("复核 Check again"))])
    later = start_process(session, SETUP, "main", area_code="530502", data={
        "department_org": world.users["chen"].org_unit.code})
    assert (later.definition.version, later.definition.calls) == (2, {"sub": 2})
    assert session.execute(select(WorkItem.title).where(
        WorkItem.instance_id == later.id)).scalar_one() == "复核 Check again"
    assert session.get_one(type(case), case.id).definition.version == 1  # kept its version
    again, created = deploy(session, SETUP, [("main.bpmn", MAIN)])
    assert (again.version, created) == (2, False)


def test_a_call_to_a_process_nowhere_is_refused(session):
    with pytest.raises(DeploymentError) as refused:
        deploy(session, SETUP, [("main.bpmn", MAIN)])
    assert "calls process 'sub', which is neither in this deployment nor deployed" in str(
        refused.value)


COLLABORATION = process("buyer", '<bpmn:startEvent id="b_start" /><bpmn:endEvent id="b_end" />'
                        + flows("b_start", "b_end")).replace(
    b"</bpmn:definitions>",
    b'<bpmn:process id="seller" isExecutable="true"><bpmn:startEvent id="s_start" />'
    b'<bpmn:endEvent id="s_end" /><bpmn:sequenceFlow id="s_flow" sourceRef="s_start" '
    b'targetRef="s_end" /></bpmn:process>'
    b'<bpmn:collaboration id="trade"><bpmn:participant id="p_buyer" processRef="buyer" />'
    b'<bpmn:participant id="p_seller" processRef="seller" /></bpmn:collaboration>'
    b"</bpmn:definitions>")


def test_a_collaboration_deploys_every_executable_process(session):
    deployed = deploy_all(session, SETUP, [("trade.bpmn", COLLABORATION)])
    assert sorted((d.key, d.version, new) for d, new in deployed) == [
        ("buyer", 1, True), ("seller", 1, True)]
    assert deploy_all(session, SETUP, [("trade.bpmn", COLLABORATION)]) == [
        (d, False) for d, _new in deployed]
