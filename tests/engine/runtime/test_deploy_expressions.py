"""Deploy checks every expression a diagram carries with the sandbox, naming its element."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import DeploymentError
from engine.models import ProcessDefinition
from engine.runtime.deploy import deploy
from tests.engine.runtime.diagrams import diagram, multi_instance, standard_loop
from tests.factories import SETUP

UNSAFE = "__import__('os')"

MESSAGES = """<bpmn:collaboration id="collaboration">
  <bpmn:participant id="participant" processRef="bounded" />
  <bpmn:correlationKey name="case_key" id="case_key">
    <bpmn:correlationPropertyRef>case_id</bpmn:correlationPropertyRef>
  </bpmn:correlationKey>
</bpmn:collaboration>
<bpmn:message id="reply" name="reply" />
<bpmn:correlationProperty id="case_id" name="case id">
  <bpmn:correlationPropertyRetrievalExpression messageRef="reply">
    <bpmn:formalExpression>{retrieval}</bpmn:formalExpression>
  </bpmn:correlationPropertyRetrievalExpression>
</bpmn:correlationProperty>"""

AWAIT_REPLY = ('<bpmn:intermediateCatchEvent id="await_reply">'
               '<bpmn:messageEventDefinition messageRef="reply" /></bpmn:intermediateCatchEvent>')

DECIDE = ('<bpmn:businessRuleTask id="decide"><bpmn:extensionElements><spiffworkflow:'
          'calledDecisionId>grade</spiffworkflow:calledDecisionId></bpmn:extensionElements>'
          "</bpmn:businessRuleTask>")


def grade_table(source: str = "amount", cell: str = "&gt; 5", output: str = '"high"') -> bytes:
    """A decision table of one input, one rule and one output."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="grading" name="Grading"
             namespace="http://creditflow.local/dmn">
  <decision id="grade" name="Grade">
    <decisionTable id="grade_table" hitPolicy="UNIQUE">
      <input id="amount_input" label="Amount">
        <inputExpression id="amount_expression" typeRef="number"><text>{source}</text>
        </inputExpression>
      </input>
      <output id="grade_output" label="Grade" name="grade" typeRef="string" />
      <rule id="high">
        <inputEntry id="high_amount"><text>{cell}</text></inputEntry>
        <outputEntry id="high_grade"><text>{output}</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>""".encode()


def conditional_event(condition: str) -> str:
    return ('<bpmn:intermediateCatchEvent id="until"><bpmn:conditionalEventDefinition>'
            f'<bpmn:condition xsi:type="bpmn:tFormalExpression">{condition}</bpmn:condition>'
            "</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>")


def message_throw(payload: str) -> str:
    return ('<bpmn:intermediateThrowEvent id="send_reply"><bpmn:messageEventDefinition '
            'messageRef="reply"><bpmn:extensionElements><spiffworkflow:messagePayload>'
            f"{payload}</spiffworkflow:messagePayload></bpmn:extensionElements>"
            "</bpmn:messageEventDefinition></bpmn:intermediateThrowEvent>")


def service_task(value: str) -> str:
    return ('<bpmn:serviceTask id="call_out"><bpmn:extensionElements>'
            '<spiffworkflow:serviceTaskOperator id="http/get"><spiffworkflow:parameters>'
            f'<spiffworkflow:parameter id="url" type="str" value="{value}" />'
            "</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>"
            "</bpmn:extensionElements></bpmn:serviceTask>")


def refused(session, files: list[tuple[str, bytes]]) -> DeploymentError:
    with pytest.raises(DeploymentError) as caught:
        deploy(session, SETUP, files)
    assert session.execute(select(func.count(ProcessDefinition.id))).scalar() == 0
    return caught.value


def bpmn(*nodes: str, retrieval: str = "case_id") -> list[tuple[str, bytes]]:
    return [("carrier.bpmn", diagram(*nodes, outside=MESSAGES.format(retrieval=retrieval)))]


CARRIERS = {
    "conditional event": (bpmn(conditional_event(UNSAFE)), "until",
                          "conditional event expression"),
    "loop cardinality": (bpmn(multi_instance(UNSAFE)), "fan_out", "loop cardinality"),
    "completion condition": (bpmn(multi_instance("3", completion=UNSAFE)), "fan_out",
                             "completion condition"),
    "loop condition": (bpmn(standard_loop(condition=UNSAFE, maximum="3")), "again",
                       "loop condition"),
    "correlation": (bpmn(AWAIT_REPLY, retrieval=UNSAFE), "await_reply",
                    "correlation property 'case_id'"),
    "message payload": (bpmn(message_throw(UNSAFE)), "send_reply", "message event expression"),
    "service parameter": (bpmn(service_task("__import__(&apos;os&apos;)")), "call_out",
                          "service parameter 'url'"),
    "DMN input": (bpmn(DECIDE) + [("grade.dmn", grade_table(source=UNSAFE))], "amount_input",
                  "DMN input 'Amount'"),
    "DMN input entry": (bpmn(DECIDE) + [("grade.dmn", grade_table(cell=UNSAFE))],
                        "high_amount", "DMN rule 'high'"),
    "DMN comparison": (bpmn(DECIDE) + [("grade.dmn", grade_table(cell=f"&gt; {UNSAFE}"))],
                       "high_amount", "DMN rule 'high'"),
    "DMN output entry": (bpmn(DECIDE) + [("grade.dmn", grade_table(output=UNSAFE))],
                         "high_grade", "DMN rule 'high'"),
}


@pytest.mark.parametrize("carrier", CARRIERS)
def test_unsafe_code_in_every_carrier_is_refused_at_deploy_with_its_element(session, carrier):
    files, element, what = CARRIERS[carrier]
    error = refused(session, files)
    # A service task is refused as a construct too (test_conformance).
    (problem,) = [p for p in error.problems if "sandbox" in p.reason]
    assert problem.element == element
    assert problem.reason.startswith(f"{what} refused by the sandbox")
    assert "__import__" in problem.reason


def test_the_same_carriers_with_safe_code_deploy(session):
    files = bpmn(conditional_event("ready"), multi_instance("3", completion="done"),
                 standard_loop(condition="more", maximum="3"), message_throw("{'ok': True}"),
                 AWAIT_REPLY, DECIDE) + [("grade.dmn", grade_table())]
    definition, created = deploy(session, SETUP, files)
    assert created and definition.key == "bounded"


def test_safe_code_in_constructs_not_served_is_refused_only_as_such(session):
    error = refused(session, bpmn(service_task("'x'")))
    assert [(p.element, p.reason.split(" ")[0]) for p in error.problems] == [
        ("call_out", "service")]
