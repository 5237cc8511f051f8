"""The serious illegal and dishonest list through its diagram: the county's decision approved
by the city (granted, or returned and resubmitted), early removal refused before one year
and decided on its conditions after, automatic removal at three years by the timer."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from engine import credit_lists, disclosure
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import CreditListEntry, ListStatus, OrgKind, RecordStatus, Role
from engine.org.units import add_org_unit, add_user
from engine.runtime.timers import sweep
from tests.engine.credit_lists.helpers import at, open_item, steps
from tests.engine.disclosure.helpers import enter
from tests.factories import PASSWORD, SETUP, make_entity

pytestmark = pytest.mark.both_backends

ALL_YES = dict.fromkeys(credit_lists.EARLY_CONDITIONS, True)


def proposal(session, world, entity=None, **kw):
    return credit_lists.propose_serious(
        session, world.actor("chen"), entity or make_entity(session),
        violation="生产销售不符合食品安全标准的食品", penalty="吊销营业执照，罚款五十万元",
        trigger_date=kw.pop("trigger_date", date(2026, 3, 2)), **kw)


def approved(session, world):
    entry = proposal(session, world)
    credit_lists.decide_proposal(session, world.actor("zhang"), entry.id, "list")
    credit_lists.approve_listing(session, world.actor("gao"), entry.id, "approve")
    return entry


def test_the_countys_listing_is_approved_by_the_city(session, world, traveller):
    entry = proposal(session, world)
    assert steps(session, entry) == [("decide_proposal", "dept_admin",
                                      world.units["530502-amr"].id)]
    credit_lists.decide_proposal(session, world.actor("zhang"), entry.id, "list")
    assert steps(session, entry) == [("approve_listing", "dept_admin",
                                      world.units["530500-amr"].id)]
    assert entry.status == ListStatus.PROPOSED
    with pytest.raises((Forbidden, NotFound)):  # the county cannot approve its own decision
        credit_lists.approve_listing(session, world.actor("zhang"), entry.id, "approve")
    credit_lists.approve_listing(session, world.actor("gao"), entry.id, "approve")
    assert entry.status == ListStatus.LISTED
    assert entry.decision_number == "隆市监严入〔2026〕第1号"
    assert entry.ends_on == date(2029, 3, 2)
    record = disclosure.get_record(session, world.actor("zhang"), entry.record_id)
    assert record.status == RecordStatus.PUBLISHED
    assert record.fields["list_type"] == "serious"
    (approval,) = credit_lists.applications(session, entry)
    assert (approval.kind, approval.status, approval.decided_by) == ("approval", "granted", "gao")


def test_a_returned_listing_is_revised_or_dropped(session, world, traveller):
    entry = proposal(session, world)
    credit_lists.decide_proposal(session, world.actor("zhang"), entry.id, "list")
    with pytest.raises(InvalidInput):  # a return needs its reason
        credit_lists.approve_listing(session, world.actor("gao"), entry.id, "return")
    credit_lists.approve_listing(session, world.actor("gao"), entry.id, "return",
                                 "处罚决定书未附，请补充")
    assert entry.status == ListStatus.PROPOSED
    assert [s[0] for s in steps(session, entry)] == ["decide_proposal"]
    (returned,) = credit_lists.applications(session, entry)
    assert (returned.status, returned.reply) == ("refused", "处罚决定书未附，请补充")
    credit_lists.decide_proposal(session, world.actor("zhang"), entry.id, "refuse",
                                 "处罚决定已被复议撤销")
    assert entry.status == ListStatus.REFUSED and steps(session, entry) == []


def test_a_proposal_from_a_penalty_record(session, world, traveller):
    entity = make_entity(session)
    record = enter(session, world, entity)
    entry = proposal(session, world, entity, source_record_id=record.id)
    assert (entry.trigger_source, entry.source_record_id) == ("penalty", record.id)
    with pytest.raises(InvalidInput):
        proposal(session, world, make_entity(session), source_record_id=record.id)


def test_early_removal_refused_before_one_year_allowed_after(sessions, world):
    with time_machine.travel(at(2026, 3, 2), tick=False), sessions() as session:
        entry_id = approved(session, world).id
        session.commit()
    with time_machine.travel(at(2027, 3, 1), tick=False), sessions() as session:
        with pytest.raises(Forbidden) as refused:
            credit_lists.apply_for_early_removal(session, world.actor("chen"), entry_id,
                                                 "已整改完毕，申请提前移出")
        assert refused.value.code == "early_removal_too_early"
    with time_machine.travel(at(2027, 3, 2), tick=False), sessions() as session:
        credit_lists.apply_for_early_removal(session, world.actor("chen"), entry_id,
                                             "已整改完毕，申请提前移出")
        session.commit()
    with time_machine.travel(at(2027, 3, 8), tick=False), sessions() as session:
        with pytest.raises(InvalidInput):  # every condition answered
            credit_lists.review_early_removal(session, world.actor("zhang"), entry_id,
                                              {"violation_corrected": True}, "条件不全")
        credit_lists.review_early_removal(session, world.actor("zhang"), entry_id,
                                          {**ALL_YES, "no_new_heavy_penalty": False},
                                          "一年内再次受到较重行政处罚")
        session.commit()
        entry = session.get(CreditListEntry, entry_id)
        assert entry.status == ListStatus.LISTED
    with time_machine.travel(at(2027, 4, 1), tick=False), sessions() as session:
        credit_lists.apply_for_early_removal(session, world.actor("chen"), entry_id,
                                             "再次申请提前移出")
        credit_lists.review_early_removal(session, world.actor("zhang"), entry_id, ALL_YES,
                                          "各项条件均已满足")
        session.commit()
        entry = session.get(CreditListEntry, entry_id)
        assert entry.status == ListStatus.REMOVED and entry.removal_reason == "early_removal"
        assert entry.removal_decision_number == "隆市监严出〔2027〕第1号"
        answers = [a.conditions for a in credit_lists.applications(session, entry)
                   if a.kind == "early_removal"]
        assert answers[0]["no_new_heavy_penalty"] is False and all(answers[1].values())
        record = disclosure.get_record(session, world.actor("zhang"), entry.record_id)
        assert record.status == RecordStatus.WITHDRAWN


def test_removed_automatically_at_three_years(sessions, world):
    with time_machine.travel(at(2026, 3, 2), tick=False), sessions() as session:
        entry_id = approved(session, world).id
        session.commit()
    with time_machine.travel(at(2029, 3, 1, 23), tick=False):
        assert sweep(sessions).fired == 0
    with time_machine.travel(at(2029, 3, 2, 0, 30), tick=False):
        assert sweep(sessions).fired == 2  # the listing and its publication end together
    with sessions() as session:
        entry = session.get(CreditListEntry, entry_id)
        assert entry.status == ListStatus.REMOVED and entry.removal_reason == "period_ended"
        assert entry.removed_on == date(2029, 3, 2)
        assert not entry.in_force_on(date(2029, 3, 2))
    with sessions() as session:
        entry = session.get(CreditListEntry, entry_id)
        record = disclosure.get_record(session, world.actor("zhang"), entry.record_id)
        assert record.status == RecordStatus.EXPIRED


def test_a_late_approval_is_reminded_and_escalated(sessions, world):
    with time_machine.travel(at(2026, 3, 2), tick=False), sessions() as session:
        entry = proposal(session, world)
        credit_lists.decide_proposal(session, world.actor("zhang"), entry.id, "list")
        entry_id = entry.id
        session.commit()
    with time_machine.travel(at(2026, 3, 13, 0, 30), tick=False):
        assert sweep(sessions).fired == 1  # two working days left
    with time_machine.travel(at(2026, 3, 17, 0, 30), tick=False):
        assert sweep(sessions).fired == 1
    with time_machine.travel(at(2026, 3, 17, 9), tick=False), sessions() as session:
        urge = open_item(session, "urge_approve_listing")
        assert urge.candidate_org_id == world.units["530502-jmo"].id
        entry = session.get(CreditListEntry, entry_id)
        assert credit_lists.entry_light(entry, credit_lists.open_steps(session, entry),
                                        credit_lists.calendar_of(session, entry)) == "red"
        credit_lists.approve_listing(session, world.actor("gao"), entry_id, "approve")
        session.commit()
        assert open_item(session, "urge_approve_listing") is None
        assert entry.status == ListStatus.LISTED


def add_province(session, world):
    """The province's market regulator and its approver (a tree of its own)."""
    province = add_org_unit(session, "530000", "云南省", OrgKind.PROVINCE, "530000")
    world.units["530000-amr"] = add_org_unit(session, "530000-amr", "云南省市场监督管理局",
                                             OrgKind.DEPARTMENT, "530000", province)
    world.users["yunnan"] = add_user(session, SETUP, "yunnan", "yunnan", PASSWORD, "530000-amr",
                                  [Role.DEPT_ADMIN])
    session.flush()


