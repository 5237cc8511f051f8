"""The supervisors' monitor: totals by area and department, rows in working days, and where
late work may be handed (within its department, to people whose role can work it)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.calendar import Day, calendar_for, replace_years
from engine.config import Settings
from engine.errors import Forbidden, InvalidInput
from engine.models import Role, User, WorkItem, WorkItemStatus
from engine.org.units import add_user
from engine.runtime import assign
from engine.work.casework import assign_targets
from engine.work.monitor import monitor_page, monitor_totals
from engine.work.targets import reassign_choices
from tests.factories import PASSWORD, SETUP, start_sample

CST = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime(2026, 3, 6, 9, 0, tzinfo=CST)
NEXT_MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=CST)  # the reviews started on 2 March are late


def item_of(session, instance) -> WorkItem:
    return session.execute(select(WorkItem).where(
        WorkItem.instance_id == instance.id, WorkItem.status == WorkItemStatus.OPEN)).scalar_one()


def user(session, world, name: str) -> User:
    found = session.get(User, world.users[name].id)
    assert found is not None
    return found


@pytest.fixture
def late_work(session, world, traveller):
    """Two late reviews in 隆阳区, one in 腾冲市, and one 隆阳区 review due soon."""
    longyang = [item_of(session, start_sample(session)) for _ in range(2)]
    tengchong = item_of(session, start_sample(session, "530581"))
    traveller.move_to(FRIDAY)
    soon = item_of(session, start_sample(session))
    traveller.move_to(NEXT_MONDAY)
    session.commit()
    return {"longyang": longyang, "tengchong": tengchong, "soon": soon}


def calendar(session):
    return calendar_for(session, Settings())


def test_totals_by_area_and_department(session, world, late_work):
    city = monitor_totals(session, user(session, world, "admin"), calendar(session))
    assert (city.overdue, city.due_soon) == (3, 1)
    assert [(a.area_name, a.overdue, a.due_soon) for a in city.areas] == [
        ("隆阳区", 2, 1), ("腾冲市", 1, 0)]
    assert [(g.department_name, g.overdue, g.due_soon) for g in city.departments] == [
        ("隆阳区市场监管局", 2, 1), ("腾冲市市场监管局", 1, 0)]
    county = monitor_totals(session, user(session, world, "wang"), calendar(session))
    assert (county.overdue, county.due_soon) == (2, 1)
    assert [a.area_name for a in county.areas] == ["隆阳区"]


def test_days_overdue_count_working_days_of_the_items_area(session, world, late_work):
    # Due Thursday 5 March; on Monday 9 March that is two working days (Friday, Monday),
    # not four calendar days. 腾冲市 keeps Friday as a local holiday: one working day there.
    replace_years(session, "530581", [], [Day(date(2026, 3, 6), False, "local festival")],
                  "test")
    page = monitor_page(session, user(session, world, "admin"), calendar(session), "overdue")
    days = {row.item.id: row.workdays for row in page.rows}
    assert days[late_work["longyang"][0].id] == 2
    assert days[late_work["tengchong"].id] == 1
    soon = monitor_page(session, user(session, world, "admin"), calendar(session), "due_soon")
    assert [(row.item.id, row.workdays) for row in soon.rows] == [(late_work["soon"].id, 2)]


def test_rows_name_the_department_the_unit_and_the_holder(session, world, late_work):
    first, second = late_work["longyang"]
    assign(session, world.actor("zhang"), first.id, user_id=world.users["yang"].id)
    assign(session, world.actor("zhang"), second.id, org_unit_id=world.units["530502-amr-reg"].id)
    page = monitor_page(session, user(session, world, "wang"), calendar(session), "overdue")
    rows = {row.item.id: row for row in page.rows}
    assert rows[first.id].department_name == "隆阳区市场监管局"
    assert rows[first.id].area_name == "隆阳区"
    assert rows[first.id].holder_name == "yang"
    assert rows[second.id].holder_name is None
    assert rows[second.id].unit_name == "登记注册科"
    assert all(row.manages for row in page.rows)
    assert not any(row.manages for row in monitor_page(
        session, user(session, world, "chen"), calendar(session), "overdue").rows)


def test_the_list_narrows_to_a_department_or_an_area(session, world, late_work):
    admin = user(session, world, "admin")
    tengchong = monitor_page(session, admin, calendar(session), "overdue", area_code="530581")
    assert [row.item.id for row in tengchong.rows] == [late_work["tengchong"].id]
    amr = monitor_page(session, admin, calendar(session), "overdue",
                       department_id=world.units["530502-amr"].id)
    assert sorted(row.item.id for row in amr.rows) == sorted(i.id for i in late_work["longyang"])


def test_reassign_choices_are_the_department_grouped_by_unit_with_the_county(
        session, world, late_work):
    item = late_work["longyang"][0]
    (groups,) = [reassign_choices(session, user(session, world, "admin"), [item])[item.id]]
    assert [(g.area_name, g.unit.name) for g in groups] == [
        ("隆阳区", "隆阳区市场监管局"), ("隆阳区", "登记注册科"), ("隆阳区", "市场监管所")]
    people = {p.name for g in groups for p in g.people}
    assert people == {"chen", "yang", "zhang", "zhou", "sun"}  # not wang, admin, liu
    users, units = assign_targets(session, user(session, world, "wang"), item)
    assert {u.username for u in users} == people
    assert {u.code for u in units} == {"530502-amr", "530502-amr-reg", "530502-amr-st"}


def test_choices_of_many_items_share_their_department(session, world, late_work):
    items = [*late_work["longyang"], late_work["tengchong"]]
    choices = reassign_choices(session, user(session, world, "admin"), items)
    first, second = late_work["longyang"]
    assert choices[first.id] is choices[second.id]
    assert {p.name for g in choices[late_work["tengchong"].id] for p in g.people} == {"liu"}


def test_a_notice_for_one_department_offers_none_of_another(session, notice_world, traveller):
    item = item_of(session, start_sample(session, department_org="530502-psb"))
    users, _units = assign_targets(session, user(session, notice_world, "admin"), item)
    assert {u.username for u in users} == {"hu", "ma", "luo", "tian"}


def test_the_runtime_refuses_hands_outside_the_department(session, world, late_work):
    item = late_work["longyang"][0]
    with pytest.raises(Forbidden) as outside:
        assign(session, world.actor("admin"), item.id, user_id=world.users["wang"].id)
    assert outside.value.code == "outside_department"
    with pytest.raises(Forbidden) as unit:
        assign(session, world.actor("admin"), item.id, org_unit_id=world.units["530502-jmo"].id)
    assert unit.value.code == "outside_department"
    with pytest.raises(InvalidInput):  # beyond the county supervisor's scope, as before
        assign(session, world.actor("wang"), item.id, user_id=world.users["liu"].id)


def test_the_runtime_refuses_people_whose_role_cannot_work_the_task(session, world, late_work):
    watcher = add_user(session, SETUP, "watcher", "watcher", PASSWORD, "530502-amr",
                       [Role.AUDITOR])
    item = late_work["longyang"][0]
    with pytest.raises(Forbidden) as refused:
        assign(session, world.actor("wang"), item.id, user_id=watcher.id)
    assert refused.value.code == "cannot_work_task"
    assert watcher.id not in {p.id for g in reassign_choices(
        session, user(session, world, "wang"), [item])[item.id] for p in g.people}
    assign(session, world.actor("wang"), item.id, user_id=world.users["sun"].id)
    assert session.get(WorkItem, item.id).assignee_id == world.users["sun"].id
