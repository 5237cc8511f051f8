"""BPMN constructs administrators will draw: the platform completes what plain SpiffWorkflow
completes, saved and restored between commands, or refuses the diagram at deploy."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from SpiffWorkflow.specs.Simple import Simple
from SpiffWorkflow.specs.WorkflowSpec import WorkflowSpec

from engine.config import Settings
from engine.db import session_factory
from engine.errors import DeploymentError, IncidentError
from engine.runtime import start_process
from engine.runtime.deploy import deploy
from engine.runtime.steps import run_steps
from tests.engine.runtime.conformance import (
    CONSTRUCTS,
    HEAD,
    flows,
    lane,
    plain_completes_or_hangs,
    plain_run,
    platform_run,
    process,
)
from tests.factories import SETUP

EVENT_SUBPROCESS = f"""{HEAD}<bpmn:signal id="alarm" name="alarm" />
<bpmn:process id="event_sub" isExecutable="true">
  {lane("start", "raise", "review", "end", "on_alarm")}
  <bpmn:startEvent id="start" />
  <bpmn:intermediateThrowEvent id="raise">
    <bpmn:signalEventDefinition signalRef="alarm" /></bpmn:intermediateThrowEvent>
  <bpmn:userTask id="review" name="审核 Review" />
  <bpmn:endEvent id="end" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="raise" />
  <bpmn:sequenceFlow id="f2" sourceRef="raise" targetRef="review" />
  <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />
  <bpmn:subProcess id="on_alarm" triggeredByEvent="true">
    <bpmn:startEvent id="alarm_start" isInterrupting="false">
      <bpmn:signalEventDefinition signalRef="alarm" /></bpmn:startEvent>
    <bpmn:userTask id="handle" name="处置 Handle" />
    <bpmn:endEvent id="alarm_end" />
    <bpmn:sequenceFlow id="s1" sourceRef="alarm_start" targetRef="handle" />
    <bpmn:sequenceFlow id="s2" sourceRef="handle" targetRef="alarm_end" />
  </bpmn:subProcess>
</bpmn:process></bpmn:definitions>""".encode()

EVENT_GATEWAY = f"""{HEAD}<bpmn:signal id="reply" name="reply" />
<bpmn:process id="event_gateway" isExecutable="true">
  {lane("start", "wait_for", "replied", "late", "chase", "end", "end_replied")}
  <bpmn:startEvent id="start" />
  <bpmn:eventBasedGateway id="wait_for" />
  <bpmn:intermediateCatchEvent id="replied">
    <bpmn:signalEventDefinition signalRef="reply" /></bpmn:intermediateCatchEvent>
  <bpmn:intermediateCatchEvent id="late">
    <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression"
    >"PT2H"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:userTask id="chase" name="催办 Chase" />
  <bpmn:endEvent id="end" />
  <bpmn:endEvent id="end_replied" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_for" />
  <bpmn:sequenceFlow id="f2" sourceRef="wait_for" targetRef="replied" />
  <bpmn:sequenceFlow id="f3" sourceRef="wait_for" targetRef="late" />
  <bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="chase" />
  <bpmn:sequenceFlow id="f5" sourceRef="chase" targetRef="end" />
  <bpmn:sequenceFlow id="f6" sourceRef="replied" targetRef="end_replied" />
