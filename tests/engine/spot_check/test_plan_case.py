"""The plan's filing as a case of bpmn/spot_check_plan.bpmn, path by path, each step in a
fresh session (the case saved and restored between them): a county department files, the
city's same department approves, or returns with a reason and the department revises and
refiles; the approval is reminded and urged in working days; a city department's plan
stands as filed. The plan's state is the diagram's."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from engine import spot_check
from engine.calendar import calendar_for
from engine.db import settings_of
from engine.errors import Conflict, Forbidden
from engine.models import (
    InstanceStatus,
    OrgKind,
    OrgUnit,
    PlanState,
    ProcessInstance,
    Role,
    SpotCheckPlan,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.org.units import add_org_unit, add_user
from engine.runtime.timers import sweep
from engine.work.inbox import inbox_page
from tests.factories import CST, MONDAY, PASSWORD, SETUP

pytestmark = pytest.mark.both_backends  # the timer sweep

TITLE = "隆阳区市场监管局2026年度双随机抽查计划"


@pytest.fixture
def city(sessions, world):
    """保山市市场监管局 with its administrator li (the level above of 隆阳区's)."""
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        add_org_unit(session, "530500-amr", "保山市市场监管局", OrgKind.DEPARTMENT, "530500",
                     world.units["city"])
        world.users["li"] = add_user(session, SETUP, "li", "李科长", PASSWORD, "530500-amr",
                                     [Role.DEPT_ADMIN])
        world.users["qian"] = add_user(session, SETUP, "qian", "钱科长", PASSWORD,
                                       "530500-amr", [Role.DEPT_ADMIN])
        session.commit()
    return world


def at(day: int, month: int = 3):
    return time_machine.travel(datetime(2026, month, day, 10, 0, tzinfo=CST), tick=False)


def act(sessions, when, call, *args, **kwargs):
    with when, sessions() as session:
        result = call(session, *args, **kwargs)
        session.commit()
        return result


def filed(sessions, world) -> int:
    def file(session):
        plan = spot_check.create_plan(session, world.actor("zhang"), 2026, TITLE)
        spot_check.file_plan(session, world.actor("zhang"), plan.id)
        return plan.id
    return act(sessions, at(2), file)


def seen(sessions, plan_id):
    """The plan's state and its case's open steps: (task, candidate unit code, role)."""
    session = sessions()
    plan = session.get(SpotCheckPlan, plan_id)
    steps = [(i.task_name, session.get_one(OrgUnit, i.candidate_org_id).code,
              i.candidate_role) for i in spot_check.plan_steps(session, plan)]
    state = plan.state
    session.close()
    return state, steps


def inbox_titles(sessions, world, username, tab="claimable"):
    with sessions() as session:
        user = session.get(User, world.users[username].id)
        calendar = calendar_for(session, settings_of(session), user.org_unit.area_code)
        return [row.item.title for row in inbox_page(session, user, tab, calendar).rows]


def test_filed_then_approved_by_the_level_above_from_its_inbox(sessions, city):
    world = city
    plan_id = filed(sessions, world)
    assert seen(sessions, plan_id) == (PlanState.FILED,
                                       [("approve_plan", "530500-amr", "dept_admin")])
    assert "上级审批计划 Approve the plan" in inbox_titles(sessions, world, "li")
    assert "上级审批计划 Approve the plan" in inbox_titles(sessions, world, "qian")
    assert inbox_titles(sessions, world, "zhang") == []
    with pytest.raises(Forbidden):
        act(sessions, at(3), spot_check.decide_plan, world.actor("zhang"), plan_id, True)
    with pytest.raises(Conflict):
        act(sessions, at(3), spot_check.file_plan, world.actor("zhang"), plan_id)
    act(sessions, at(3), spot_check.decide_plan, world.actor("li"), plan_id, True)
    assert seen(sessions, plan_id) == (PlanState.APPROVED, [])
    with sessions() as session:
        plan = session.get(SpotCheckPlan, plan_id)
        assert plan.decided_by == "li" and plan.return_reason is None
        assert session.get(ProcessInstance, plan.instance_id).status == (
            InstanceStatus.COMPLETED)
    assert inbox_titles(sessions, world, "li") == []


def test_returned_with_a_reason_revised_refiled_and_approved(sessions, city):
    world = city
    plan_id = filed(sessions, world)
    act(sessions, at(3), spot_check.decide_plan, world.actor("li"), plan_id, False,
        "抽查比例低于3%")
    state, steps = seen(sessions, plan_id)
    assert state == PlanState.RETURNED
    assert steps == [("revise_plan", "530502-amr", "dept_admin")]
    assert "修改后重新报备 Revise and refile" in inbox_titles(sessions, world, "zhang")
    with sessions() as session:
        assert session.get(SpotCheckPlan, plan_id).return_reason == "抽查比例低于3%"
    act(sessions, at(4), spot_check.file_plan, world.actor("zhang"), plan_id,
        TITLE + "（修订）")
    assert seen(sessions, plan_id) == (PlanState.FILED,
                                       [("approve_plan", "530500-amr", "dept_admin")])
    act(sessions, at(5), spot_check.decide_plan, world.actor("qian"), plan_id, True)
    with sessions() as session:
        plan = session.get(SpotCheckPlan, plan_id)
        assert (plan.state, plan.title, plan.decided_by) == (
            PlanState.APPROVED, TITLE + "（修订）", "qian")


def test_the_approval_is_reminded_then_urged_in_working_days(sessions, city):
    world = city
    plan_id = filed(sessions, world)  # Monday 2 March: due in 10 working days (16 March)
    with sessions() as session:
        due = session.execute(select(WorkItem.due_at).where(
            WorkItem.task_name == "approve_plan")).scalar()
        assert due.astimezone(CST).date().isoformat() == "2026-03-16"
    with at(12):  # 8 working days later: the reminder
        sweep(sessions)
    with sessions() as session:
        case = session.get(SpotCheckPlan, plan_id).instance_id
        assert session.execute(select(WorkItem.task_name).where(
            WorkItem.instance_id == case, WorkItem.status == WorkItemStatus.OPEN)
        ).scalars().all() == ["approve_plan"]
    with at(17):  # past the 10 working days: the area's joint-meeting office urges
        sweep(sessions)
    assert [s[0] for s in seen(sessions, plan_id)[1]] == ["approve_plan", "urge_approve_plan"]
    assert "督办计划审批 Urge: plan approval" in inbox_titles(sessions, world, "wang")
    act(sessions, at(17), spot_check.decide_plan, world.actor("li"), plan_id, True)
    assert seen(sessions, plan_id) == (PlanState.APPROVED, [])  # the urge ends with it


def test_a_city_departments_plan_stands_as_filed(sessions, city):
    world = city
    def file(session):
        plan = spot_check.create_plan(session, world.actor("li"), 2026, "保山市年度抽查计划")
        spot_check.file_plan(session, world.actor("li"), plan.id)
        return plan.id
    plan_id = act(sessions, at(2), file)
    assert seen(sessions, plan_id) == (PlanState.FILED, [])
    with sessions() as session:
        plan = session.get(SpotCheckPlan, plan_id)
        assert session.get(ProcessInstance, plan.instance_id).status == (
            InstanceStatus.COMPLETED)
    with sessions() as session:
        assert spot_check.plans_to_decide(session, world.actor("li")) == set()
