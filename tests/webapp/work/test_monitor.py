"""The supervisors' view: counts by department and area, the late list, reassign and urge."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.models import Notification, NotificationKind, WorkItem
from tests.webapp.conftest import start_case

CST = ZoneInfo("Asia/Shanghai")
LATER = datetime(2026, 3, 6, 9, 0, tzinfo=CST)  # the review (due 5 March) is overdue


pytestmark = pytest.mark.usefixtures("traveller")


def rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="work-row" data-item="(\d+)"', html)]


def test_officers_have_no_supervision_page(login):
    assert login("chen").get("/monitor/").status_code == 404
    assert "督办" not in login("chen").get("/inbox/").get_data(as_text=True).split("<main>")[0]


def test_late_work_by_department_then_the_list(login, app_sessions, traveller):
    longyang = start_case(app_sessions)
    tengchong = start_case(app_sessions, "530581")
    traveller.move_to(LATER)
    html = login("wang").get("/monitor/").get_data(as_text=True)
    assert "隆阳区市场监管局" in html and "腾冲市市场监管局" not in html
    assert rows(html) == [longyang.id]
    city = login("admin").get("/monitor/").get_data(as_text=True)
    assert sorted(rows(city)) == sorted([longyang.id, tengchong.id])
    assert rows(login("admin").get("/monitor/?area=530581").get_data(as_text=True)) == [
        tengchong.id]
    assert rows(login("zhao").get("/monitor/?kind=due_soon").get_data(as_text=True)) == []


def test_department_filter_and_due_soon(login, app_sessions, world, traveller):
    item = start_case(app_sessions)
    traveller.move_to(datetime(2026, 3, 4, 9, 0, tzinfo=CST))
    supervisor = login("wang")
    department = world.units["530502-amr"].id
    html = supervisor.get(f"/monitor/?kind=due_soon&department={department}").get_data(
        as_text=True)
    assert rows(html) == [item.id]
    assert rows(supervisor.get("/monitor/?kind=overdue").get_data(as_text=True)) == []


def test_reassign_from_the_list(login, app_sessions, world, traveller):
    item = start_case(app_sessions)
    traveller.move_to(LATER)
    supervisor = login("wang")
    html = supervisor.get("/monitor/").get_data(as_text=True)
    assert f'value="user:{world.users["yang"].id}"' in html
    response = supervisor.post(f"/tasks/{item.id}/assign",
                               {"target": f"user:{world.users['yang'].id}"},
                               headers={"Referer": "http://localhost/monitor/"})
    assert response.headers["Location"] == "/monitor/"
    with app_sessions() as session:
        assert session.get(WorkItem, item.id).assignee_id == world.users["yang"].id
    assert "分派给您" in login("yang").get("/notifications/").get_data(as_text=True)


def test_urge_from_the_list_tells_the_candidates(login, app_sessions, world, traveller):
    item = start_case(app_sessions)
    traveller.move_to(LATER)
    login("wang").post(f"/tasks/{item.id}/urge")
    with app_sessions() as session:
        told = set(session.execute(select(Notification.user_id).where(
            Notification.kind == NotificationKind.URGED)).scalars())
    assert told == {world.users["chen"].id, world.users["yang"].id, world.users["zhang"].id}


def test_auditors_see_but_do_not_act(login, app_sessions, traveller):
    item = start_case(app_sessions)
    traveller.move_to(LATER)
    html = login("audit").get("/monitor/").get_data(as_text=True)
    assert rows(html) == [item.id]
    assert "urge-button" not in html and 'class="reassign"' not in html
    assert login("audit").post(f"/tasks/{item.id}/urge").status_code == 403
