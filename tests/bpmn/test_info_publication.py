"""The enterprise-information diagram path by path, saved and restored mid-run, with time
moved: enter, return, approve, publish; not-published categories; withdrawal within 3
working days with its reminder and escalation across a make-up weekend; expiry; repair."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from lxml import etree
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.config import PROJECT_DIR
from engine.runtime.deploy import check_process
from engine.runtime.derive import script_step_data
from engine.workflow import new_workflow, parse_process
from tests.bpmn.runner import advance, ended_at, engine, finish, ready, restored

CST = ZoneInfo("Asia/Shanghai")
DIAGRAM = PROJECT_DIR / "bpmn" / "info_publication.bpmn"
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=CST)


@pytest.fixture(scope="module")
def parsed():
    return parse_process([(DIAGRAM.name, DIAGRAM.read_bytes())])


@pytest.fixture(scope="module")
def specs(parsed):
    return parsed.spec, parsed.subprocess_specs


def ends_at(day: datetime) -> str:
    """What the service puts in publication_ends_at: the end of the last day, in UTC."""
    return datetime.combine(day.date(), time.max, CST).astimezone(UTC).isoformat()


def submit(specs, *, needs_entry=False, publishable=True, until=datetime(2026, 6, 2, tzinfo=CST),
           when=MONDAY):
    with time_machine.travel(when, tick=False):
        workflow = new_workflow(specs, engine())
        workflow.get_next_task(state=TaskState.READY).data.update(
            department_org="530502-psb", area_code="530502", needs_entry=needs_entry,
            publishable=publishable, publication_ends_at=ends_at(until))
        workflow.do_engine_steps()
    return workflow


def published(specs, **kwargs):
    workflow = restored(submit(specs, **kwargs), specs)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "review_record", decision="approve")
    return workflow


def signal(workflow, name: str, **payload) -> None:
    """Send the signal the published record waits for (SpiffWorkflow keeps the events of
    the catches after an event-based gateway on the gateway)."""
    gateway = workflow.spec.task_specs["published_gateway"].event_definition
    (definition,) = [d for d in gateway.event_definitions if d.name == name]
    workflow.send_event(BpmnEvent(definition, payload))
    workflow.do_engine_steps()


def lanes(workflow) -> dict[str, str]:
    return {t.task_spec.name: t.task_spec.lane
            for t in workflow.get_tasks(state=TaskState.READY, manual=True)}


def test_the_diagram_passes_the_deploy_checks(parsed):
    assert check_process(parsed) == []


def test_a_submitted_record_goes_to_the_department_administrator(specs):
    workflow = submit(specs)
    assert lanes(workflow) == {"review_record": "部门审核 department_admin"}
    assert script_step_data(workflow, "record_status")["record_status"] == "submitted"


def test_a_draft_from_another_procedure_is_completed_by_the_department_first(specs):
    workflow = restored(submit(specs, needs_entry=True), specs)
    assert lanes(workflow) == {"complete_record": "录入部门 department"}
    finish(workflow, "complete_record")
    assert ready(workflow) == ["review_record"]


def test_returned_revised_approved_published(specs):
    workflow = restored(submit(specs), specs)
    finish(workflow, "review_record", decision="return", return_reason="决定日期有误")
    assert ready(workflow) == ["revise_record"]
    assert script_step_data(workflow, "record_status")["record_status"] == "returned"
    workflow = restored(workflow, specs)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "revise_record")
        finish(workflow, "review_record", decision="approve")
    waiting = {t.task_spec.name for t in workflow.get_tasks(state=TaskState.WAITING)}
    assert waiting == {"published_gateway"}
    assert script_step_data(workflow, "record_status")["record_status"] == "published"
    assert ready(workflow) == []


def test_a_category_not_published_is_recorded_and_ends(specs):
    workflow = submit(specs, publishable=False)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "review_record", decision="approve")
    assert workflow.is_completed()
    assert ended_at(workflow) == ["end_recorded"]


def test_publication_expires_when_its_period_ends(specs):
    workflow = restored(published(specs), specs)
    advance(workflow, datetime(2026, 6, 2, 23, 59, tzinfo=CST))
    assert not workflow.is_completed()
    advance(workflow, datetime(2026, 6, 3, 0, 0, 1, tzinfo=CST))
    assert workflow.is_completed()
    assert ended_at(workflow) == ["end_expired"]


def test_a_revoked_decision_is_withdrawn(specs):
    workflow = restored(published(specs), specs)
    with time_machine.travel(datetime(2026, 3, 5, 10, 0, tzinfo=CST), tick=False):
        signal(workflow, "decision_revoked", revocation_reason="复议撤销")
        assert lanes(workflow) == {"withdraw_record": "部门审核 department_admin"}
        workflow = restored(workflow, specs)
        finish(workflow, "withdraw_record")
    assert ended_at(workflow) == ["end_withdrawn"]
    assert workflow.is_completed()  # the publication timer went with the withdrawal


def test_withdrawal_reminds_after_two_working_days_and_escalates_after_three(specs):
    # Revoked Thursday 17 September 2026. Sunday 20 is a make-up workday (调休): the 2nd
    # working day is Sunday 20 and the 3rd Monday 21, not Monday 21 and Tuesday 22.
    workflow = published(specs, until=datetime(2027, 3, 2, tzinfo=CST))
    with time_machine.travel(datetime(2026, 9, 17, 10, 0, tzinfo=CST), tick=False):
        signal(workflow, "decision_revoked", revocation_reason="诉讼判决撤销")
    workflow = restored(workflow, specs)
    advance(workflow, datetime(2026, 9, 20, 23, 59, tzinfo=CST))
    assert ended_at(workflow) == []
    advance(workflow, datetime(2026, 9, 21, 0, 0, 1, tzinfo=CST))
    assert ended_at(workflow) == ["end_reminded"]
    advance(workflow, datetime(2026, 9, 22, 0, 0, 1, tzinfo=CST))
    assert lanes(workflow) == {"withdraw_record": "部门审核 department_admin",
                               "urge_withdrawal": "联席办 supervisor"}
    finish(workflow, "urge_withdrawal", measure="phone")
    finish(workflow, "withdraw_record")
    assert workflow.is_completed()
    assert ended_at(workflow) == ["end_reminded", "end_urged", "end_withdrawn"]


def test_a_withdrawal_ends_the_urge_still_open(specs):
    workflow = published(specs, until=datetime(2027, 3, 2, tzinfo=CST))
    with time_machine.travel(datetime(2026, 9, 17, 10, 0, tzinfo=CST), tick=False):
        signal(workflow, "decision_revoked", revocation_reason="诉讼判决撤销")
    advance(workflow, datetime(2026, 9, 22, 0, 0, 1, tzinfo=CST))
    assert ready(workflow) == ["urge_withdrawal", "withdraw_record"]
    finish(workflow, "withdraw_record")
    assert workflow.is_completed()
    assert script_step_data(workflow, "record_status")["record_status"] == "withdrawn"
    assert ended_at(workflow) == ["end_reminded", "end_urge_needless", "end_withdrawn"]


def test_credit_repair_granted_ends_publication_early(specs):
    workflow = restored(published(specs), specs)
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=CST), tick=False):
        signal(workflow, "repair_applied")
        assert lanes(workflow) == {"review_repair": "部门审核 department_admin"}
        finish(workflow, "review_repair", repair_decision="approve", repair_note="已整改并履行")
    assert ended_at(workflow) == ["end_repaired"]
    assert workflow.is_completed()


def test_credit_repair_refused_keeps_the_publication_and_its_end(specs):
    workflow = restored(published(specs), specs)
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=CST), tick=False):
        signal(workflow, "repair_applied")
        finish(workflow, "review_repair", repair_decision="refuse", repair_note="未履行罚款")
        workflow = restored(workflow, specs)
    assert not workflow.is_completed()
    assert script_step_data(workflow, "record_status")["record_status"] == "published"
    advance(workflow, datetime(2026, 6, 3, 0, 0, 1, tzinfo=CST))
    assert ended_at(workflow) == ["end_expired"]


def test_every_element_is_drawn_and_in_a_lane():
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
          "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
    root = etree.parse(str(DIAGRAM)).getroot()
    process = root.find("bpmn:process", ns)
    structural = ("laneSet", "documentation", "extensionElements")
    elements = {e.get("id") for e in process if etree.QName(e).localname not in structural}
    drawn = {e.get("bpmnElement") for e in root.iter(f"{{{ns['bpmndi']}}}BPMNShape",
                                                     f"{{{ns['bpmndi']}}}BPMNEdge")}
    assert elements - drawn == set()
    in_lanes = {ref.text for ref in process.iter(f"{{{ns['bpmn']}}}flowNodeRef")}
    assert {e for e in elements if not e.startswith("flow_")} == in_lanes
