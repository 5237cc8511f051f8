"""The dual-notice diagram path by path, saved and restored mid-run, with time moved."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
import time_machine
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.config import PROJECT_DIR
from engine.runtime.deploy import check_process
from engine.workflow import new_workflow, parse_process
from rules.workdays import add_workdays
from tests.bpmn.runner import advance, ended_at, engine, finish, ready, restored
from tests.factories import MONDAY

CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def parsed():
    path = PROJECT_DIR / "bpmn" / "dual_notice.bpmn"
    return parse_process([(path.name, path.read_bytes())])


@pytest.fixture(scope="module")
def specs(parsed):
    return parsed.spec, parsed.subprocess_specs


def light_turns(pushed: date, workdays: int) -> str:
    """What the engine puts in claim_due / escalate_due: the start of working day n+1."""
    day = add_workdays(pushed, workdays + 1, chinese_calendar.is_workday)
    return datetime.combine(day, time.min, CST).astimezone(UTC).isoformat()


def push(specs, when: datetime = MONDAY):
    with time_machine.travel(when, tick=False):
        workflow = new_workflow(specs, engine())
        workflow.get_next_task(state=TaskState.READY).data.update(
            department_org="530502-psb", registrar_org="530502-amr-reg", area_code="530502",
            licence_item="PS-HOTEL", claim_due=light_turns(when.date(), 7),
            escalate_due=light_turns(when.date(), 10))
        workflow.do_engine_steps()
    return workflow


def lanes(workflow) -> dict[str, str]:
    return {t.task_spec.name: t.task_spec.lane
            for t in workflow.get_tasks(state=TaskState.READY, manual=True)}


def revoke(workflow) -> None:
    definition = workflow.spec.task_specs["claim_revoked"].event_definition
    workflow.send_event(BpmnEvent(definition))
    workflow.do_engine_steps()


def test_the_diagram_passes_the_deploy_checks(parsed):
    assert check_process(parsed) == []
    assert parsed.key == "dual_notice"


def test_the_department_lane_holds_the_claim(specs):
    workflow = push(specs)
    assert ready(workflow) == ["claim_or_return"]
    assert lanes(workflow) == {"claim_or_return": "承办部门 department"}


@pytest.mark.parametrize(("outcome", "end"), [
    ("granted", "end_granted"), ("not_applied", "end_not_applied"),
    ("suspected_unlicensed", "end_suspected")])
def test_claim_then_record_the_outcome(specs, outcome, end):
    workflow = push(specs)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "claim_or_return", decision="claim")
        workflow = restored(workflow, specs)
        assert ready(workflow) == ["record_outcome"]
        finish(workflow, "record_outcome", outcome=outcome)
    assert workflow.is_completed()
    assert ended_at(workflow) == [end]


def test_return_then_reroute(specs):
    workflow = push(specs)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "claim_or_return", decision="return", return_reason="1",
               return_note="不属本部门")
        workflow = restored(workflow, specs)
        assert lanes(workflow) == {"handle_return": "登记机关 registrar"}
        finish(workflow, "handle_return", action="reroute", new_department="530502-culture")
    assert workflow.is_completed() and ended_at(workflow) == ["end_rerouted"]


def test_return_then_terminate(specs):
    workflow = push(specs)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "claim_or_return", decision="return", return_reason="0",
               return_note="经营范围无此项")
        workflow = restored(workflow, specs)
        finish(workflow, "handle_return", action="terminate")
    assert workflow.is_completed() and ended_at(workflow) == ["end_terminated"]


def test_revoked_claim_can_be_claimed_again(specs):
    workflow = push(specs)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "claim_or_return", decision="claim")
        workflow = restored(workflow, specs)
        revoke(workflow)
        assert ready(workflow) == ["claim_or_return"]
        workflow = restored(workflow, specs)
        finish(workflow, "claim_or_return", decision="claim")
        finish(workflow, "record_outcome", outcome="not_applied")
    assert workflow.is_completed() and ended_at(workflow) == ["end_not_applied"]
    assert workflow.last_task.data["claim_revoked_on"] == "2026-03-02"


def test_only_a_claimed_case_can_be_revoked(specs):
    workflow = push(specs)
    with pytest.raises(WorkflowException):
        revoke(workflow)
    assert ready(workflow) == ["claim_or_return"]


def test_yellow_reminds_the_department_and_the_claim_stays_open(specs):
    # Pushed Monday 2 March: the 7th working day is Wednesday 11 March.
    workflow = restored(push(specs), specs)
    advance(workflow, datetime(2026, 3, 11, 23, 59, tzinfo=CST))
    assert ended_at(workflow) == []
    advance(workflow, datetime(2026, 3, 12, 0, 1, tzinfo=CST))
    assert ended_at(workflow) == ["end_reminded"]
    assert ready(workflow) == ["claim_or_return"]


def test_red_escalates_to_the_joint_office_and_a_claim_withdraws_it(specs):
    workflow = restored(push(specs), specs)
    advance(workflow, datetime(2026, 3, 16, 23, 59, tzinfo=CST))  # the 10th working day
    assert ready(workflow) == ["claim_or_return"]
    advance(workflow, datetime(2026, 3, 17, 0, 1, tzinfo=CST))
    assert lanes(workflow) == {"claim_or_return": "承办部门 department",
                               "urge_claim": "联席办 supervisor"}
    workflow = restored(workflow, specs)
    with time_machine.travel(datetime(2026, 3, 17, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "claim_or_return", decision="claim")
    assert ready(workflow) == ["record_outcome"]
    assert ended_at(workflow) == ["end_reminded", "end_withdrawn"]


def test_the_joint_office_urges_while_the_claim_is_still_open(specs):
    workflow = push(specs)
    advance(workflow, datetime(2026, 3, 17, 8, 0, tzinfo=CST))
    workflow = restored(workflow, specs)
    with time_machine.travel(datetime(2026, 3, 17, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "urge_claim", measure="phone")
        assert ready(workflow) == ["claim_or_return"]
        finish(workflow, "claim_or_return", decision="return", return_reason="2",
               return_note="住所不在辖区")
        finish(workflow, "handle_return", action="terminate")
    assert workflow.is_completed()
    assert ended_at(workflow) == ["end_reminded", "end_terminated", "end_urged"]


def test_a_revoked_late_claim_is_reminded_and_escalated_again_at_once(specs):
    workflow = push(specs)
    advance(workflow, datetime(2026, 3, 17, 8, 0, tzinfo=CST))
    with time_machine.travel(datetime(2026, 3, 17, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "claim_or_return", decision="claim")
        revoke(workflow)
    # The deadlines run from the push, not from the revocation.
    assert ready(workflow) == ["claim_or_return", "urge_claim"]


def test_the_sunday_make_up_workday_counts(specs):
    # Pushed Friday 11 September 2026; Sunday 20 September is a make-up workday (调休),
    # so the 7th working day is Monday 21 and the light turns yellow on Tuesday 22,
    # not Wednesday 23. Friday 25 (Mid-Autumn) is a holiday: red on Monday 28.
    workflow = push(specs, datetime(2026, 9, 11, 10, 0, tzinfo=CST))
    advance(workflow, datetime(2026, 9, 21, 23, 59, tzinfo=CST))
    assert ended_at(workflow) == []
    advance(workflow, datetime(2026, 9, 22, 0, 1, tzinfo=CST))
    assert ended_at(workflow) == ["end_reminded"]
    workflow = restored(workflow, specs)
    advance(workflow, datetime(2026, 9, 27, 23, 59, tzinfo=CST))
    assert ready(workflow) == ["claim_or_return"]
    advance(workflow, datetime(2026, 9, 28, 0, 1, tzinfo=CST))
    assert ready(workflow) == ["claim_or_return", "urge_claim"]


def test_every_element_is_drawn_for_bpmn_js():
    from lxml import etree

    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
          "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
    root = etree.parse(str(PROJECT_DIR / "bpmn" / "dual_notice.bpmn")).getroot()
    process = root.find("bpmn:process", ns)
    elements = {e.get("id") for e in process if e.get("id") and etree.QName(e).localname
                not in ("laneSet", "documentation", "extensionElements")}
    elements |= {lane.get("id") for lane in process.iter(f"{{{ns['bpmn']}}}lane")}
    elements |= {p.get("id") for p in root.iter(f"{{{ns['bpmn']}}}participant")}
    drawn = {e.get("bpmnElement") for e in root.iter(f"{{{ns['bpmndi']}}}BPMNShape",
                                                     f"{{{ns['bpmndi']}}}BPMNEdge")}
    assert elements - drawn == set()
    in_lanes = {ref.text for ref in process.iter(f"{{{ns['bpmn']}}}flowNodeRef")}
    nodes = {e.get("id") for e in process if etree.QName(e).localname not in (
        "laneSet", "documentation", "extensionElements", "sequenceFlow")}
    assert nodes == in_lanes
