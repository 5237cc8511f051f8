"""The sample diagram path by path, saved and restored mid-run, with time moved."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from engine.config import PROJECT_DIR
from engine.workflow import new_workflow, parse_process
from tests.bpmn.runner import advance, ended_at, engine, finish, ready, restored
from tests.factories import MONDAY

CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def specs():
    path = PROJECT_DIR / "bpmn" / "sample_review.bpmn"
    parsed = parse_process([(path.name, path.read_bytes())])
    return parsed.spec, parsed.subprocess_specs


def start(specs):
    workflow = new_workflow(specs, engine())
    workflow.data.update(department_org="530502-amr", registrar_org="530502-amr-reg")
    workflow.do_engine_steps()
    return workflow


def test_approve(specs):
    with time_machine.travel(MONDAY, tick=False):
        workflow = restored(start(specs), specs)
        assert ready(workflow) == ["review"]
        finish(workflow, "review", decision="approve", opinion="符合要求")
    assert workflow.is_completed()
    assert ended_at(workflow) == ["end_approved"]
    assert workflow.last_task.data["outcome"] == "approved"


@pytest.mark.parametrize("resolution", ["reroute", "terminate"])
def test_reject_then_registrar_resolves(specs, resolution):
    with time_machine.travel(MONDAY, tick=False):
        workflow = start(specs)
        finish(workflow, "review", decision="reject", opinion="不在职责范围")
        workflow = restored(workflow, specs)
        assert ready(workflow) == ["handle_rejection"]
        finish(workflow, "handle_rejection", resolution=resolution)
    assert workflow.is_completed() and ended_at(workflow) == ["end_rejected"]


def test_reminder_fires_after_two_working_days_and_review_goes_on(specs):
    with time_machine.travel(MONDAY, tick=False):
        workflow = start(specs)
    workflow = restored(workflow, specs)
    advance(workflow, datetime(2026, 3, 4, 23, 0, tzinfo=CST))  # still Wednesday
    assert ended_at(workflow) == []
    advance(workflow, datetime(2026, 3, 5, 0, 1, tzinfo=CST))
    assert ended_at(workflow) == ["end_reminded"]
    assert ready(workflow) == ["review"]
    workflow = restored(workflow, specs)
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "review", decision="approve")
    assert ended_at(workflow) == ["end_approved", "end_reminded"]


def test_escalation_interrupts_review(specs):
    with time_machine.travel(MONDAY, tick=False):
        workflow = start(specs)
    workflow = restored(workflow, specs)
    advance(workflow, datetime(2026, 3, 10, 0, 1, tzinfo=CST))  # after Monday 9 March
    assert ready(workflow) == ["handle_escalation"]
    workflow = restored(workflow, specs)
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=CST), tick=False):
        finish(workflow, "handle_escalation", measure="urge")
    assert workflow.is_completed()
    assert ended_at(workflow) == ["end_escalated", "end_reminded"]


def test_timers_count_working_days_across_the_national_day_holiday(specs):
    # Started Tuesday 29 September 2026: 1-7 October are holidays, so the
    # 2nd working day is Thursday 8 October (30 Sept is the 1st).
    with time_machine.travel(datetime(2026, 9, 29, 10, 0, tzinfo=CST), tick=False):
        workflow = start(specs)
    advance(workflow, datetime(2026, 10, 7, 23, 59, tzinfo=CST))
    assert ended_at(workflow) == []
    advance(workflow, datetime(2026, 10, 9, 0, 1, tzinfo=CST))
    assert ended_at(workflow) == ["end_reminded"]


def test_saturday_make_up_workday_counts(specs):
    # Thursday 12 Feb 2026; Saturday 14 Feb is a make-up workday (调休), so the
    # 2nd working day after Thursday is that Saturday, not Monday.
    with time_machine.travel(datetime(2026, 2, 12, 10, 0, tzinfo=CST), tick=False):
        workflow = start(specs)
    advance(workflow, datetime(2026, 2, 15, 0, 1, tzinfo=CST))
    assert ended_at(workflow) == ["end_reminded"]
