"""An inspection's case through the engine, path by path: the drawn pair prepares and
inspects, enters the result, the department administrator returns or approves, the result
is published as enterprise information dated the day of the check, the entity objects in
time (re-check) or too late (refused), every follow-up. Each step runs in a fresh session
(the case saved and restored between them); time moves with time-machine and the timer
sweep."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from engine import disclosure, domains, inspection
from engine.errors import Conflict, Forbidden, NotFound
from engine.models import (
    AbnormalRequest,
    CreditListEntry,
    DisclosureRecord,
    Inspection,
    ListStatus,
    MarketEntity,
    RecordStatus,
)
from engine.runtime.timers import sweep
from tests.engine.inspection.helpers import ALL_OK, do, field_work, item_of, start, steps
from tests.factories import CST, MONDAY, make_entity

pytestmark = pytest.mark.both_backends  # the timer sweep, the figures' SQL


def at(day: int, month: int = 3, hour: int = 10):
    return time_machine.travel(datetime(2026, month, day, hour, 0, tzinfo=CST), tick=False)


def day(d: int, month: int = 3, hour: int = 10) -> datetime:
    return datetime(2026, month, d, hour, 0, tzinfo=CST)


def started(sessions, world) -> int:
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        row = start(session, world, make_entity(session))
        session.commit()
        return row.id


def step(sessions, world, inspection_id, task, user, when=MONDAY, **values):
    with time_machine.travel(when, tick=False), sessions() as session:
        row = session.get(Inspection, inspection_id)
        do(session, world, row, task, user, **values)
        session.commit()


def seen(sessions, inspection_id):
    session = sessions()
    return session, session.get(Inspection, inspection_id)


def to_review(sessions, world, inspection_id, **result):
    step(sessions, world, inspection_id, "prepare_inspection", "chen", notice="not_needed")
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        field_work(session, world, session.get(Inspection, inspection_id))
        session.commit()
    step(sessions, world, inspection_id, "enter_result", "yang",
         **({"result_code": "no_problem", "follow_up": "none"} | result))


def test_the_drawn_pair_works_it_and_the_approved_result_is_published(sessions, world):
    inspection_id = started(sessions, world)
    session, row = seen(sessions, inspection_id)
    assert row.status == "preparing"
    assert steps(session, row) == [("prepare_inspection", "chen")]  # not a pool's
    session.close()
    step(sessions, world, inspection_id, "prepare_inspection", "yang", notice="sent",
         notice_date="2026-03-01")
    session, row = seen(sessions, inspection_id)
    assert (row.status, steps(session, row)) == ("inspecting", [("inspect", "yang")])
    with time_machine.travel(MONDAY, tick=False):
        with pytest.raises(NotFound):  # a station's officer: not drawn, not in scope
            inspection.save_field_record(session, world.actor("sun"), row.id, ALL_OK, "")
        with pytest.raises(Forbidden):  # the administrator sees it but was not drawn
            inspection.save_field_record(session, world.actor("zhang"), row.id, ALL_OK, "")
        inspection.save_field_record(session, world.actor("chen"), row.id,
                                     {"SC-01.1": "ok"}, "")
        with pytest.raises(Conflict, match="checklist"):
            inspection.confirm(session, world.actor("chen"), row.id)
        field_work(session, world, row)
    session.commit()
    assert (row.status, row.checked_on) == ("entering", date(2026, 3, 2))
    assert steps(session, row) == [("enter_result", "yang")]
    session.close()
    step(sessions, world, inspection_id, "enter_result", "yang", result_code="not_published",
         follow_up="none", details="未按规定公示年度报告")
    session, row = seen(sessions, inspection_id)
    assert (row.status, steps(session, row)) == ("reviewing", [("review_result", "dept_admin")])
    session.close()
    step(sessions, world, inspection_id, "review_result", "zhang", day(4),
         decision="approve")
    session, row = seen(sessions, inspection_id)
    record = session.get(DisclosureRecord, row.record_id)
    assert row.status == "published" and steps(session, row) == []
    assert (record.category, record.status, record.decision_date) == (
        "spot_check", RecordStatus.PUBLISHED, date(2026, 3, 2))
    assert record.fields["result"] == "not_published"
    assert (record.publication_late_days, row.publication_late_days) == (0, 0)
    assert record.party_uscc == session.get(MarketEntity, row.entity_id).uscc
    session.close()


def test_the_reviewer_returns_it_and_the_officers_enter_it_again(sessions, world):
    inspection_id = started(sessions, world)
    to_review(sessions, world, inspection_id)
    step(sessions, world, inspection_id, "review_result", "zhang", decision="return",
         return_reason="检查结果与现场记录不符")
    session, row = seen(sessions, inspection_id)
    assert (row.status, steps(session, row)) == ("returned", [("enter_result", "yang")])
    assert row.record_id is None
    session.close()
    step(sessions, world, inspection_id, "enter_result", "chen", result_code="unreachable",
         follow_up="none")
    step(sessions, world, inspection_id, "review_result", "zhang", decision="approve")
    session, row = seen(sessions, inspection_id)
    assert (row.status, row.result_code) == ("published", "unreachable")
    session.close()


def test_an_objection_in_time_is_re_checked_and_the_result_becomes_final(sessions, world):
    inspection_id = started(sessions, world)
    to_review(sessions, world, inspection_id)
    step(sessions, world, inspection_id, "review_result", "zhang", decision="approve")
    with at(17), sessions() as session:  # the 15th day after publication
        inspection.record_objection(session, world.actor("chen"), inspection_id,
                                    "企业称已于检查前完成年报公示")
        session.commit()
    session, row = seen(sessions, inspection_id)
    assert (row.status, steps(session, row)) == ("objected", [("recheck", "yang")])
    item = item_of(session, row, "recheck")  # 15 working days, over 清明 (4-6 April)
    assert item.due_at == datetime(2026, 4, 8, 23, 59, 59, 999999, tzinfo=CST)
    session.close()
    with at(20):
        assert sweep(sessions).fired == 0  # the objection window's timer went with it
    step(sessions, world, inspection_id, "recheck", "chen", day(20),
         recheck_outcome="upheld", recheck_note="复核维持原结果")
    session, row = seen(sessions, inspection_id)
    assert (row.status, row.recheck_outcome, steps(session, row)) == ("final", "upheld", [])
    session.close()


def test_an_objection_too_late_is_refused_once_the_window_closed(sessions, world):
    inspection_id = started(sessions, world)
    to_review(sessions, world, inspection_id)
    step(sessions, world, inspection_id, "review_result", "zhang", decision="approve")
    with at(17, hour=23):
        assert sweep(sessions).fired == 0
    with at(18, hour=0):
        assert sweep(sessions).fired == 1
    session, row = seen(sessions, inspection_id)
    assert row.status == "final"
    with at(18), pytest.raises(Forbidden) as refused:
        inspection.record_objection(session, world.actor("chen"), inspection_id,
                                    "企业对检查结果有异议")
    assert refused.value.code == "objection_too_late"
    session.close()


def test_a_changed_re_check_withdraws_the_result_and_publishes_the_new_one(sessions, world):
    inspection_id = started(sessions, world)
    to_review(sessions, world, inspection_id, result_code="not_published")
    step(sessions, world, inspection_id, "review_result", "zhang", decision="approve")
    session, row = seen(sessions, inspection_id)
    first = row.record_id
    session.close()
    with at(5), sessions() as session:
        inspection.record_objection(session, world.actor("chen"), inspection_id,
                                    "年报已按时公示，附回执")
        session.commit()
    step(sessions, world, inspection_id, "recheck", "yang", day(6),
         recheck_outcome="changed", new_result_code="no_problem", recheck_note="核实年报已公示")
    session, row = seen(sessions, inspection_id)
    old, new = session.get(DisclosureRecord, first), session.get(DisclosureRecord, row.record_id)
    assert old.withdrawal_requested_at is not None and old.end_reason == "核实年报已公示"
    assert (new.status, new.fields["result"]) == (RecordStatus.PUBLISHED, "no_problem")
    assert (row.status, row.result_code) == ("final", "no_problem")
    session.close()


def test_an_order_to_correct_is_checked_by_its_deadline(sessions, world):
    inspection_id = started(sessions, world)
    to_review(sessions, world, inspection_id, result_code="corrected",
              follow_up="order_correct", order_deadline="2026-03-20")
    step(sessions, world, inspection_id, "review_result", "zhang", decision="approve")
    session, row = seen(sessions, inspection_id)
    item = item_of(session, row, "check_order")
    assert row.follow_up == "order_correct"
    assert item.due_at == datetime(2026, 3, 20, 23, 59, 59, 999999, tzinfo=CST)
    assert steps(session, row) == [("check_order", "yang")]
    session.close()
    with at(21):
        assert sweep(sessions).fired == 1  # past the order's deadline: noted
    step(sessions, world, inspection_id, "check_order", "yang", day(23),
         order_outcome="done")
    session, row = seen(sessions, inspection_id)
    assert steps(session, row) == []
    session.close()


def test_a_listing_request_is_proposed_to_the_abnormal_list(sessions, world):
    assert domains.inspection.ABNORMAL_HANDLERS  # the composition hands requests over
    inspection_id = started(sessions, world)
    to_review(sessions, world, inspection_id, result_code="unreachable",
              follow_up="list_abnormal", abnormal_reason="4")
    step(sessions, world, inspection_id, "review_result", "zhang", decision="approve")
    with sessions() as session:
        row = session.get(Inspection, inspection_id)
        request = session.execute(select(AbnormalRequest)).scalar_one()
        entry = session.execute(select(CreditListEntry)).scalar_one()
        assert (entry.entity_id, entry.reason, entry.trigger_source, entry.status) == (
            row.entity_id, "4", "spot_check", ListStatus.PROPOSED)
        assert (request.inspection_id, request.state) == (
            inspection_id, f"proposed: list entry {entry.id}")
        assert inspection.abnormal_requests(session) == []  # none left waiting


def test_a_transfer_for_penalty_drafts_a_penalty_record_for_the_department(sessions, world):
    inspection_id = started(sessions, world)
    to_review(sessions, world, inspection_id, result_code="other_violation",
              other_department="卫生健康委", follow_up="penalty",
              penalty_facts="现场发现销售过期食品")
    step(sessions, world, inspection_id, "review_result", "zhang", decision="approve")
    with sessions() as session:
        draft = session.query(DisclosureRecord).filter_by(
            category="penalty", origin=f"inspection:{inspection_id}").one()
        assert draft.status == RecordStatus.DRAFT
        assert draft.fields["facts"] == "现场发现销售过期食品"
        [entry] = disclosure.open_steps(session, draft)
        assert entry.task_name == "complete_record"


def test_a_late_inspection_is_reminded_then_urged_by_the_joint_office(sessions, world):
    inspection_id = started(sessions, world)
    step(sessions, world, inspection_id, "prepare_inspection", "chen", notice="not_needed")
    with at(11, hour=23):
        assert sweep(sessions).fired == 0
    with at(12, hour=1):  # two working days before Friday 13 March, past its end
        assert sweep(sessions).fired == 1
    session, row = seen(sessions, inspection_id)
    with at(12):
        assert inspection.inspection_light(row, inspection.cases.calendar_of(session, row)
                                           ) == "green"
    session.close()
    with at(14, hour=1):
        assert sweep(sessions).fired == 1
    session, row = seen(sessions, inspection_id)
    assert sorted(steps(session, row)) == [("inspect", "chen"), ("urge_inspection", "supervisor")]
    urge = item_of(session, row, "urge_inspection")
    assert urge.candidate_org_id == world.units["530502-jmo"].id
    session.close()


def test_the_figures_count_tasks_targets_problems_and_timeliness(sessions, world):
    ids = [started(sessions, world) for _ in range(3)]
    to_review(sessions, world, ids[0], result_code="not_published", follow_up="none")
    step(sessions, world, ids[0], "review_result", "zhang", decision="approve")
    to_review(sessions, world, ids[1], result_code="unreachable", follow_up="none")
    step(sessions, world, ids[1], "review_result", "zhang", day(1, month=4),
         decision="approve")
    with sessions() as session:
        [figures] = inspection.spot_check_figures(
            session, world.users["zhang"], date(2026, 3, 1), date(2026, 3, 31))
        assert (figures.tasks, figures.tasks_done, figures.drawn, figures.checked) == (1, 0, 3, 2)
        assert (figures.published, figures.published_on_time) == (2, 1)
        assert figures.problems == {"not_published": 1, "unreachable": 1}
        assert inspection.spot_check_figures(  # another county's supervisor sees none
            session, world.users["zhao"], date(2026, 3, 1), date(2026, 3, 31)) == []


def test_a_result_unpublished_20_working_days_after_the_check_is_urged(sessions, world):
    inspection_id = started(sessions, world)
    to_review(sessions, world, inspection_id)
    session, row = seen(sessions, inspection_id)
    with at(30):  # 20 working days after Monday 2 March: Monday 30 March, the last day
        assert inspection.inspection_light(row, inspection.cases.calendar_of(session, row)
                                           ) == "yellow"
    session.close()
    with at(30, hour=23):
        assert sweep(sessions).fired == 0
    with at(31, hour=1):
        assert sweep(sessions).fired == 1
    session, row = seen(sessions, inspection_id)
    with at(31):
        assert inspection.inspection_light(row, inspection.cases.calendar_of(session, row)
                                           ) == "red"
    assert sorted(steps(session, row)) == [("review_result", "dept_admin"),
                                           ("urge_publication", "supervisor")]
    session.close()
    step(sessions, world, inspection_id, "urge_publication", "wang", day(31), measure="phone")
    step(sessions, world, inspection_id, "review_result", "zhang", day(31), decision="approve")
    session, row = seen(sessions, inspection_id)
    assert (row.status, row.publication_late_days) == ("published", 1)
    session.close()
