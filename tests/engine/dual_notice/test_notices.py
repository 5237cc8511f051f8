"""Working dual notices: claim, dispatch, outcome, return, re-route, terminate, revoke, lights."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from engine import audit
from engine.calendar import calendar_for
from engine.db import settings_of
from engine.dual_notice.lights import notice_light
from engine.dual_notice.notices import (
    complete_notice_task,
    get_notice,
    notice_claim,
    notice_dispatch,
    notice_record_outcome,
    notice_reroute,
    notice_return,
    notice_revoke_claim,
    notice_terminate,
)
from engine.dual_notice.routing import route_entities
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    AuditEvent,
    InstanceStatus,
    NoticeState,
    ProcessInstance,
    SupervisionEntry,
    UnlicensedLead,
    WorkItem,
    WorkItemStatus,
)
from engine.runtime.timers import sweep
from tests.factories import (
    CST,
    MONDAY,
    Change,
    make_entity,
    notices_of,
    open_items,
)

IMPORT = audit.Actor("test:import", "test")


def seal_notice(session, scope: str = "印章刻制"):
    """A registration whose scope needs one licence: the police's (公章刻制)."""
    entity = make_entity(session, scope)
    route_entities(session, IMPORT, [Change(entity)])
    (notice,) = notices_of(session, entity)
    return notice


def tasks(session, notice) -> list[str]:
    return [item.task_name for item in open_items(session, notice)]


def test_a_claim_puts_the_entity_in_the_departments_directory(session, world, traveller):
    notice = seal_notice(session)
    notice_claim(session, world.actor("hu"), notice.id)
    assert (notice.state, notice.live, notice.claimed_at) == (NoticeState.CLAIMED, True, MONDAY)
    (item,) = open_items(session, notice)
    assert (item.task_name, item.candidate_org_id) == ("record_outcome",
                                                      world.units["530502-psb"].id)
    entry = session.execute(select(SupervisionEntry)).scalar_one()
    assert (entry.department_org_id, entry.entity_id, entry.active) == (
        world.units["530502-psb"].id, notice.entity_id, True)
    with pytest.raises(Conflict):
        notice_claim(session, world.actor("ma"), notice.id)
    events = session.execute(select(AuditEvent.action, AuditEvent.actor).where(
        AuditEvent.object_type == "dual_notice")).all()
    assert events == [("notice.claim", "hu")]


def test_claim_then_dispatch_to_an_officer_who_records_the_licence(session, world, traveller):
    notice = seal_notice(session)
    notice_claim(session, world.actor("hu"), notice.id)
    notice_dispatch(session, world.actor("luo"), notice.id, user_id=world.users["tian"].id)
    (item,) = open_items(session, notice)
    assert (notice.state, item.assignee_id) == (NoticeState.DISPATCHED, world.users["tian"].id)
    with pytest.raises(Conflict):  # held by tian now
        notice_record_outcome(session, world.actor("ma"), notice.id, "not_applied")
    notice_record_outcome(session, world.actor("tian"), notice.id, "granted",
                          licence_no="保公特(刻)字2026001", licence_date="2026-02-27")
    assert (notice.state, notice.live, notice.outcome, notice.licence_no, notice.licence_date) == (
        NoticeState.CLOSED, False, "granted", "保公特(刻)字2026001", date(2026, 2, 27))
    instance = session.get(ProcessInstance, notice.instance_id)
    assert instance.status == InstanceStatus.COMPLETED and tasks(session, notice) == []


def test_an_officer_dispatches_to_a_station_only_within_the_department(session, world, traveller):
    notice = seal_notice(session)
    notice_claim(session, world.actor("hu"), notice.id)
    with pytest.raises(InvalidInput) as outside:
        notice_dispatch(session, world.actor("hu"), notice.id,
                        org_unit_id=world.units["530502-amr-st"].id)
    assert outside.value.details["fields"] == {"target": "outside_department"}
    notice_dispatch(session, world.actor("hu"), notice.id,
                    org_unit_id=world.units["530502-psb-st"].id)
    (item,) = open_items(session, notice)
    assert (item.candidate_org_id, item.assignee_id) == (world.units["530502-psb-st"].id, None)
    notice_record_outcome(session, world.actor("tian"), notice.id, "not_applied")
    assert notice.state == NoticeState.CLOSED and notice.licence_no is None


def test_a_granted_licence_needs_its_number_and_a_past_date(session, world, traveller):
    notice = seal_notice(session)
    notice_claim(session, world.actor("hu"), notice.id)
    with pytest.raises(InvalidInput) as missing:
        notice_record_outcome(session, world.actor("hu"), notice.id, "granted")
    assert missing.value.details["fields"] == {"licence_no": "required",
                                               "licence_date": "required"}
    with pytest.raises(InvalidInput) as future:
        notice_record_outcome(session, world.actor("hu"), notice.id, "granted",
                              licence_no="X1", licence_date=date(2026, 3, 3))
    assert future.value.details["fields"] == {"licence_date": "in_the_future"}
    assert notice.state == NoticeState.CLAIMED


