"""Messages and signals sent to cases: who receives them, correlation, message starts."""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import delete, select

from engine.errors import Forbidden, InvalidInput
from engine.models import ProcessInstance, WaitingEvent, WorkItem, WorkItemStatus
from engine.runtime import start_process
from engine.runtime.cases import open_case
from engine.runtime.deploy import deploy, deploy_all
from engine.runtime.doctor import examine
from engine.runtime.events import send_message, send_signal
from tests.engine.runtime.conformance import flows, lane, process
from tests.factories import SETUP

HOLD = process("hold", lane("start", "resume", "act", "end")
               + '<bpmn:startEvent id="start" /><bpmn:intermediateCatchEvent id="resume">'
               '<bpmn:signalEventDefinition signalRef="go" /></bpmn:intermediateCatchEvent>'
               '<bpmn:userTask id="act" /><bpmn:endEvent id="end" />'
               + flows("start", "resume", "act", "end"),
               '<bpmn:signal id="go" name="go" />')

ORDER_MESSAGES = """<bpmn:collaboration id="orders">
  <bpmn:participant id="shop" processRef="order" />
  <bpmn:correlationKey name="order_key" id="order_key">
    <bpmn:correlationPropertyRef>order_id</bpmn:correlationPropertyRef>
  </bpmn:correlationKey>
</bpmn:collaboration>
<bpmn:message id="placed" name="placed" /><bpmn:message id="paid" name="paid" />
<bpmn:correlationProperty id="order_id" name="order_id">
  <bpmn:correlationPropertyRetrievalExpression messageRef="placed">
    <bpmn:formalExpression>order_id</bpmn:formalExpression>
  </bpmn:correlationPropertyRetrievalExpression>
  <bpmn:correlationPropertyRetrievalExpression messageRef="paid">
    <bpmn:formalExpression>order_id</bpmn:formalExpression>
  </bpmn:correlationPropertyRetrievalExpression>
</bpmn:correlationProperty>"""

ORDER = process("order", lane("start", "announce", "wait_paid", "ship", "end")
                + '<bpmn:startEvent id="start" /><bpmn:intermediateThrowEvent id="announce">'
                '<bpmn:messageEventDefinition messageRef="placed"><bpmn:extensionElements>'
                "<spiffworkflow:messagePayload>{'order_id': order_id}"
                "</spiffworkflow:messagePayload></bpmn:extensionElements>"
                "</bpmn:messageEventDefinition></bpmn:intermediateThrowEvent>"
                '<bpmn:intermediateCatchEvent id="wait_paid"><bpmn:messageEventDefinition '
                'messageRef="paid" /></bpmn:intermediateCatchEvent>'
                '<bpmn:userTask id="ship" /><bpmn:endEvent id="end" />'
                + flows("start", "announce", "wait_paid", "ship", "end"), ORDER_MESSAGES)

INTAKE = process("intake", lane("start", "review", "end")
                 + '<bpmn:startEvent id="start"><bpmn:messageEventDefinition '
                 'messageRef="application" /></bpmn:startEvent><bpmn:userTask id="review" />'
                 '<bpmn:endEvent id="end" />' + flows("start", "review", "end"),
                 '<bpmn:message id="application" name="application" />')


def started(session, world, key: str, **data: object) -> int:
    return start_process(session, SETUP, key, area_code="530502", data={
        "department_org": world.users["chen"].org_unit.code, **data}).id


def open_tasks(session, instance_id: int) -> list[str]:
    return list(session.execute(select(WorkItem.task_name).where(
        WorkItem.instance_id == instance_id, WorkItem.status == WorkItemStatus.OPEN)).scalars())


