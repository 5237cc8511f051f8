"""Decree 684 triage: who handles a case for each article, the copy-to notice when that
is another department, and the fine caps of Art. 13 and 14."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import unlicensed
from engine.errors import InvalidInput
from engine.models import UnlicensedCase, UnlicensedCopy
from tests.engine.unlicensed.helpers import report, state, steps
from tests.factories import World, make_entity

pytestmark = pytest.mark.both_backends  # the cases' and copies' visibility in SQL


@pytest.fixture
def world(notice_world: World) -> World:
    return notice_world


def test_no_business_licence_stays_with_the_market_regulator_art_6(session, world, traveller):
    case = report(session, world)
    assert steps(session, case) == ["triage"]
    unlicensed.triage(session, world.actor("chen"), case.id, "business_licence", None,
                      "现场检查未见营业执照")
    session.commit()
    assert (case.article, state(session, case)) == (6, "investigation")
    assert steps(session, case) == ["investigate"]
    assert session.execute(select(UnlicensedCopy)).first() is None


@pytest.mark.parametrize(("missing", "article"), [("permit", 5), ("both", 7)])
def test_no_permit_goes_to_the_permit_department_by_a_copy_to_notice(
        session, world, traveller, missing, article):
    case = report(session, world)
    unlicensed.triage(session, world.actor("chen"), case.id, missing, "he-public-place",
                      "美容店未取得公共场所卫生许可")
    session.commit()
    health = world.units["530502-health"]
    assert (case.article, case.licence_item, state(session, case)) == (
        article, "HE-PUBLIC-PLACE", "copied")
    (copy,) = session.execute(select(UnlicensedCopy)).scalars()
    assert (copy.from_org_id, copy.to_org_id, copy.article) == (
        world.units["530502-amr"].id, health.id, article)
    assert case.department_org_id == health.id
    (item,) = unlicensed.open_steps(session, case)
    assert (item.task_name, item.candidate_org_id) == ("answer_copy", health.id)


def test_a_permit_the_market_regulator_grants_stays_with_it(session, world, traveller):
    case = report(session, world)
    unlicensed.triage(session, world.actor("chen"), case.id, "permit", "AMR-FOOD-SERVICE",
                      "无食品经营许可从事餐饮服务")
    session.commit()
    assert (case.article, state(session, case)) == (5, "investigation")


def test_a_fully_licensed_operator_is_no_case(session, world, traveller):
    case = report(session, world)
    unlicensed.triage(session, world.actor("chen"), case.id, "none", None, "证照齐全")
    session.commit()
    assert (state(session, case), case.outcome) == ("closed", "unfounded")
    assert steps(session, case) == []


def test_an_unknown_licence_item_is_refused(session, world, traveller):
    case = report(session, world)
    with pytest.raises(InvalidInput) as refused:
        unlicensed.triage(session, world.actor("chen"), case.id, "permit", "NO-SUCH-ITEM",
                          "未取得许可")
    assert refused.value.details["fields"] == {"licence_item": "unknown"}


@pytest.mark.parametrize(("article", "amount", "refused"), [
    (13, 10_000, False), (13, 10_001, True), (14, 5_000, False), (14, 5_001, True)])
def test_the_fine_caps(session, world, traveller, article, amount, refused):
    case = report(session, world, make_entity(session))
    unlicensed.triage(session, world.actor("chen"), case.id, "business_licence", None,
                      "无营业执照")
    unlicensed.investigate(session, world.actor("chen"), case.id, "penalty", "当事人无照经营属实")
    session.commit()
    decide = lambda: unlicensed.decide_penalty(  # noqa: E731
        session, world.actor("chen"), case.id, article=article, amount=amount,
        decision_number="隆市监罚〔2026〕8号", facts="当事人未取得营业执照从事美容服务")
    if refused:
        with pytest.raises(InvalidInput) as error:
            decide()
        assert error.value.code == f"fine_over_cap_{article}"
        assert error.value.details["cap"] == {13: 10_000, 14: 5_000}[article]
        assert steps(session, case) == ["decide_penalty"]
    else:
        decide()
        session.commit()
        assert (state(session, case), case.outcome, case.fine_amount) == (
            "closed", "penalised", amount)
        assert session.get_one(UnlicensedCase, case.id).record_id is not None