def test_the_citys_listing_is_refused_without_the_province_and_approved_by_it(
        session, world, traveller):
    city_entity = make_entity(session, area="530500", registrar=None)
    with pytest.raises(Forbidden) as refused:
        credit_lists.propose_serious(session, world.actor("he"), city_entity,
                                     violation="销售假冒伪劣商品", penalty="吊销营业执照",
                                     trigger_date=date(2026, 3, 2))
    assert refused.value.code == "no_upper_level"
    add_province(session, world)
    entry = credit_lists.propose_serious(session, world.actor("he"), city_entity,
                                         violation="销售假冒伪劣商品", penalty="吊销营业执照",
                                         trigger_date=date(2026, 3, 2))
    credit_lists.decide_proposal(session, world.actor("gao"), entry.id, "list")
    assert steps(session, entry) == [("approve_listing", "dept_admin",
                                      world.units["530000-amr"].id)]
    with pytest.raises((Forbidden, NotFound)):  # the city cannot approve its own decision
        credit_lists.approve_listing(session, world.actor("gao"), entry.id, "approve")
    credit_lists.approve_listing(session, world.actor("yunnan"), entry.id, "approve")
    assert entry.status == ListStatus.LISTED
    assert entry.decision_number == "保市监严入〔2026〕第1号"
    (approval,) = credit_lists.applications(session, entry)
    assert (approval.status, approval.decided_by) == ("granted", "yunnan")


def test_the_countys_listing_still_goes_to_the_city_when_the_province_is_there(
        session, world, traveller):
    add_province(session, world)
    entry = proposal(session, world)
    credit_lists.decide_proposal(session, world.actor("zhang"), entry.id, "list")
    assert steps(session, entry) == [("approve_listing", "dept_admin",
                                      world.units["530500-amr"].id)]
