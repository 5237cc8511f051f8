"""A case through the engine, time moved across 调休 days: the copy-to notice answered in
time and late (reminded, urged), returned to the sender, guidance with its deadline timer,
nothing found; a dual notice's lead becoming a case; the figures."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from engine import audit, domains, unlicensed
from engine.calendar import calendar_for
from engine.db import settings_of
from engine.dual_notice import LEAD_HANDLERS, route_entities
from engine.dual_notice.notices import notice_claim, notice_record_outcome
from engine.models import UnlicensedCase, UnlicensedCopy, UnlicensedLead
from engine.runtime.timers import sweep
from tests.engine.unlicensed.helpers import report, state, steps
from tests.factories import CST, Change, World, make_entity, notices_of

pytestmark = pytest.mark.both_backends  # the timer sweep, the figures' SQL

IMPORT = audit.Actor("import", "test")


@pytest.fixture
def world(notice_world: World) -> World:
    return notice_world


def copied_case(sessions, world, when: datetime) -> int:
    with time_machine.travel(when, tick=False), sessions() as session:
        case = report(session, world)
        unlicensed.triage(session, world.actor("chen"), case.id, "permit", "HE-PUBLIC-PLACE",
                          "美容店未取得公共场所卫生许可")
        session.commit()
        return case.id


def test_a_copy_answered_in_time_is_handled_by_the_competent_department(sessions, world):
    case_id = copied_case(sessions, world, datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    with time_machine.travel(datetime(2026, 3, 6, 10, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        copy = unlicensed.answer_copy(session, world.actor("qian"), case_id, "accepted",
                                      "已接收，组织查处")
        session.commit()
        assert (copy.due_on, copy.on_time) == (date(2026, 3, 9), True)
        case = session.get_one(UnlicensedCase, case_id)
        assert (state(session, case), steps(session, case)) == ("investigation", ["investigate"])
        (item,) = unlicensed.open_steps(session, case)
        assert item.candidate_org_id == world.units["530502-health"].id
        unlicensed.investigate(session, world.actor("qian"), case_id, "none", "已停业，未发现")
        session.commit()
        assert (state(session, case), case.outcome) == ("closed", "no_violation")


def test_a_copy_returned_goes_back_to_the_senders_triage(sessions, world):
    case_id = copied_case(sessions, world, datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        unlicensed.answer_copy(session, world.actor("qian"), case_id, "returned",
                               "经营内容为理发，不需卫生许可")
        session.commit()
        case = session.get_one(UnlicensedCase, case_id)
        assert case.department_org_id == world.units["530502-amr"].id
        (item,) = unlicensed.open_steps(session, case)
        assert (item.task_name, item.candidate_org_id) == ("triage",
                                                           world.units["530502-amr"].id)
        assert state(session, case) == "triage"


def test_a_late_copy_is_reminded_urged_and_counted_late_across_a_make_up_sunday(
        sessions, world):
    # Copied Tuesday 15 September 2026: Sunday 20 is a make-up workday (调休), so the five
    # working days end on Monday 21.
    case_id = copied_case(sessions, world, datetime(2026, 9, 15, 9, 0, tzinfo=CST))
    with sessions() as session:
        (copy,) = session.execute(select(UnlicensedCopy)).scalars()
        assert copy.due_on == date(2026, 9, 21)
    with time_machine.travel(datetime(2026, 9, 19, 12, 0, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 0  # Saturday: not yet the reminder
    with time_machine.travel(datetime(2026, 9, 21, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 1  # the reminder: one working day left
    with time_machine.travel(datetime(2026, 9, 22, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 1  # the escalation
    with time_machine.travel(datetime(2026, 9, 22, 9, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        case = session.get_one(UnlicensedCase, case_id)
        urge = [i for i in unlicensed.open_steps(session, case) if i.task_name == "urge_copy"]
        assert urge[0].candidate_org_id == world.units["530502-jmo"].id
        unlicensed.complete_case_step(session, world.actor("wang"), urge[0].id,
                                      {"measure": "phone"})
        copy = unlicensed.answer_copy(session, world.actor("qian"), case_id, "accepted",
                                      "迟复：已接收")
        session.commit()
        assert copy.on_time is False
        calendar = calendar_for(session, settings_of(session), "530502")
        rows = {r.department: r for r in unlicensed.figures(
            session, world.users["admin"], date(2026, 9, 1), date(2026, 9, 30), calendar)}
        health = rows[world.units["530502-health"].name]
        assert (health.copies_received, health.answered_late, health.on_time_rate) == (1, 1, 0)
        assert rows[world.units["530502-amr"].name].opened == 1


def test_guidance_then_licensed_or_penalised_after_the_deadline(sessions, world):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        ids = []
        for _ in range(2):
            case = report(session, world, make_entity(session))
            unlicensed.triage(session, world.actor("chen"), case.id, "business_licence", None,
                              "未办理营业执照")
            unlicensed.investigate(session, world.actor("chen"), case.id, "guidance",
                                   "责令限期办理", guidance_days=10)
            session.commit()
            assert (state(session, case), case.guidance_due_on) == ("guidance",
                                                                    date(2026, 3, 16))
            assert steps(session, case) == []
            ids.append(case.id)
    with time_machine.travel(datetime(2026, 3, 16, 18, 0, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 0
    with time_machine.travel(datetime(2026, 3, 17, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 2
    with time_machine.travel(datetime(2026, 3, 17, 9, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        licensed, unlicensed_case = (session.get_one(UnlicensedCase, i) for i in ids)
        assert steps(session, licensed) == ["check_guidance"]
        unlicensed.check_guidance(session, world.actor("chen"), licensed.id, "yes")
        unlicensed.check_guidance(session, world.actor("chen"), unlicensed_case.id, "no")
        session.commit()
        assert (state(session, licensed), licensed.outcome) == ("closed", "rectified")
        assert (state(session, unlicensed_case), steps(session, unlicensed_case)) == (
            "penalty", ["decide_penalty"])


def test_a_dual_notice_lead_becomes_a_case_of_its_department(session, world, traveller):
    assert domains.COMPLETERS[unlicensed.PROCESS_KEY] is unlicensed.complete_case_step
    assert [unlicensed.case_from_lead] == LEAD_HANDLERS
    entity = make_entity(session, "印章刻制")
    route_entities(session, IMPORT, [Change(entity)])
    (notice,) = notices_of(session, entity)
    notice_claim(session, world.actor("hu"), notice.id)
    notice_record_outcome(session, world.actor("hu"), notice.id, "suspected_unlicensed",
                          note="现场已在刻章")
    session.commit()
    case = session.execute(select(UnlicensedCase)).scalar_one()
    lead = session.execute(select(UnlicensedLead)).scalar_one()
    assert (case.lead_id, case.source, case.entity_id) == (lead.id, "dual_notice", entity.id)
    assert case.department_org_id == world.units["530502-psb"].id
    assert "现场已在刻章" in case.summary
    (item,) = unlicensed.open_steps(session, case)
    assert (item.task_name, item.candidate_org_id) == ("triage", world.units["530502-psb"].id)
    assert unlicensed.convert_open_leads(session, IMPORT) == 0  # already a case


def test_leads_made_before_cases_are_converted_once(session, world, traveller, monkeypatch):
    monkeypatch.setattr("engine.dual_notice.notices.LEAD_HANDLERS", [])
    entity = make_entity(session, "印章刻制")
    route_entities(session, IMPORT, [Change(entity)])
    (notice,) = notices_of(session, entity)
    notice_claim(session, world.actor("hu"), notice.id)
    notice_record_outcome(session, world.actor("hu"), notice.id, "suspected_unlicensed")
    assert session.execute(select(UnlicensedCase)).first() is None
    assert unlicensed.convert_open_leads(session, IMPORT) == 1
    assert unlicensed.convert_open_leads(session, IMPORT) == 0
    session.commit()
    assert session.execute(select(UnlicensedCase.source)).scalar_one() == "dual_notice"


def test_late_triage_and_investigation_go_to_the_joint_meeting_office(sessions, world):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        case_id = report(session, world).id
    with time_machine.travel(datetime(2026, 3, 9, 18, 0, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 0  # due by the end of Monday 9 March
    with time_machine.travel(datetime(2026, 3, 10, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 1
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        case = session.get_one(UnlicensedCase, case_id)
        assert steps(session, case) == ["triage", "urge_triage"]
        unlicensed.triage(session, world.actor("chen"), case_id, "business_licence", None,
                          "迟延甄别：无营业执照")
        session.commit()
        # Triaged before the office urged: its urge is withdrawn from its inbox.
        assert steps(session, case) == ["investigate"]
    # Twenty working days from Tuesday 10 March end on Wednesday 8 April: 清明 (4 to 6 April)
    # is no working day.
    with time_machine.travel(datetime(2026, 4, 8, 18, 0, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 0
    with time_machine.travel(datetime(2026, 4, 9, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 1
    with sessions() as session:
        case = session.get_one(UnlicensedCase, case_id)
        assert steps(session, case) == ["investigate", "urge_investigation"]