def test_suspected_unlicensed_operation_opens_a_lead(session, world, traveller):
    notice = seal_notice(session)
    notice_claim(session, world.actor("hu"), notice.id)
    notice_record_outcome(session, world.actor("hu"), notice.id, "suspected_unlicensed",
                          note="现场已在刻章")
    lead = session.execute(select(UnlicensedLead)).scalar_one()
    assert (lead.notice_id, lead.entity_id, lead.source, lead.state) == (
        notice.id, notice.entity_id, "dual_notice", "open")
    assert "特种行业许可（公章刻制）" in lead.summary and "现场已在刻章" in lead.summary


def test_return_then_reroute_then_claim(session, world, traveller):
    notice = seal_notice(session)
    notice_return(session, world.actor("hu"), notice.id, 1, "本户实为理发店，不刻章")
    assert (notice.state, notice.live, notice.return_reason) == (NoticeState.RETURNED, True, 1)
    (item,) = open_items(session, notice)
    assert (item.task_name, item.candidate_org_id) == ("handle_return",
                                                      world.units["530502-amr-reg"].id)
    with pytest.raises(InvalidInput):  # back to the same department
        notice_reroute(session, world.actor("zhou"), notice.id, world.units["530502-psb"].id)
    moved = notice_reroute(session, world.actor("zhou"), notice.id,
                           world.units["530502-health"].id, licence_item="HE-PUBLIC-PLACE")
    assert (notice.state, notice.live) == (NoticeState.REROUTED, False)
    assert (moved.state, moved.live, moved.routed, moved.previous_id, moved.licence_item) == (
        NoticeState.PUSHED, True, "manual", notice.id, "HE-PUBLIC-PLACE")
    assert session.get(ProcessInstance, notice.instance_id).status == InstanceStatus.COMPLETED
    notice_claim(session, world.actor("qian"), moved.id)
    assert moved.state == NoticeState.CLAIMED


def test_rerouting_to_a_department_that_has_the_item_already_is_a_conflict(
        session, world, traveller):
    entity = make_entity(session, "住宿服务")
    route_entities(session, IMPORT, [Change(entity)])
    hotel = next(n for n in notices_of(session, entity) if n.licence_item == "PS-HOTEL")
    notice_return(session, world.actor("hu"), hotel.id, 0, "无此许可事项")
    with pytest.raises(Conflict):
        notice_reroute(session, world.actor("zhou"), hotel.id, world.units["530502-health"].id,
                       licence_item="HE-PUBLIC-PLACE")


def test_return_then_terminate(session, world, traveller):
    notice = seal_notice(session)
    notice_return(session, world.actor("hu"), notice.id, "2", "住所不在本辖区")
    notice_terminate(session, world.actor("zhou"), notice.id, "申请人已变更住所")
    assert (notice.state, notice.live, notice.closed_at) == (NoticeState.TERMINATED, False,
                                                             MONDAY)
    assert session.get(ProcessInstance, notice.instance_id).status == InstanceStatus.COMPLETED


def test_a_return_needs_a_reason_code_and_a_note(session, world, traveller):
    notice = seal_notice(session)
    with pytest.raises(InvalidInput) as bad:
        notice_return(session, world.actor("hu"), notice.id, 5, "x")
    assert bad.value.details["fields"] == {"return_reason": "required"}
    with pytest.raises(InvalidInput) as no_note:
        notice_return(session, world.actor("hu"), notice.id, 0, " ")
    assert no_note.value.details["fields"] == {"return_note": "required"}
    notice_return(session, world.actor("hu"), notice.id, 0, "无此事项")
    with pytest.raises(Forbidden):  # only the registrar ends the push
        notice_terminate(session, world.actor("hu"), notice.id)


def test_the_department_administrator_revokes_a_claim(session, world, traveller):
    notice = seal_notice(session)
    notice_claim(session, world.actor("hu"), notice.id)
    with pytest.raises(Forbidden):
        notice_revoke_claim(session, world.actor("hu"), notice.id)
    notice_revoke_claim(session, world.actor("luo"), notice.id, "认领人员错误")
    assert (notice.state, notice.claimed_at, notice.live) == (NoticeState.PUSHED, None, True)
    assert tasks(session, notice) == ["claim_or_return"]
    cancelled = session.execute(select(WorkItem.status).where(
        WorkItem.instance_id == notice.instance_id, WorkItem.task_name == "record_outcome"))
    assert cancelled.scalar_one() == WorkItemStatus.CANCELLED
    assert session.execute(select(SupervisionEntry.active)).scalar_one() is False
    with pytest.raises(Conflict):
        notice_revoke_claim(session, world.actor("luo"), notice.id)
    notice_claim(session, world.actor("ma"), notice.id)
    assert session.execute(select(SupervisionEntry.active)).scalar_one() is True


