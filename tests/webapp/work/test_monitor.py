"""The supervisors' view: counts by department and area, the late list, reassign and urge."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine import runtime
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


NEXT_MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=CST)  # reviews due 5 March: 2 working days late


def row_html(html: str, item_id: int) -> str:
    return re.search(rf'<li class="work-row" data-item="{item_id}">(.*?)</li>', html, re.S).group(1)


def test_totals_line_tables_and_chart_data(login, app_sessions, traveller):
    longyang = [start_case(app_sessions) for _ in range(2)]
    start_case(app_sessions, "530581")
    traveller.move_to(NEXT_MONDAY)
    html = login("admin").get("/monitor/").get_data(as_text=True)
    assert "已超期 <strong>3</strong>" in html and "即将到期 <strong>0</strong>" in html
    # Readable without JavaScript: a table per area and per department, each count a link.
    assert re.search(r'隆阳区</a></td><td class="num"><a href="/monitor/\?kind=overdue&amp;'
                     r'area=530502">2</a>', html)
    assert re.search(r'腾冲市市场监管局</a></td><td class="num"><a href="[^"]+">1</a>', html)
    # The charts draw the same figures, from the app's own copy of ECharts.
    assert "/static/vendor/echarts/echarts.common.min.js" in html
    chart = json.loads(re.search(r'<script type="application/json" id="monitor-chart">(.*?)'
                                 r"</script>", html, re.S).group(1))
    assert chart["areas"]["names"] == ["隆阳区", "腾冲市"] and chart["areas"]["overdue"] == [2, 1]
    # Drill down: a bar's (or a count's) link lists that area only.
    drilled = login("admin").get(chart["areas"]["links"][0]).get_data(as_text=True)
    assert sorted(rows(drilled)) == sorted(item.id for item in longyang)
    assert "仅显示：隆阳区" in drilled


def test_each_row_says_department_days_overdue_and_holder(login, app_sessions, world,
                                                          traveller):
    unclaimed, held = start_case(app_sessions), start_case(app_sessions)
    with app_sessions() as session:
        runtime.claim(session, world.actor("chen"), held.id)
        session.commit()
    traveller.move_to(NEXT_MONDAY)
    html = login("wang").get("/monitor/").get_data(as_text=True)
    first, second = row_html(html, unclaimed.id), row_html(html, held.id)
    assert "隆阳区市场监管局" in first and "超期 2 个工作日" in first  # not 4 calendar days
    assert "未认领，承办单位：隆阳区市场监管局" in first
    assert "办理人：chen" in second


def test_reassign_choices_start_empty_and_hold_only_the_department(login, app_sessions,
                                                                   world, traveller):
    item = start_case(app_sessions)
    traveller.move_to(NEXT_MONDAY)
    html = row_html(login("admin").get("/monitor/").get_data(as_text=True), item.id)
    select = re.search(r"<select[^>]*>(.*?)</select>", html, re.S).group(1)
    assert select.startswith('<option value="">') and "selected" not in select
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups == ["隆阳区 · 隆阳区市场监管局", "隆阳区 · 登记注册科", "隆阳区 · 市场监管所"]
    offered = {int(i) for i in re.findall(r'value="user:(\d+)"', select)}
    assert offered == {world.users[name].id for name in ("chen", "yang", "zhang", "zhou", "sun")}
    assert not offered & {world.users[n].id for n in ("admin", "audit", "wang", "liu")}
    assert 'data-confirm="' in html


def test_the_server_refuses_a_reassign_outside_the_department(login, app_sessions, world,
                                                              traveller):
    item = start_case(app_sessions)
    traveller.move_to(NEXT_MONDAY)
    admin = login("admin")
    for target in ("audit", "wang"):
        response = admin.post(f"/tasks/{item.id}/assign",
                              {"target": f"user:{world.users[target].id}"})
        assert response.status_code == 403
        assert "任务只能在承办部门内改派" in response.get_data(as_text=True)
    with app_sessions() as session:
        assert session.get(WorkItem, item.id).assignee_id is None


def test_the_page_stays_small_with_many_late_items(login, app_sessions, traveller):
    for n in range(20):
        start_case(app_sessions, "530581" if n % 3 else "530502")
    traveller.move_to(NEXT_MONDAY)
    response = login("admin").get("/monitor/")
    html = response.get_data(as_text=True)
    assert len(rows(html)) == 15 and "第 1 页，共 2 页" in html
    assert len(response.get_data()) < 60 * 1024
