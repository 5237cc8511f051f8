"""The credit check: which measures restrict which action for an entity on which list."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine import credit_check
from engine.errors import InvalidInput
from engine.models import CreditCheck, CreditHit, ListStatus, ListType
from engine.registry.uscc import generate
from tests.engine.credit_check.entries import list_entry
from tests.factories import SETUP, make_entity

pytestmark = pytest.mark.both_backends

# The seeded catalogue: per action, the measures for a serious and for an abnormal entry.
EXPECTED = {
    "licence": (["M09"], ["M14"]),
    "honour": (["M11"], ["M04"]),
    "subsidy": (["M08"], []),
    "qualification": (["M10"], []),
    "procurement": (["M05"], ["M03"]),
    "bidding": (["M06"], ["M03"]),
    "land_supply": (["M07"], ["M03"]),
    "simplified_deregistration": (["M02"], ["M01"]),
    "financing": (["M12"], []),
    "public_office": (["M13"], []),
}


@pytest.fixture
def listed(session, world, traveller):
    credit_check.seed_catalogue(session, SETUP)
    serious, abnormal, clean = (make_entity(session) for _ in range(3))
    list_entry(session, serious, ListType.SERIOUS, number="保市监严入〔2026〕第3号")
    list_entry(session, abnormal, ListType.ABNORMAL, number="保市监异入〔2026〕第7号")
    return serious, abnormal, clean


def codes(report) -> list[str]:
    return [r.measure.code for r in report.answers[0].restrictions]


def test_every_action_type_is_in_the_table():
    assert set(EXPECTED) == set(credit_check.ACTIONS)


@pytest.mark.parametrize("action", list(EXPECTED))
def test_each_action_type(session, listed, action):
    serious, abnormal, clean = listed
    on_serious, on_abnormal = EXPECTED[action]
    assert codes(credit_check.check_one(session, SETUP, serious.uscc, action)) == on_serious
    assert codes(credit_check.check_one(session, SETUP, abnormal.uscc, action)) == on_abnormal
    assert codes(credit_check.check_one(session, SETUP, clean.uscc, action)) == []


def test_a_restriction_carries_its_basis_decision_and_period(session, listed):
    serious, _abnormal, _clean = listed
    report = credit_check.check_one(session, SETUP, serious.uscc.lower(), "procurement")
    (found,) = report.answers[0].restrictions
    assert found.decision_number == "保市监严入〔2026〕第3号"
    assert "2045" in found.measure.basis_document
    assert found.measure.implementing_departments == ("finance",)
    assert (found.starts_on, found.ends_on) == (date(2026, 1, 5), date(2029, 1, 5))
    assert report.version_number == 1


def test_the_abnormal_list_refuses_simplified_deregistration(session, listed):
    _serious, abnormal, _clean = listed
    (found,) = credit_check.check_one(session, SETUP, abnormal.uscc,
                                      "simplified_deregistration").answers[0].restrictions
    assert found.measure.title == "不适用简易注销程序"
    assert found.list_type is ListType.ABNORMAL


def test_a_marked_individual_business_counts(session, listed):
    shop = make_entity(session, uscc=generate(random.Random(92), "530502", prefix="92"))
    list_entry(session, shop, ListType.ABNORMAL, marked_only=True)
    assert codes(credit_check.check_one(session, SETUP, shop.uscc,
                                        "simplified_deregistration")) == ["M01"]


@pytest.mark.parametrize(("status", "listed_on", "ends_on"), [
    (ListStatus.PROPOSED, date(2026, 1, 5), None),
    (ListStatus.REMOVED, date(2026, 1, 5), None),
    (ListStatus.MOVED, date(2026, 1, 5), None),
    (ListStatus.LISTED, date(2026, 3, 3), None),  # listed tomorrow
    (ListStatus.LISTED, date(2023, 1, 5), date(2026, 1, 5)),  # period over
])
def test_entries_not_in_force_restrict_nothing(session, listed, status, listed_on, ends_on):
    entity = make_entity(session)
    list_entry(session, entity, status=status, listed_on=listed_on, ends_on=ends_on)
    assert codes(credit_check.check_one(session, SETUP, entity.uscc, "licence")) == []


def test_a_measure_with_its_own_period_ends_before_the_listing(session, listed, traveller):
    entity = make_entity(session)
    list_entry(session, entity, listed_on=date(2023, 3, 10), ends_on=date(2027, 3, 10))
    assert codes(credit_check.check_one(session, SETUP, entity.uscc, "public_office")) == ["M13"]
    traveller.shift(timedelta(days=9))  # 11 March 2026: three years since the listing
    assert codes(credit_check.check_one(session, SETUP, entity.uscc, "public_office")) == []
    assert codes(credit_check.check_one(session, SETUP, entity.uscc, "financing")) == ["M12"]


def test_an_invalid_code_is_refused_alone(session, listed):
    with pytest.raises(InvalidInput) as refused:
        credit_check.check_one(session, SETUP, "91530502MA6K0000XX", "licence")
    assert refused.value.details["fields"] == {"uscc": "uscc_invalid"}
    with pytest.raises(InvalidInput):
        credit_check.check_one(session, SETUP, listed[0].uscc, "haircut")


def test_a_batch_answers_each_code_and_logs_one_row_with_every_hit(session, listed):
    serious, abnormal, clean = listed
    asked = [serious.uscc, "NOT-A-CODE", abnormal.uscc, clean.uscc, serious.uscc]
    report = credit_check.check_codes(session, SETUP, asked, "procurement", origin="batch")
    assert [a.uscc for a in report.answers] == asked
    assert [a.problem is not None for a in report.answers] == [False, True, False, False, False]
    assert [len(a.restrictions) for a in report.answers] == [1, 0, 1, 0, 1]
    (log,) = session.scalars(select(CreditCheck)).all()
    assert (log.requested, log.invalid, log.restricted, log.hits, log.version_id) == (
        5, 1, 3, 3, report_version_id(session))
    assert sorted(h.uscc for h in session.scalars(select(CreditHit))) == sorted(
        [serious.uscc, serious.uscc, abnormal.uscc])


def report_version_id(session) -> int:
    return credit_check.current_catalogue(session).version_id


def test_a_batch_has_a_limit(session, listed):
    with pytest.raises(InvalidInput) as refused:
        credit_check.check_codes(session, SETUP, ["x"] * (credit_check.MAX_BATCH + 1), "licence")
    assert refused.value.details["fields"] == {"uscc": "batch_too_large"}
