"""Annual plans: a county department files its plan; the city's same department approves it
or returns it with a reason; nobody else decides."""

from __future__ import annotations

import pytest

from engine import domains, spot_check
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import OrgKind, PlanState, Role
from engine.org.units import add_org_unit, add_user
from tests.factories import PASSWORD, SETUP


@pytest.fixture
def city_admin(session, world):
    add_org_unit(session, "530500-amr", "保山市市场监管局", OrgKind.DEPARTMENT, "530500",
                 world.units["city"])
    world.users["li"] = add_user(session, SETUP, "li", "李科长", PASSWORD, "530500-amr",
                                 [Role.DEPT_ADMIN])
    return world.actor("li")


def test_a_county_plan_is_filed_then_approved_by_the_city(session, world, city_admin):
    zhang = world.actor("zhang")
    plan = spot_check.create_plan(session, zhang, 2026, "隆阳区2026年度双随机抽查计划")
    assert plan.state == PlanState.DRAFT
    with pytest.raises(Conflict):
        spot_check.decide_plan(session, city_admin, plan.id, True)
    spot_check.file_plan(session, zhang, plan.id)
    assert spot_check.plans_to_decide(session, city_admin) == {plan.id}
    assert spot_check.plans_to_decide(session, zhang) == set()
    with pytest.raises(Forbidden):
        spot_check.decide_plan(session, zhang, plan.id, True)
    with pytest.raises(Conflict):
        spot_check.file_plan(session, zhang, plan.id)
    spot_check.decide_plan(session, city_admin, plan.id, True)
    assert plan.state == PlanState.APPROVED and plan.decided_by == "li"


def test_a_returned_plan_needs_a_reason_and_may_be_filed_again(session, world, city_admin):
    zhang = world.actor("zhang")
    plan = spot_check.create_plan(session, zhang, 2026, "隆阳区2026年度双随机抽查计划")
    spot_check.file_plan(session, zhang, plan.id)
    with pytest.raises(InvalidInput):
        spot_check.decide_plan(session, city_admin, plan.id, False, " ")
    spot_check.decide_plan(session, city_admin, plan.id, False, "抽查比例低于要求")
    assert plan.state == PlanState.RETURNED
    spot_check.file_plan(session, zhang, plan.id)
    assert plan.state == PlanState.FILED
    with pytest.raises(InvalidInput):
        spot_check.create_plan(session, zhang, 2026, "重复")


def test_a_plans_steps_say_which_plan_they_concern(session, world, city_admin):
    """A plan concerns no entity: lists and task pages name it by department, year, title."""
    zhang = world.actor("zhang")
    plan = spot_check.create_plan(session, zhang, 2026, "隆阳区2026年度双随机抽查计划")
    spot_check.file_plan(session, zhang, plan.id)
    (step,) = spot_check.plan_steps(session, plan)
    assert step.entity_id is None
    assert domains.case_names(session, [step]) == {
        step.id: "隆阳区市场监管局 · 2026 · 隆阳区2026年度双随机抽查计划"}
    assert domains.case_summary(session, step.process_key, step.instance_id) == [
        ("报备部门", "Department", "隆阳区市场监管局"), ("年度", "Year", "2026"),
        ("抽查计划", "Plan", "隆阳区2026年度双随机抽查计划")]
