"""A record's case through the engine: submitted, returned, approved, published, expired by
the timer sweep, withdrawn within 3 working days, repaired; the record in step at each."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from engine import audit, disclosure
from engine.dual_notice import route_entities
from engine.dual_notice.notices import notice_claim, notice_record_outcome
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import AuditEvent, DisclosureRecord, RecordStatus, WorkItem, WorkItemStatus
from engine.runtime.timers import sweep
from tests.engine.disclosure.helpers import enter
from tests.factories import CST, MONDAY, Change, World, make_entity, notices_of

pytestmark = pytest.mark.both_backends  # the timer sweep, the records' visibility in SQL


@pytest.fixture
def world(notice_world: World) -> World:
    return notice_world


def steps(session, record) -> list[tuple[str, str, int | None]]:
    return [(i.task_name, i.candidate_role, i.candidate_org_id)
            for i in disclosure.open_steps(session, record)]


def published_record(sessions, world, **overrides) -> int:
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        record = enter(session, world, make_entity(session), **overrides)
        disclosure.submit(session, world.actor("hu"), record.id)
        disclosure.review(session, world.actor("luo"), record.id, "approve")
        session.commit()
        return record.id


def record_of(sessions, world, record_id):
    session = sessions()
    return session, disclosure.get_record(session, world.actor("admin"), record_id)


def test_submitted_returned_revised_approved_published(session, world, traveller):
    record = enter(session, world, make_entity(session))
    disclosure.submit(session, world.actor("hu"), record.id)
    psb = world.units["530502-psb"].id
    assert record.status == RecordStatus.SUBMITTED and record.entry_late_days == 0
    assert steps(session, record) == [("review_record", "dept_admin", psb)]
    with pytest.raises(Conflict):
        disclosure.submit(session, world.actor("hu"), record.id)
    disclosure.review(session, world.actor("luo"), record.id, "return", "处罚依据条款有误")
    assert (record.status, record.return_reason) == (RecordStatus.RETURNED, "处罚依据条款有误")
    assert steps(session, record) == [("revise_record", "officer", psb)]
    disclosure.change_record(session, world.actor("hu"), record, {
        **disclosure.form_values(record), "legal_basis": "《食品安全法》第一百二十四条第一款"})
    disclosure.submit(session, world.actor("hu"), record.id)
    disclosure.review(session, world.actor("luo"), record.id, "approve")
    assert record.status == RecordStatus.PUBLISHED
    assert record.published_at == MONDAY and record.reviewed_by == "luo"
    assert record.publication_ends_on == date(2029, 3, 2)  # 3 years for a 5万 fine
    assert record.publication_late_days == 0
    assert steps(session, record) == []
    actions = session.execute(select(AuditEvent.action).where(
        AuditEvent.object_type == "disclosure_record").order_by(AuditEvent.id)).scalars().all()
    assert actions == ["disclosure.enter", "disclosure.submitted", "disclosure.returned",
                       "disclosure.change", "disclosure.submitted", "disclosure.published"]


def test_an_officer_does_not_review(session, world, traveller):
    record = enter(session, world, make_entity(session))
    disclosure.submit(session, world.actor("hu"), record.id)
    with pytest.raises(Forbidden):
        disclosure.review(session, world.actor("ma"), record.id, "approve")


def test_a_warning_only_penalty_is_recorded_and_never_published(session, world, traveller):
    record = enter(session, world, make_entity(session), penalty_category=["warning"])
    disclosure.submit(session, world.actor("hu"), record.id)
    disclosure.review(session, world.actor("luo"), record.id, "approve")
    assert record.status == RecordStatus.RECORDED
    assert record.published_at is None and record.publication_ends_on is None


def test_lateness_counts_working_days_past_seven_and_twenty(session, world):
    # Decided Monday 2 March; entered Friday 13 March (9 working days later: 2 late);
    # published Tuesday 31 March (21 working days: 1 late).
    with time_machine.travel(datetime(2026, 3, 13, 9, 0, tzinfo=CST), tick=False):
        record = enter(session, world, make_entity(session))
        disclosure.submit(session, world.actor("hu"), record.id)
    with time_machine.travel(datetime(2026, 3, 31, 9, 0, tzinfo=CST), tick=False):
        disclosure.review(session, world.actor("luo"), record.id, "approve")
    assert (record.entry_late_days, record.publication_late_days) == (2, 1)


def test_a_light_penalty_expires_after_three_months_by_the_timer_sweep(sessions, world):
    record_id = published_record(sessions, world, fine="0.5")
    session, record = record_of(sessions, world, record_id)
    assert record.publication_ends_on == date(2026, 6, 2)
    session.close()
    with time_machine.travel(datetime(2026, 6, 2, 23, 0, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 0
    with time_machine.travel(datetime(2026, 6, 3, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 1
    session, record = record_of(sessions, world, record_id)
    assert record.status == RecordStatus.EXPIRED
    assert record.ended_at == datetime(2026, 6, 3, 0, 30, tzinfo=CST)
    session.close()


def test_a_heavy_penalty_is_published_for_three_years(sessions, world):
    record_id = published_record(sessions, world, penalty_category=["fine", "licence_revoked"],
                                 licence_action="食品经营许可证 JY15305020001234")
    session, record = record_of(sessions, world, record_id)
    assert record.publication_ends_on == date(2029, 3, 2)
    session.close()
    with time_machine.travel(datetime(2029, 3, 3, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 1
    session, record = record_of(sessions, world, record_id)
    assert record.status == RecordStatus.EXPIRED
    session.close()


def test_a_revoked_decision_is_withdrawn_reminded_and_escalated_across_a_make_up_sunday(
        sessions, world):
    record_id = published_record(sessions, world)
    # Revoked Thursday 17 September 2026; Sunday 20 is a make-up workday (调休).
    with time_machine.travel(datetime(2026, 9, 17, 10, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        disclosure.report_revocation(session, world.actor("hu"), record_id, "行政复议决定撤销")
        session.commit()
        record = disclosure.get_record(session, world.actor("hu"), record_id)
        (item,) = disclosure.open_steps(session, record)
        assert (item.task_name, item.candidate_role) == ("withdraw_record", "dept_admin")
        assert item.due_at == datetime(2026, 9, 21, 23, 59, 59, 999999, tzinfo=CST)
    with time_machine.travel(datetime(2026, 9, 21, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 1  # the reminder: one working day left
    with time_machine.travel(datetime(2026, 9, 22, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 1  # the escalation
    with sessions() as session:
        urge = session.execute(select(WorkItem).where(
            WorkItem.task_name == "urge_withdrawal", WorkItem.status == WorkItemStatus.OPEN))
        assert urge.scalar_one().candidate_org_id == world.units["530502-jmo"].id
    with time_machine.travel(datetime(2026, 9, 22, 9, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        record = disclosure.get_record(session, world.actor("luo"), record_id)
        (item,) = [i for i in disclosure.open_steps(session, record)
                   if i.task_name == "withdraw_record"]
        disclosure.complete_step(session, world.actor("luo"), item.id, {})
        session.commit()
        assert record.status == RecordStatus.WITHDRAWN
        assert record.end_reason == "行政复议决定撤销"


def test_only_the_issuing_department_reports_a_revocation(sessions, world):
    record_id = published_record(sessions, world)
    with sessions() as session, pytest.raises(Forbidden):
        disclosure.report_revocation(session, world.actor("wang"), record_id, "行政复议决定撤销")


@pytest.mark.parametrize(("overrides", "day", "refusal"), [
    ({}, datetime(2026, 9, 1, 9, 0, tzinfo=CST), "repair_too_early"),
    ({"sector": "food"}, datetime(2026, 12, 1, 9, 0, tzinfo=CST), "repair_too_early"),
    ({"penalty_category": ["fine", "suspension"]}, datetime(2028, 3, 2, 9, 0, tzinfo=CST),
     "repair_never"),
])
def test_credit_repair_is_refused_too_early_and_for_the_most_serious(sessions, world, overrides,
                                                                     day, refusal):
    record_id = published_record(sessions, world, **overrides)
    with time_machine.travel(day, tick=False), sessions() as session:
        with pytest.raises(Forbidden) as refused:
            disclosure.apply_for_repair(session, world.actor("hu"), record_id,
                                        "已缴纳罚款并完成整改")
        assert refused.value.code == refusal


def test_credit_repair_after_six_months_ends_the_publication_early(sessions, world):
    record_id = published_record(sessions, world)
    with time_machine.travel(datetime(2026, 9, 2, 9, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        disclosure.apply_for_repair(session, world.actor("hu"), record_id, "已缴纳罚款并完成整改")
        record = disclosure.get_record(session, world.actor("luo"), record_id)
        (item,) = disclosure.open_steps(session, record)
        assert item.task_name == "review_repair"
        disclosure.complete_step(session, world.actor("luo"), item.id, {
            "repair_decision": "approve", "repair_note": "已履行处罚决定，整改到位"})
        session.commit()
        assert record.status == RecordStatus.ENDED_EARLY
        assert record.end_reason == "已履行处罚决定，整改到位"
        assert record.repair_statement == "已缴纳罚款并完成整改"


def test_a_licence_granted_on_a_dual_notice_becomes_a_draft_the_department_completes(
        session, world, traveller):
    entity = make_entity(session, "印章刻制")  # one licence: the police's (公章刻制)
    route_entities(session, audit.SYSTEM, [Change(entity)])
    (notice,) = notices_of(session, entity)
    officer = "hu"
    notice_claim(session, world.actor(officer), notice.id)
    notice_record_outcome(session, world.actor(officer), notice.id, "granted",
                          licence_no="JY15305020001234", licence_date="2026-02-27")
    record = session.execute(select(DisclosureRecord).where(
        DisclosureRecord.origin == f"dual_notice:{notice.id}")).scalar_one()
    assert (record.category, record.status, record.data_source.value) == (
        "licence", RecordStatus.DRAFT, "procedure")
    assert record.fields["licence_no"] == "JY15305020001234"
    assert record.decision_date == date(2026, 2, 27)
    assert [i.task_name for i in disclosure.open_steps(session, record)] == ["complete_record"]
    with pytest.raises(InvalidInput) as incomplete:  # the department fills in the rest first
        disclosure.submit(session, world.actor(officer), record.id)
    assert "document_name" in incomplete.value.details["fields"]
    disclosure.change_record(session, world.actor(officer), record, {
        **disclosure.form_values(record), "document_name": "食品经营许可决定书",
        "licence_category": "general", "authority_uscc": "11530502MB1234567D",
        "decision_number": "保公许〔2026〕7号"})
    disclosure.submit(session, world.actor(officer), record.id)
    assert record.status == RecordStatus.SUBMITTED
    assert [i.task_name for i in disclosure.open_steps(session, record)] == ["review_record"]
