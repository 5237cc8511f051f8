"""Feedback of the implementing departments (each department a triggered measure names, in
the area of the check) and the figures: triggered versus fed back per department."""

from __future__ import annotations

from datetime import date

import pytest

from engine import audit, credit_check
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import ListType, Role
from engine.org.units import add_user
from tests.engine.credit_check.entries import list_entry
from tests.factories import PASSWORD, SETUP, make_entity

pytestmark = pytest.mark.both_backends
# M09, the serious list's licence measure, names these implementing departments.
M09_DEPARTMENTS = ["amr", "culture", "eco", "emergency", "forestry", "health", "transport"]


@pytest.fixture
def world(notice_world):
    return notice_world


@pytest.fixture
def triggered(session, world, traveller):
    """chen (隆阳区市场监管局) checked two listed entities and one clean one for a licence."""
    credit_check.seed_catalogue(session, world.actor("admin"))
    listed = [make_entity(session) for _ in range(2)]
    for entity in listed:
        list_entry(session, entity, ListType.SERIOUS)
    clean = make_entity(session)
    unit = world.users["chen"].org_unit_id
    credit_check.check_codes(session, world.actor("chen"),
                             [e.uscc for e in [*listed, clean]], "licence", unit_id=unit)
    return listed


def test_every_implementing_department_of_the_area_sees_what_awaits_it(session, world,
                                                                        triggered):
    codes = sorted(e.uscc for e in triggered)
    for user in ("chen", "zhang", "qian"):  # the checker, its administrator, health
        inbox = credit_check.awaiting_feedback(session, world.users[user])
        assert sorted(p.hit.uscc for p in inbox) == codes, user
        assert {p.measure.code for p in inbox} == {"M09"}
    # Not named by M09 (the police), another area's regulator, the joint-meeting office:
    for user in ("hu", "liu", "wang"):
        assert credit_check.awaiting_feedback(session, world.users[user]) == [], user


def test_each_department_answers_once_for_itself(session, world, triggered):
    chen, qian = world.users["chen"], world.users["qian"]
    first, second = credit_check.awaiting_feedback(session, chen)
    credit_check.record_feedback(session, world.actor("chen"), chen, first.hit.id,
                                 "restricted", "")
    with pytest.raises(InvalidInput):
        credit_check.record_feedback(session, world.actor("chen"), chen, second.hit.id,
                                     "not_applicable", "")
    with pytest.raises(Conflict):
        credit_check.record_feedback(session, world.actor("zhang"), world.users["zhang"],
                                     first.hit.id, "not_applicable", "已由陈执法反馈")
    for outsider in ("hu", "liu"):
        with pytest.raises(NotFound):
            credit_check.record_feedback(session, world.actor(outsider), world.users[outsider],
                                         second.hit.id, "restricted", "")
    # health still owes both: chen's answer was the market regulator's, not health's
    assert len(credit_check.awaiting_feedback(session, qian)) == 2
    credit_check.record_feedback(session, world.actor("qian"), qian, first.hit.id,
                                 "not_applicable", "该许可事项不属本局审批")
    assert [p.hit.id for p in credit_check.awaiting_feedback(session, chen)] == [second.hit.id]
    assert [p.hit.id for p in credit_check.awaiting_feedback(session, qian)] == [second.hit.id]
    given = credit_check.feedback_of(session, [first.hit.id])[first.hit.id]
    assert [(name, f.outcome.value) for name, f in given] == [
        ("隆阳区市场监管局", "restricted"), ("隆阳区卫生健康委", "not_applicable")]


