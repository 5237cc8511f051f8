"""The unlicensed-operation diagram, every path, saved and restored mid-run, time moved
across the copy-to deadline (a make-up Sunday, 调休) and the guidance deadline."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from SpiffWorkflow.util.task import TaskState

from engine.config import PROJECT_DIR
from engine.workflow import new_workflow, parse_process
from tests.bpmn.runner import advance, ended_at, engine, finish, ready, restored
from tests.factories import CST, MONDAY


@pytest.fixture(scope="module")
def specs():
    path = PROJECT_DIR / "bpmn" / "unlicensed_case.bpmn"
    parsed = parse_process([(path.name, path.read_bytes())])
    return parsed.spec, parsed.subprocess_specs


def started(specs, when=MONDAY):  # type: ignore[no-untyped-def]
    with time_machine.travel(when, tick=False):
        workflow = new_workflow(specs, engine())
        workflow.data.update(case_id=1, department_org="530502-amr", area_code="530502")
        workflow.do_engine_steps()
        workflow = restored(workflow, specs)
        assert ready(workflow) == ["triage"] and status(workflow) == "triage"
    return workflow


def status(workflow) -> str:  # type: ignore[no-untyped-def]
    """The case_status the diagram last set: in a waiting task's data, else the last one's."""
    waiting = workflow.get_tasks(state=TaskState.READY, manual=True)
    return (waiting[0] if waiting else workflow.last_task).data["case_status"]


def test_unfounded(specs):
    workflow = started(specs)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "triage", triage_route="unfounded")
    assert ended_at(workflow) == ["end_unfounded"] and status(workflow) == "closed"


@pytest.mark.parametrize(("finding", "end"), [("none", "end_cleared"),
                                              ("penalty", "end_penalised")])
def test_investigated_then_cleared_or_penalised(specs, finding, end):
    workflow = started(specs)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "triage", triage_route="investigate")
        workflow = restored(workflow, specs)
        assert ready(workflow) == ["investigate"] and status(workflow) == "investigation"
        finish(workflow, "investigate", finding=finding)
        if finding == "penalty":
            workflow = restored(workflow, specs)
            assert ready(workflow) == ["decide_penalty"] and status(workflow) == "penalty"
            finish(workflow, "decide_penalty", fine_amount=5000)
    assert workflow.is_completed() and ended_at(workflow) == [end]


@pytest.mark.parametrize(("obtained", "end"), [("yes", "end_rectified"),
                                               ("no", "end_penalised")])
def test_guidance_waits_for_its_deadline(specs, obtained, end):
    workflow = started(specs)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "triage", triage_route="investigate")
        finish(workflow, "investigate", finding="guidance",
               guidance_due_at="2026-03-16T23:59:59.999999+08:00")
        workflow = restored(workflow, specs)
        assert ready(workflow) == [] and status(workflow) == "guidance"
    advance(workflow, datetime(2026, 3, 16, 12, 0, tzinfo=CST))
    assert ready(workflow) == []
    advance(workflow, datetime(2026, 3, 17, 0, 5, tzinfo=CST))
    workflow = restored(workflow, specs)
    assert ready(workflow) == ["check_guidance"]
    with time_machine.travel(datetime(2026, 3, 17, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "check_guidance", licence_obtained=obtained)
        if obtained == "no":
            finish(workflow, "decide_penalty", fine_amount=8000)
    assert workflow.is_completed() and ended_at(workflow) == [end]


def test_copy_answered_in_time_or_returned(specs):
    workflow = started(specs)
    with time_machine.travel(MONDAY, tick=False):
        finish(workflow, "triage", triage_route="copy", department_org="530502-health")
        workflow = restored(workflow, specs)
        assert ready(workflow) == ["answer_copy"] and status(workflow) == "copied"
        finish(workflow, "answer_copy", copy_answer="returned", department_org="530502-amr")
        assert ready(workflow) == ["triage"] and status(workflow) == "triage"
        finish(workflow, "triage", triage_route="copy", department_org="530502-health")
        finish(workflow, "answer_copy", copy_answer="accepted")
        assert ready(workflow) == ["investigate"] and status(workflow) == "investigation"


def test_a_late_copy_is_reminded_then_urged_across_a_make_up_sunday(specs):
    # Copied Tuesday 15 September 2026; Sunday 20 is a workday (调休): due Monday 21.
    workflow = started(specs, datetime(2026, 9, 15, 9, 0, tzinfo=CST))
    with time_machine.travel(datetime(2026, 9, 15, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "triage", triage_route="copy", department_org="530502-health")
        workflow = restored(workflow, specs)
    advance(workflow, datetime(2026, 9, 20, 12, 0, tzinfo=CST))
    assert "copy_reminded_on" not in workflow.data
    advance(workflow, datetime(2026, 9, 21, 0, 5, tzinfo=CST))
    assert ended_at(workflow) == ["end_copy_reminded"]
    workflow = restored(workflow, specs)
    advance(workflow, datetime(2026, 9, 22, 0, 5, tzinfo=CST))
    assert ready(workflow) == ["answer_copy", "urge_copy"]
    with time_machine.travel(datetime(2026, 9, 22, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "urge_copy", measure="phone")
        finish(workflow, "answer_copy", copy_answer="accepted")
        assert ready(workflow) == ["investigate"]
        finish(workflow, "investigate", finding="none")
    assert workflow.is_completed()
    assert ended_at(workflow) == ["end_cleared", "end_copy_reminded", "end_urged"]


def test_late_triage_and_late_investigation_are_urged(specs):
    workflow = started(specs)  # Monday 2 March 2026: triage due by the end of Monday 9
    advance(workflow, datetime(2026, 3, 9, 18, 0, tzinfo=CST))
    assert ready(workflow) == ["triage"]
    advance(workflow, datetime(2026, 3, 10, 0, 5, tzinfo=CST))
    workflow = restored(workflow, specs)
    assert ready(workflow) == ["triage", "urge_triage"]
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "urge_triage", measure="phone")
        finish(workflow, "triage", triage_route="investigate")
    advance(workflow, datetime(2026, 4, 8, 18, 0, tzinfo=CST))  # 清明 4-6 April: not yet
    assert ready(workflow) == ["investigate"]
    advance(workflow, datetime(2026, 4, 9, 0, 5, tzinfo=CST))
    assert ready(workflow) == ["investigate", "urge_investigation"]
    with time_machine.travel(datetime(2026, 4, 9, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "urge_investigation", measure="notice")
        finish(workflow, "investigate", finding="none")
    assert workflow.is_completed()
    assert ended_at(workflow) == ["end_cleared", "end_investigation_urged", "end_triage_urged"]


def test_an_urge_is_cancelled_when_the_urged_step_is_done(specs):
    """The office's urge goes away when the department does the step before it urges."""
    workflow = started(specs)  # Monday 2 March 2026: triage due by the end of Monday 9
    advance(workflow, datetime(2026, 3, 10, 0, 5, tzinfo=CST))
    workflow = restored(workflow, specs)
    assert ready(workflow) == ["triage", "urge_triage"]
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "triage", triage_route="copy", department_org="530502-health")
        workflow = restored(workflow, specs)
        assert ready(workflow) == ["answer_copy"]
    advance(workflow, datetime(2026, 3, 18, 0, 5, tzinfo=CST))
    assert ready(workflow) == ["answer_copy", "urge_copy"]
    with time_machine.travel(datetime(2026, 3, 18, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "answer_copy", copy_answer="accepted")
        workflow = restored(workflow, specs)
        assert ready(workflow) == ["investigate"]
    advance(workflow, datetime(2026, 4, 17, 0, 5, tzinfo=CST))
    assert ready(workflow) == ["investigate", "urge_investigation"]
    with time_machine.travel(datetime(2026, 4, 17, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "investigate", finding="none")
    assert workflow.is_completed() and ready(workflow) == []
    assert ended_at(workflow) == ["end_cleared", "end_copy_reminded", "end_copy_urge_needless",
                                  "end_investigation_urge_needless", "end_triage_urge_needless"]
