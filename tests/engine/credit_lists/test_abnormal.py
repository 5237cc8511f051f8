"""The abnormal operations list through its diagram: the listing in time and late (reminded,
escalated, the urge withdrawn once decided), the removal for each reason, objections, the
warning at 60 days before three years and the move to the serious list; each step in its own
session (the case saved and restored) with time moved across make-up workdays (调休)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from engine import credit_lists, disclosure, entity_records
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import (
    CreditListEntry,
    ListStatus,
    ListType,
    MarketEntity,
    RecordStatus,
    WorkItem,
    WorkItemStatus,
)
from engine.runtime.timers import sweep
from engine.work.inbox import inbox_page
from tests.engine.credit_lists.helpers import (
    at,
    individual,
    listed,
    open_item,
    proposed,
    steps,
)
from tests.factories import CST, make_entity

pytestmark = pytest.mark.both_backends


def test_listed_in_time_numbered_and_published(session, world, traveller):
    entry = proposed(session, world)
    amr = world.units["530502-amr"].id
    assert entry.status == ListStatus.PROPOSED and not entry.marked_only
    assert steps(session, entry) == [("decide_listing", "dept_admin", amr)]
    calendar = credit_lists.calendar_of(session, entry)
    assert credit_lists.entry_light(entry, credit_lists.open_steps(session, entry),
                                    calendar) == "green"
    with pytest.raises(Forbidden):  # an officer does not decide
        credit_lists.decide_listing(session, world.actor("chen"), entry.id, "list")
    credit_lists.decide_listing(session, world.actor("zhang"), entry.id, "list")
    assert entry.status == ListStatus.LISTED
    assert (entry.listed_on, entry.ends_on) == (date(2026, 3, 2), date(2029, 3, 2))
    assert entry.decision_number == "隆市监异入〔2026〕第1号"
    record = disclosure.get_record(session, world.actor("zhang"), entry.record_id)
    assert (record.category, record.status) == ("joint_punishment", RecordStatus.PUBLISHED)
    assert record.decision_number == entry.decision_number
    assert record.fields["measure"] == "列入经营异常名录"
    second = listed(session, world)
    assert second.decision_number == "隆市监异入〔2026〕第2号"


def test_only_the_areas_regulator_proposes_and_never_twice(session, world, traveller):
    entity = make_entity(session)
    with pytest.raises(Forbidden):
        credit_lists.propose_abnormal(
            session, world.actor("hu"), entity, reason="4", trigger_source="entered",
            trigger_date=date(2026, 3, 2), text="无法联系")
    proposed(session, world, entity)
    with pytest.raises(Conflict):
        proposed(session, world, entity)
    with pytest.raises(InvalidInput):
        proposed(session, world, make_entity(session), reason="5")


def test_refused_with_a_reason(session, world, traveller):
    entry = proposed(session, world)
    with pytest.raises(InvalidInput):
        credit_lists.decide_listing(session, world.actor("zhang"), entry.id, "refuse", "")
    credit_lists.decide_listing(session, world.actor("zhang"), entry.id, "refuse", "已核实可联系")
    assert entry.status == ListStatus.REFUSED and entry.record_id is None
    assert steps(session, entry) == []


def test_a_late_listing_is_reminded_escalated_across_a_make_up_sunday(sessions, world):
    # Triggered Thursday 10 September 2026; Sunday 20 September is a workday (调休): the
    # eighth working day is Monday 21, the tenth Wednesday 23.
    with time_machine.travel(at(2026, 9, 10), tick=False), sessions() as session:
        entry_id = proposed(session, world, trigger=date(2026, 9, 10)).id
        session.commit()
    with time_machine.travel(at(2026, 9, 21, 23, 0), tick=False):
        assert sweep(sessions).fired == 0
    with time_machine.travel(at(2026, 9, 22, 0, 30), tick=False):
        assert sweep(sessions).fired == 1  # the reminder: yellow
        with sessions() as session:
            entry = session.get(CreditListEntry, entry_id)
            light = credit_lists.entry_light(entry, credit_lists.open_steps(session, entry),
                                             credit_lists.calendar_of(session, entry))
            assert light == "yellow"
    with time_machine.travel(at(2026, 9, 24, 0, 30), tick=False):
        assert sweep(sessions).fired == 1  # the escalation: red
        with sessions() as session:
            urge = open_item(session, "urge_decide_listing")
            assert urge.candidate_org_id == world.units["530502-jmo"].id
            entry = session.get(CreditListEntry, entry_id)
            assert credit_lists.entry_light(entry, credit_lists.open_steps(session, entry),
                                            credit_lists.calendar_of(session, entry)) == "red"
    with time_machine.travel(at(2026, 9, 24, 10), tick=False), sessions() as session:
        credit_lists.decide_listing(session, world.actor("zhang"), entry_id, "list")
        session.commit()
        assert open_item(session, "urge_decide_listing") is None  # no longer needed
        entry = session.get(CreditListEntry, entry_id)
        assert entry.status == ListStatus.LISTED and entry.listed_on == date(2026, 9, 24)


@pytest.mark.parametrize("reason", credit_lists.REMOVAL_REASONS)
def test_removal_on_application_for_each_reason(sessions, world, reason):
    with time_machine.travel(at(2026, 3, 2), tick=False), sessions() as session:
        entry_id = listed(session, world).id
        session.commit()
    with time_machine.travel(at(2026, 9, 17), tick=False), sessions() as session:
        credit_lists.apply_for_removal(session, world.actor("chen"), entry_id, reason,
                                       "当事人已提交申请及材料")
        session.commit()
    with time_machine.travel(at(2026, 9, 20), tick=False), sessions() as session:  # 调休 Sunday
        entry = session.get(CreditListEntry, entry_id)
        (item,) = [i for i in credit_lists.open_steps(session, entry)]
        assert item.task_name == "review_removal"
        # applied Thursday 17: five working days with Sunday 20 (调休) among them
        assert item.due_at.astimezone(CST).date() == date(2026, 9, 23)
        credit_lists.review_removal(session, world.actor("zhang"), entry_id, "grant",
                                    "经核实符合移出条件")
        session.commit()
        assert entry.status == ListStatus.REMOVED and entry.removal_reason == reason
        assert entry.removed_on == date(2026, 9, 20)
        assert entry.removal_decision_number == "隆市监异出〔2026〕第1号"
        record = disclosure.get_record(session, world.actor("zhang"), entry.record_id)
        assert record.status == RecordStatus.WITHDRAWN


def test_a_refused_removal_leaves_the_entry_listed_and_a_new_application_possible(
        session, world, traveller):
    entry = listed(session, world)
    credit_lists.apply_for_removal(session, world.actor("chen"), entry.id, "corrected", "已改正")
    with pytest.raises(Conflict):
        credit_lists.apply_for_removal(session, world.actor("chen"), entry.id, "corrected",
                                       "再次申请")
    credit_lists.review_removal(session, world.actor("zhang"), entry.id, "refuse", "材料不全")
    assert entry.status == ListStatus.LISTED
    credit_lists.apply_for_removal(session, world.actor("chen"), entry.id, "corrected",
                                   "补充材料后再次申请")
    assert [i.task_name for i in credit_lists.open_steps(session, entry)] == ["review_removal"]
    with pytest.raises(InvalidInput):
        credit_lists.apply_for_removal(session, world.actor("chen"), listed(session, world).id,
                                       "paid", "不是移出原因")


def test_an_objection_accepted_and_upheld_annuls_the_listing(sessions, world):
    with time_machine.travel(at(2026, 3, 2), tick=False), sessions() as session:
        entry_id = listed(session, world).id
        credit_lists.file_objection(session, world.actor("chen"), entry_id, "住所可以联系")
        session.commit()
    with time_machine.travel(at(2026, 3, 5), tick=False), sessions() as session:
        credit_lists.accept_objection(session, world.actor("zhang"), entry_id, "accept")
        session.commit()
        entry = session.get(CreditListEntry, entry_id)
        assert steps(session, entry) == [
            ("verify_objection", "officer", world.units["530502-amr"].id)]
    with time_machine.travel(at(2026, 3, 20), tick=False), sessions() as session:
        credit_lists.verify_objection(session, world.actor("chen"), entry_id, True,
                                      "经实地核查，当事人在登记住所经营，异议成立")
        session.commit()
        entry = session.get(CreditListEntry, entry_id)
        assert entry.status == ListStatus.REFUSED and entry.removal_reason == "objection_upheld"
        (objection,) = credit_lists.applications(session, entry)
        assert objection.status == "granted" and objection.reply.startswith("经实地核查")
        # the officer reported the withdrawal; the administrator's task is open
        assert open_item(session, "withdraw_record").candidate_role == "dept_admin"


def test_an_objection_rejected_or_dismissed_keeps_the_listing(session, world, traveller):
    entry = listed(session, world)
    credit_lists.file_objection(session, world.actor("chen"), entry.id, "不服列入决定")
    credit_lists.accept_objection(session, world.actor("zhang"), entry.id, "reject",
                                  "异议未附任何证明材料，不予受理")
    assert entry.status == ListStatus.LISTED
    credit_lists.file_objection(session, world.actor("chen"), entry.id, "补充材料再提异议")
    credit_lists.accept_objection(session, world.actor("zhang"), entry.id, "accept")
    credit_lists.verify_objection(session, world.actor("chen"), entry.id, False,
                                  "经核查仍无法联系，异议不成立")
    assert entry.status == ListStatus.LISTED
    assert [a.status for a in credit_lists.applications(session, entry)] == ["refused", "refused"]


def test_an_objection_after_thirty_days_is_refused(sessions, world):
    with time_machine.travel(at(2026, 3, 2), tick=False), sessions() as session:
        entry_id = listed(session, world).id
        session.commit()
    with time_machine.travel(at(2026, 4, 2), tick=False), sessions() as session:
        with pytest.raises(Forbidden) as refused:
            credit_lists.file_objection(session, world.actor("chen"), entry_id, "不服列入决定")
        assert refused.value.code == "list_objection_too_late"


def test_the_warning_sixty_days_before_and_the_move_at_three_years(sessions, world):
    with time_machine.travel(at(2026, 3, 2), tick=False), sessions() as session:
        entry_id = listed(session, world).id
        session.commit()
    with time_machine.travel(at(2028, 12, 31, 23), tick=False):
        assert sweep(sessions).fired == 0
    with time_machine.travel(at(2029, 1, 1, 0, 30), tick=False):
        assert sweep(sessions).fired == 1
    with sessions() as session:
        entry = session.get(CreditListEntry, entry_id)
        assert entry.warned_on == date(2029, 1, 1) and entry.status == ListStatus.LISTED
        # The listing department gets the warning in its inbox; the entity's record shows it.
        assert steps(session, entry) == [("tell_warning", "dept_admin",
                                          world.units["530502-amr"].id)]
        told = open_item(session, "tell_warning")
        assert told.due_at is not None and told.title.startswith("告知届满")
        inbox = inbox_page(session, world.users["zhang"], "claimable",
                           credit_lists.calendar_of(session, entry))
        assert [(r.item.task_name, r.entity_name) for r in inbox.rows] == [
            ("tell_warning", entry.party_name)]
        entity = session.get(MarketEntity, entry.entity_id)
        trail = entity_records.entity_trail(session, entity)
        assert trail[0].action == "credit_lists.warned"
        assert trail[0].details["moves_on"] == "2029-03-02"
    with time_machine.travel(at(2029, 1, 4), tick=False), sessions() as session:
        assert told.form_key == "abnormal_warning"
        for values, field in (({}, "told_on"),  # when and how the entity was told
                              ({"told_on": "2029-01-04"}, "told_how"),
                              ({"told_on": "2029-01-05", "told_how": "post"}, "told_on"),
                              ({"told_on": "2028-12-31", "told_how": "post"}, "told_on")):
            with pytest.raises(InvalidInput) as refused:
                credit_lists.complete_list_task(session, world.actor("zhang"), told.id, values)
            assert field in refused.value.details["fields"], values
        credit_lists.complete_list_task(session, world.actor("zhang"), told.id, {
            "told_on": "2029-01-04", "told_how": "post", "warning_note": "送达回证 2029-001"})
        session.commit()
        entry = session.get(CreditListEntry, entry_id)
        assert steps(session, entry) == []
        assert (entry.warning_told_on, entry.warning_told_how, entry.warning_note) == (
            date(2029, 1, 4), "post", "送达回证 2029-001")
        trail = entity_records.entity_trail(session, session.get(MarketEntity, entry.entity_id))
        assert (trail[0].action, trail[0].details["reason"]) == (
            "credit_lists.warning_told", "2029-01-04 邮寄送达：送达回证 2029-001")
    with time_machine.travel(at(2029, 3, 2, 0, 30), tick=False):
        assert sweep(sessions).fired >= 1
    with sessions() as session:
        entry = session.get(CreditListEntry, entry_id)
        assert entry.status == ListStatus.MOVED and entry.removed_on == date(2029, 3, 2)
        serious = session.query(CreditListEntry).filter_by(moved_from_id=entry_id).one()
        assert (serious.list_type, serious.status) == (ListType.SERIOUS, ListStatus.LISTED)
        assert serious.decision_number == "隆市监严入〔2029〕第1号"
        assert serious.ends_on == date(2032, 3, 2) and serious.record_id is not None
        ended = disclosure.get_record(session, world.actor("zhang"), entry.record_id)
        assert ended.status == RecordStatus.EXPIRED  # the abnormal listing's publication
        published = disclosure.get_record(session, world.actor("zhang"), serious.record_id)
        assert published.status == RecordStatus.PUBLISHED
        assert published.fields["valid_to"] == "2032-03-01"


def test_an_individual_business_is_marked_not_listed(session, world, traveller):
    entry = listed(session, world, individual(session))
    assert entry.marked_only and entry.status == ListStatus.LISTED
    record = disclosure.get_record(session, world.actor("zhang"), entry.record_id)
    assert record.fields["measure"] == "标记为经营异常状态"


def test_reports_not_filed_by_30_june_are_proposed(session, world):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        filed, unfiled = make_entity(session), make_entity(session)
        late = make_entity(session)
        credit_lists.file_annual_report(session, world.actor("chen"), filed, 2025,
                                        date(2026, 6, 1))
        credit_lists.file_annual_report(session, world.actor("chen"), late, 2025,
                                        date(2026, 7, 3))
        with pytest.raises(Conflict):
            credit_lists.propose_unfiled_reports(session, world.actor("zhang"), 2025)
    with time_machine.travel(at(2026, 7, 6), tick=False):
        proposals = credit_lists.propose_unfiled_reports(session, world.actor("zhang"), 2025,
                                                         "530502")
        assert {p.entity_id for p in proposals} == {unfiled.id, late.id}
        assert {(p.reason, p.trigger_date) for p in proposals} == {("1", date(2026, 7, 1))}
        assert credit_lists.propose_unfiled_reports(session, world.actor("zhang"), 2025,
                                                    "530502") == []
        assert session.query(WorkItem).filter_by(task_name="decide_listing",
                                                 status=WorkItemStatus.OPEN).count() == 2


def test_a_late_removal_decision_is_escalated_and_the_urge_worked(sessions, world):
    with time_machine.travel(at(2026, 9, 10), tick=False), sessions() as session:
        entry_id = listed(session, world).id
        credit_lists.apply_for_removal(session, world.actor("chen"), entry_id, "report_filed",
                                       "已补报年度报告")
        session.commit()
    # Applied Thursday 10 September: the fifth working day is Thursday 17; yellow after the
    # third (Tuesday 15).
    with time_machine.travel(at(2026, 9, 16, 0, 30), tick=False):
        assert sweep(sessions).fired == 1
    with time_machine.travel(at(2026, 9, 18, 0, 30), tick=False):
        assert sweep(sessions).fired == 1
    with time_machine.travel(at(2026, 9, 18, 9), tick=False), sessions() as session:
        urge = open_item(session, "urge_review_removal")
        assert urge.candidate_org_id == world.units["530502-jmo"].id
        credit_lists.complete_list_task(session, world.actor("wang"), urge.id, {})
        session.commit()
        assert open_item(session, "urge_review_removal") is None
        entry = session.get(CreditListEntry, entry_id)
        assert [i.task_name for i in credit_lists.open_steps(session, entry)] == [
            "review_removal"]


def test_a_spot_check_follow_up_of_another_department_is_proposed_to_the_regulator(
        session, world, traveller):
    entry = credit_lists.propose_abnormal(
        session, world.actor("hu"), make_entity(session), reason="3",
        trigger_source="spot_check", trigger_date=date(2026, 2, 27),
        text="抽查发现公示信息隐瞒真实情况")
    assert entry.org_unit_id == world.units["530502-amr"].id
    assert steps(session, entry) == [("decide_listing", "dept_admin",
                                      world.units["530502-amr"].id)]


def test_after_the_warning_a_refused_removal_waits_for_the_move_and_a_granted_one_ends(
        sessions, world):
    with time_machine.travel(at(2026, 3, 2), tick=False), sessions() as session:
        entry_id = listed(session, world).id
        session.commit()
    with time_machine.travel(at(2029, 1, 1, 0, 30), tick=False):
        assert sweep(sessions).fired == 1  # the warning
    with time_machine.travel(at(2029, 1, 4), tick=False), sessions() as session:
        credit_lists.apply_for_removal(session, world.actor("chen"), entry_id, "contact_restored",
                                       "已恢复联系")
        credit_lists.review_removal(session, world.actor("zhang"), entry_id, "refuse",
                                    "仍无法联系")
        session.commit()
        entry = session.get(CreditListEntry, entry_id)
        assert entry.status == ListStatus.LISTED and entry.warned_on == date(2029, 1, 1)
    with time_machine.travel(at(2029, 2, 1), tick=False), sessions() as session:
        credit_lists.apply_for_removal(session, world.actor("chen"), entry_id, "address_changed",
                                       "已办理住所变更登记")
        credit_lists.review_removal(session, world.actor("zhang"), entry_id, "grant",
                                    "已变更住所并可联系")
        session.commit()
        entry = session.get(CreditListEntry, entry_id)
        assert entry.status == ListStatus.REMOVED and entry.removal_reason == "address_changed"
        assert entry.removal_decision_number == "隆市监异出〔2029〕第1号"
    with time_machine.travel(at(2029, 3, 2, 0, 30), tick=False):
        sweep(sessions)
    with sessions() as session:
        assert session.query(CreditListEntry).filter_by(moved_from_id=entry_id).count() == 0
        # The task to tell the entity, never done, lapses at the three years.
        assert open_item(session, "tell_warning") is None