def test_the_figures_show_triggered_and_fed_back_per_department(session, world, triggered):
    chen, qian = world.users["chen"], world.users["qian"]
    first, _second = credit_check.awaiting_feedback(session, chen)
    credit_check.record_feedback(session, world.actor("chen"), chen, first.hit.id,
                                 "restricted", "")
    credit_check.record_feedback(session, world.actor("qian"), qian, first.hit.id,
                                 "not_applicable", "非本局审批事项")
    rows = {r.department: r for r in credit_check.feedback_figures(
        session, world.users["admin"], date(2026, 1, 1), date(2026, 3, 31))}
    assert len(rows) == len(M09_DEPARTMENTS)
    amr, health = rows["隆阳区市场监管局"], rows["隆阳区卫生健康委"]
    assert (amr.triggered, amr.fed_back, amr.restricted, amr.rate) == (2, 1, 1, 0.5)
    assert (health.triggered, health.fed_back, health.not_applicable) == (2, 1, 1)
    assert (rows["隆阳区生态环境局"].triggered, rows["隆阳区生态环境局"].fed_back) == (2, 0)
    # the area's office sees its departments; a department itself; another area's office none
    assert len(credit_check.feedback_figures(session, world.users["wang"], date(2026, 1, 1),
                                             date(2026, 3, 31))) == len(M09_DEPARTMENTS)
    (own,) = credit_check.feedback_figures(session, world.users["zhang"], date(2026, 1, 1),
                                           date(2026, 3, 31))
    assert own.department == "隆阳区市场监管局"
    assert credit_check.feedback_figures(session, world.users["zhao"], date(2026, 1, 1),
                                         date(2026, 3, 31)) == []
    assert credit_check.feedback_figures(session, world.users["admin"], date(2026, 4, 1),
                                         date(2026, 4, 30)) == []


def test_a_check_without_a_department_is_owed_by_the_listings_area(session, world, traveller):
    credit_check.seed_catalogue(session, world.actor("admin"))
    entity = make_entity(session)
    list_entry(session, entity, ListType.SERIOUS)
    credit_check.check_codes(session, world.actor("admin"), [entity.uscc], "procurement",
                             origin="diagram")  # M05: finance
    finance = add_user(session, SETUP, "cai", "cai", PASSWORD, "530502-finance", [Role.OFFICER])
    (pending,) = credit_check.awaiting_feedback(session, finance)
    assert pending.hit.uscc == entity.uscc
    assert credit_check.awaiting_feedback(session, world.users["chen"]) == []


def test_an_area_without_the_department_is_answered_by_the_city_then_its_office(
        session, world, traveller):
    """腾冲市 has a market regulator but none of M09's other departments: the city's answer
    for it; with no city forestry bureau either, 腾冲市's joint-meeting office answers."""
    credit_check.seed_catalogue(session, world.actor("admin"))
    session.delete(world.units["530500-forestry"])
    entity = make_entity(session, area="530581", registrar="530581-amr-reg")
    list_entry(session, entity, ListType.SERIOUS)
    credit_check.check_codes(session, world.actor("liu"), [entity.uscc], "licence",
                             unit_id=world.users["liu"].org_unit_id)
    city_health = add_user(session, SETUP, "he", "he", PASSWORD, "530500-health",
                           [Role.OFFICER])
    (own,) = credit_check.awaiting_feedback(session, world.users["liu"])
    assert (own.standing, own.answers_for) == ("own", ("amr",))
    (city,) = credit_check.awaiting_feedback(session, city_health)
    assert (city.hit.uscc, city.standing, city.area_code, city.answers_for) == (
        entity.uscc, "city", "530581", ("health",))
    (office,) = credit_check.awaiting_feedback(session, world.users["zhao"])
    assert (office.standing, office.answers_for) == ("office", ("forestry",))
    for user in ("qian", "wang", "chen"):  # 隆阳区's health, office and regulator owe nothing
        assert credit_check.awaiting_feedback(session, world.users[user]) == [], user
    credit_check.record_feedback(session, world.actor("zhao"), world.users["zhao"],
                                 office.hit.id, "not_applicable", "本地无林草部门，已转告")
    assert credit_check.awaiting_feedback(session, world.users["zhao"]) == []
    rows = {r.department: r for r in credit_check.feedback_figures(
        session, world.users["admin"], date(2026, 1, 1), date(2026, 3, 31))}
    assert (rows["腾冲市联席办"].triggered, rows["腾冲市联席办"].fed_back) == (1, 1)
    assert rows["保山市卫生健康委"].triggered == 1 and "腾冲市卫生健康委" not in rows


def test_the_city_department_keeps_to_areas_that_have_their_own(session, world, triggered):
    city_health = add_user(session, SETUP, "he", "he", PASSWORD, "530500-health",
                           [Role.OFFICER])
    assert credit_check.awaiting_feedback(session, city_health) == []
    owed_by_longyang = credit_check.awaiting_feedback(session, world.users["qian"])[0]
    with pytest.raises(NotFound):
        credit_check.record_feedback(session, audit.Actor("he", "test", city_health.id),
                                     city_health, owed_by_longyang.hit.id, "restricted", "")