</bpmn:process></bpmn:definitions>""".encode()

CASES = {
    **CONSTRUCTS,
    "event sub-process started by a signal": (
        EVENT_SUBPROCESS, "event_sub", [("complete", "handle"), ("complete", "review")]),
    "timer in an event-based gateway": (
        EVENT_GATEWAY, "event_gateway", [("wait", "PT3H"), ("complete", "chase")]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_platform_completes_what_plain_spiffworkflow_completes(session, world, traveller,
                                                                  name):
    xml, process, steps = CASES[name]
    expected = plain_run(xml, process, steps)
    assert expected == (True, [s for k, s in steps if k == "complete"])
    assert platform_run(session, world, xml, process, steps) == expected


SERVED_NOT = {
    "service task": (process("p", '<bpmn:startEvent id="start" /><bpmn:serviceTask '
                                  'id="call_out"><bpmn:extensionElements>'
                                  '<spiffworkflow:serviceTaskOperator id="http/get">'
                                  '<spiffworkflow:parameters /></spiffworkflow:serviceTaskOperator>'
                                  '</bpmn:extensionElements></bpmn:serviceTask>'
                                  '<bpmn:endEvent id="end" />'
                                  + flows("start", "call_out", "end")), "call_out", "service"),
    "signal start": (process("p", '<bpmn:startEvent id="start"><bpmn:signalEventDefinition '
                                  'signalRef="s" /></bpmn:startEvent>'
                                  '<bpmn:endEvent id="end" />' + flows("start", "end"),
                             '<bpmn:signal id="s" name="s" />'),
                     "start", "a process starts by hand"),
    "computed timer start": (process("p", '<bpmn:startEvent id="start"><bpmn:timerEventDefinition>'
                                          '<bpmn:timeDate>due</bpmn:timeDate>'
                                          '</bpmn:timerEventDefinition></bpmn:startEvent>'
                                          '<bpmn:endEvent id="end" />' + flows("start", "end")),
                             "start", "timer start event"),
    "data store": (process("p", '<bpmn:startEvent id="start" /><bpmn:dataStoreReference '
                                'id="ledger" /><bpmn:endEvent id="end" />'
                                + flows("start", "end")), "ledger", "data stores"),
}


@pytest.mark.parametrize("name", list(SERVED_NOT))
def test_constructs_the_platform_cannot_serve_are_refused_at_deploy(session, name):
    xml, element, reason = SERVED_NOT[name]
    with pytest.raises(DeploymentError) as refused:
        deploy(session, SETUP, [("p.bpmn", xml)])
    assert any(p.element == element and p.reason.startswith(reason)
               for p in refused.value.problems), refused.value.problems
    assert f"p.bpmn#{element}: " in str(refused.value)


def test_a_call_activity_calling_its_own_process_is_refused_at_deploy(session):
    xml = process("again", '<bpmn:startEvent id="start" /><bpmn:callActivity id="recurse" '
                           'calledElement="again" /><bpmn:endEvent id="end" />'
                  + flows("start", "recurse", "end"))
    assert plain_completes_or_hangs(xml, "again") == "hangs"
    with pytest.raises(DeploymentError) as refused:
        deploy(session, SETUP, [("again.bpmn", xml)])
    (problem,) = refused.value.problems
    assert problem.element == "recurse" and "cycle" in problem.reason


LOOP = process("spin", '<bpmn:startEvent id="start" /><bpmn:scriptTask id="turn" '
                       'scriptFormat="python"><bpmn:script>x = 1</bpmn:script>'
                       '</bpmn:scriptTask><bpmn:exclusiveGateway id="check" default="f_back" />'
                       '<bpmn:endEvent id="end" />' + flows("start", "turn", "check")
               + '<bpmn:sequenceFlow id="f_back" sourceRef="check" targetRef="turn" />'
               '<bpmn:sequenceFlow id="f_out" sourceRef="check" targetRef="end">'
               '<bpmn:conditionExpression>x &gt; 1</bpmn:conditionExpression>'
               '</bpmn:sequenceFlow>')


def test_a_loop_that_never_waits_is_an_incident_not_a_hang(db_engine, tmp_path):
    sessions = session_factory(db_engine, Settings(var_dir=tmp_path, max_engine_steps=300))
    with sessions() as session:
        deploy(session, SETUP, [("spin.bpmn", LOOP)])
        with pytest.raises(IncidentError) as stopped:
            start_process(session, SETUP, "spin")
        session.rollback()
    assert "more than 300 engine steps" in stopped.value.message
    assert "max_engine_steps" in stopped.value.message


def test_an_error_spiffworkflow_raises_with_swapped_arguments_names_its_cause():
    lonely = Simple(WorkflowSpec(), "on_alarm")  # no input: its test() raises, swapped
    with pytest.raises(IncidentError) as caught:
        run_steps(SimpleNamespace(row=SimpleNamespace(id=1)), lonely.test)
    assert caught.value.message == ("the process failed: No input task connected. "
                                    "(element 'on_alarm')")


SCRIPTED_DATE = process("scripted", lane("start", "plan", "wake", "act", "end")
                        + '<bpmn:startEvent id="start" /><bpmn:scriptTask id="plan" '
                        'scriptFormat="python"><bpmn:script>wake_at = in_hours(2)</bpmn:script>'
                        '</bpmn:scriptTask><bpmn:intermediateCatchEvent id="wake">'
                        '<bpmn:timerEventDefinition><bpmn:timeDate>wake_at</bpmn:timeDate>'
                        '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
                        '<bpmn:userTask id="act" /><bpmn:endEvent id="end" />'
                        + flows("start", "plan", "wake", "act", "end"))


def test_a_timer_date_computed_by_a_script_fires_from_the_sweep(session, world, traveller):
    steps = [("wait", "PT1H"), ("wait", "PT2H"), ("complete", "act")]
    assert platform_run(session, world, SCRIPTED_DATE, "scripted", steps) == (True, ["act"])


def test_a_schema_error_names_its_line(session):
    bad = process("p", '<bpmn:startEvent id="start" />\n<bpmn:userTask id="t">\n'
                       "<bpmn:notAnElement /></bpmn:userTask>")
    line = next(n for n, text in enumerate(bad.decode().splitlines(), 1) if "notAn" in text)
    with pytest.raises(DeploymentError) as refused:
        deploy(session, SETUP, [("p.bpmn", bad)])
    assert f"(line {line})" in str(refused.value)


def test_a_loop_of_bounded_scripts_stops_at_the_commands_time_budget(db_engine, tmp_path):
    sessions = session_factory(db_engine, Settings(var_dir=tmp_path, max_engine_steps=10**7,
                                                   max_command_seconds=0.3))
    with sessions() as session:
        deploy(session, SETUP, [("spin.bpmn", LOOP)])
        began = time.monotonic()
        with pytest.raises(IncidentError) as stopped:
            start_process(session, SETUP, "spin")
        session.rollback()
    assert time.monotonic() - began < 0.3 + 1
    assert "ran longer than 0.3 s" in stopped.value.message
    assert "max_command_seconds" in stopped.value.message