def test_only_those_in_scope_see_a_notice(session, world, traveller):
    notice = seal_notice(session)
    with pytest.raises(NotFound):
        get_notice(session, world.actor("liu"), notice.id)  # 腾冲 AMR
    with pytest.raises(NotFound):
        notice_claim(session, world.actor("qian"), notice.id)  # another department
    assert get_notice(session, world.actor("wang"), notice.id) is notice  # the area's office
    assert get_notice(session, world.actor("zhou"), notice.id) is notice  # the registrar


def test_task_page_submits_go_through_the_notice_functions(session, world, traveller):
    notice = seal_notice(session)
    (claim,) = open_items(session, notice)
    with pytest.raises(InvalidInput):
        complete_notice_task(session, world.actor("hu"), claim.id, {"decision": "maybe"})
    complete_notice_task(session, world.actor("hu"), claim.id, {"decision": "claim"})
    (outcome,) = open_items(session, notice)
    complete_notice_task(session, world.actor("hu"), outcome.id, {
        "outcome": "granted", "licence_no": "保公2026-7", "licence_date": "2026-03-02"})
    assert (notice.state, notice.licence_no) == (NoticeState.CLOSED, "保公2026-7")


@pytest.mark.parametrize(("today", "light"), [
    (datetime(2026, 3, 11, 18, 0, tzinfo=CST), "green"),  # the 7th working day
    (datetime(2026, 3, 12, 9, 0, tzinfo=CST), "yellow"),  # the 8th
    (datetime(2026, 3, 16, 9, 0, tzinfo=CST), "yellow"),  # the 10th
    (datetime(2026, 3, 17, 9, 0, tzinfo=CST), "red"),  # the 11th
])
def test_lights_count_working_days_since_the_push(session, world, today, light):
    with time_machine.travel(MONDAY, tick=False):
        notice = seal_notice(session)
    with time_machine.travel(today, tick=False):
        assert notice_light(notice, calendar_for(session, settings_of(session))) == light


def test_a_claim_stops_the_light(session, world):
    with time_machine.travel(MONDAY, tick=False):
        notice = seal_notice(session)
    with time_machine.travel(datetime(2026, 3, 12, 9, 0, tzinfo=CST), tick=False):
        notice_claim(session, world.actor("hu"), notice.id)
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=CST), tick=False):
        assert notice_light(notice, calendar_for(session, settings_of(session))) == "yellow"


# --- deadlines fired by the timer sweep, across the Spring Festival make-up Saturday --------

THURSDAY = datetime(2026, 2, 5, 9, 0, tzinfo=CST)


def open_tasks(sessions, notice_id) -> list[tuple[str, str]]:
    with sessions() as session:
        notice = get_notice(session, IMPORT, notice_id)
        return [(i.task_name, i.candidate_role) for i in open_items(session, notice)]


def test_yellow_reminds_and_red_escalates_counting_the_make_up_saturday(sessions, world):
    # Pushed Thursday 5 February 2026. Working days after it: 6, 9-13, Saturday 14 (调休,
    # the 7th), then the Spring Festival (15-23), Tuesday 24 (8th) ... Friday 27 (11th).
    with time_machine.travel(THURSDAY, tick=False), sessions() as session:
        notice_id = seal_notice(session).id
        session.commit()
    with time_machine.travel(datetime(2026, 2, 23, 23, 0, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 0
    with time_machine.travel(datetime(2026, 2, 24, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 1
        with sessions() as session:
            notice = get_notice(session, IMPORT, notice_id)
            assert notice_light(notice, calendar_for(session, settings_of(session))) == "yellow"
    assert open_tasks(sessions, notice_id) == [("claim_or_return", "officer")]
    with time_machine.travel(datetime(2026, 2, 26, 23, 59, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 0
    with time_machine.travel(datetime(2026, 2, 27, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 1
    assert open_tasks(sessions, notice_id) == [("claim_or_return", "officer"),
                                               ("urge_claim", "supervisor")]
    with sessions() as session:
        urge = session.execute(select(WorkItem).where(WorkItem.task_name == "urge_claim"))
        assert urge.scalar_one().candidate_org_id == world.units["530502-jmo"].id
    with time_machine.travel(datetime(2026, 2, 27, 9, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        notice_claim(session, world.actor("hu"), notice_id)
        session.commit()
    assert open_tasks(sessions, notice_id) == [("record_outcome", "officer")]
    with sessions() as session:
        fired = session.execute(select(AuditEvent.summary).where(
            AuditEvent.action == "timer.fire")).scalars().all()
        assert [f["event"] for f in fired] == ["超过认领期限（黄灯） Claim overdue (yellow)",
                                               "超过10个工作日（红灯） Past 10 working days (red)"]
        assert audit.verify(session).broken is None