def waiting(session, instance_id: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return list(session.execute(select(WaitingEvent.kind, WaitingEvent.name).where(
        WaitingEvent.instance_id == instance_id)).all())


def waiting_task(session, instance_id: int) -> str:  # type: ignore[no-untyped-def]
    case = open_case(session, instance_id)
    (task,) = [t for t in case.workflow.get_tasks() if t.task_spec.bpmn_id == "resume"]
    return str(task.id)


def test_a_signal_reaches_the_named_case_then_every_waiting_one(session, world, traveller):
    deploy(session, SETUP, [("hold.bpmn", HOLD)])
    first, second = started(session, world, "hold"), started(session, world, "hold")
    assert waiting(session, first) == [("signal", "go")]
    one = send_signal(session, SETUP, "go", instance_id=first, payload={"why": "复工"})
    assert (one.delivered, one.started) == ([first], [])
    assert open_tasks(session, first) == ["act"] and waiting(session, first) == []
    assert open_tasks(session, second) == []
    rest = send_signal(session, SETUP, "go")
    assert rest.delivered == [second] and open_tasks(session, second) == ["act"]
    assert not send_signal(session, SETUP, "go").caught


def test_a_message_reaches_the_correlated_case_only(session, world, traveller):
    deploy(session, SETUP, [("order.bpmn", ORDER)])
    one, two = (started(session, world, "order", order_id=n) for n in (1, 2))
    assert waiting(session, one) == [("message", "paid")]
    paid = send_message(session, SETUP, "paid", payload={"order_id": 2, "amount": 30})
    assert paid.delivered == [two]
    assert open_tasks(session, two) == ["ship"] and open_tasks(session, one) == []
    stray = send_message(session, SETUP, "paid", payload={"order_id": 7})
    assert not stray.caught and open_tasks(session, one) == []


def test_a_message_start_event_starts_a_case(session, world, traveller):
    deploy(session, SETUP, [("intake.bpmn", INTAKE)])
    delivery = send_message(session, SETUP, "application", payload={
        "department_org": world.users["chen"].org_unit.code, "applicant": "张三"},
        business_key="SQ-1")
    (instance,) = delivery.started
    assert delivery.delivered == [] and open_tasks(session, instance) == ["review"]


def test_only_system_administrators_send_and_payloads_are_checked(session, world, traveller):
    deploy(session, SETUP, [("hold.bpmn", HOLD)])
    started(session, world, "hold")
    with pytest.raises(Forbidden):
        send_signal(session, world.actor("chen"), "go")
    assert send_signal(session, world.actor("admin"), "go").caught
    with pytest.raises(InvalidInput):
        send_signal(session, SETUP, "go", payload=["not", "an", "object"])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        send_signal(session, SETUP, "go", payload={"blob": "x" * 70_000})


def test_the_doctor_finds_and_rebuilds_missing_waiting_events(session, world, traveller):
    deploy(session, SETUP, [("hold.bpmn", HOLD)])
    instance = started(session, world, "hold")
    session.execute(delete(WaitingEvent))  # as for a case started before the table
    report = examine(session)
    assert report.mismatched == {instance: ["waiting event missing or different: task "
                                            + waiting_task(session, instance)]}
    assert examine(session, repair=True).mismatched and examine(session).healthy
    assert send_signal(session, SETUP, "go").delivered == [instance]


TRADE = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="trade_definitions" targetNamespace="http://creditflow.local/bpmn">
<bpmn:collaboration id="trade"><bpmn:participant id="p_buyer" processRef="buyer" />
  <bpmn:participant id="p_seller" processRef="seller" /></bpmn:collaboration>
<bpmn:message id="order" name="order" /><bpmn:message id="confirm" name="confirm" />
<bpmn:process id="buyer" isExecutable="true"><bpmn:startEvent id="b_start" />
  <bpmn:intermediateThrowEvent id="b_order"><bpmn:messageEventDefinition messageRef="order">
  <bpmn:extensionElements>
  <spiffworkflow:messagePayload>{{'item': item}}</spiffworkflow:messagePayload>
  </bpmn:extensionElements></bpmn:messageEventDefinition>
  </bpmn:intermediateThrowEvent>
  <bpmn:intermediateCatchEvent id="b_confirmed"><bpmn:messageEventDefinition
  messageRef="confirm" /></bpmn:intermediateCatchEvent><bpmn:endEvent id="b_end" />
  {flows("b_start", "b_order", "b_confirmed", "b_end")}</bpmn:process>
<bpmn:process id="seller" isExecutable="true"><bpmn:startEvent id="s_start">
  <bpmn:messageEventDefinition messageRef="order" /></bpmn:startEvent>
  <bpmn:intermediateThrowEvent id="s_confirm"><bpmn:messageEventDefinition
  messageRef="confirm"><bpmn:extensionElements>
  <spiffworkflow:messagePayload>{{'ok': True}}</spiffworkflow:messagePayload>
  </bpmn:extensionElements></bpmn:messageEventDefinition>
  </bpmn:intermediateThrowEvent><bpmn:endEvent id="s_end" />
  {flows("s_start", "s_confirm", "s_end")}</bpmn:process>
</bpmn:definitions>""".encode()


def test_a_collaboration_passes_its_messages_between_cases_like_spiffworkflow(session):
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(TRADE)
    plain = BpmnWorkflow(*parser.get_collaboration("trade"))
    plain.task_tree.data["item"] = "茶叶"
    plain.do_engine_steps()
    assert plain.completed
    deploy_all(session, SETUP, [("trade.bpmn", TRADE)])
    buyer = start_process(session, SETUP, "buyer", data={"item": "茶叶"})
    session.refresh(buyer)
    seller = session.execute(select(ProcessInstance).where(
        ProcessInstance.id != buyer.id)).scalar_one()
    assert (buyer.status, seller.status) == ("completed", "completed")
