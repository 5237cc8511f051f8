"""The monitor with dual notices: each row names its licence item, and a notice of one
department is never offered to (nor accepted for) people of another."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine import audit
from engine.dual_notice.routing import route_entities
from engine.models import DualNotice, WorkItem, WorkItemStatus
from tests.factories import Change, make_entity, notices_of
from tests.webapp.dual_notice import notice_world

world = notice_world.world  # fixture
pytestmark = pytest.mark.usefixtures("traveller")
CST = ZoneInfo("Asia/Shanghai")
MONTH_LATER = datetime(2026, 4, 2, 9, 0, tzinfo=CST)


@pytest.fixture
def police_notice(app_sessions) -> tuple[WorkItem, str]:
    """A seal-engraving registration pushed to the 隆阳区 police (公安局), and its licence item."""
    with app_sessions() as session:
        entity = make_entity(session, "印章刻制")
        route_entities(session, audit.Actor("test:import", "test"), [Change(entity)])
        (notice,) = notices_of(session, entity)
        session.commit()
        item = session.execute(select(WorkItem).where(
            WorkItem.instance_id == notice.instance_id,
            WorkItem.status == WorkItemStatus.OPEN)).scalar_one()
        return item, notice.licence_item_name


def row_of(html: str, item_id: int) -> str:
    return re.search(rf'<li class="work-row" data-item="{item_id}">(.*?)</li>', html, re.S).group(1)


def test_a_late_notice_names_its_licence_item_and_department(login, police_notice, traveller):
    item, licence = police_notice
    traveller.move_to(MONTH_LATER)
    row = row_of(login("admin").get("/monitor/").get_data(as_text=True), item.id)
    assert f'<strong class="task-title">{licence}</strong>' in row
    assert "隆阳区公安局" in row and "个工作日" in row


def test_a_police_notice_is_offered_to_police_only(login, police_notice, world, traveller):
    item, _licence = police_notice
    traveller.move_to(MONTH_LATER)
    row = row_of(login("wang").get("/monitor/").get_data(as_text=True), item.id)
    offered = {int(i) for i in re.findall(r'value="user:(\d+)"', row)}
    assert offered == {world.users[name].id for name in ("hu", "ma", "luo", "tian")}
    assert re.findall(r'<optgroup label="([^"]+)">', row) == [
        "隆阳区 · 隆阳区公安局", "隆阳区 · 永昌派出所"]


def test_the_server_refuses_a_police_notice_for_a_market_officer(login, app_sessions,
                                                                  police_notice, world,
                                                                  traveller):
    item, _licence = police_notice
    traveller.move_to(MONTH_LATER)
    response = login("wang").post(f"/tasks/{item.id}/assign",
                                  {"target": f"user:{world.users['chen'].id}"})
    assert response.status_code == 403
    assert "任务只能在承办部门内改派" in response.get_data(as_text=True)
    with app_sessions() as session:
        assert session.get(WorkItem, item.id).assignee_id is None
        assert session.execute(select(DualNotice.state)).scalar_one().value == "pushed"


def test_an_english_page_names_the_licence_item_and_the_step_in_english(login, police_notice,
                                                                        traveller):
    item, licence = police_notice
    traveller.move_to(MONTH_LATER)
    admin = login("admin")
    admin.post("/auth/language", {"locale": "en"})
    row = row_of(admin.get("/monitor/").get_data(as_text=True), item.id)
    title = re.search(r'<strong class="task-title">([^<]+)</strong>', row).group(1)
    assert title != licence and not re.search(r"[\u4e00-\u9fff]", title)
    assert "working days overdue" in row and "Claim or return" in row
