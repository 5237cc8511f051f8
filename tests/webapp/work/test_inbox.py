"""The inbox: tabs with counts, scope, order, lights, filters, paging and saved filters."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from engine import runtime
from engine.models import SavedFilter
from tests.webapp.conftest import start_case
from webapp import database

CST = ZoneInfo("Asia/Shanghai")


pytestmark = pytest.mark.usefixtures("traveller")


def count(html: str, tab: str) -> int:
    match = re.search(rf'data-tab="{tab}">.*?<span class="count">(\d+)</span>', html, re.S)
    return int(match.group(1))


def rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="work-row" data-item="(\d+)"', html)]


def test_claimable_items_of_my_unit_with_counts(login, case, traveller):
    html = login("chen").get("/inbox/?tab=claimable").get_data(as_text=True)
    assert rows(html) == [case.id]
    assert count(html, "claimable") == 1 and count(html, "mine") == 0
    assert "审查案件" in html and "尚无人认领" in html


def test_an_officer_of_another_county_sees_nothing(login, case, traveller):
    html = login("liu").get("/inbox/?tab=claimable").get_data(as_text=True)
    assert rows(html) == [] and count(html, "claimable") == 0


def test_claimed_items_move_to_mine(login, case, app_sessions, world, traveller):
    with app_sessions() as session:
        runtime.claim(session, world.actor("chen"), case.id)
        session.commit()
    html = login("chen").get("/inbox/").get_data(as_text=True)
    assert rows(html) == [case.id] and count(html, "mine") == 1
    assert count(login("yang").get("/inbox/?tab=claimable").get_data(as_text=True),
                 "claimable") == 0


def test_lights_and_due_soon_and_overdue(login, case, traveller):
    officer = login("chen")
    assert "light-green" in officer.get("/inbox/?tab=claimable").get_data(as_text=True)
    traveller.move_to(datetime(2026, 3, 4, 9, 0, tzinfo=CST))  # one working day left
    officer = login("chen")  # a sign-in lasts 12 hours
    html = officer.get("/inbox/?tab=due_soon").get_data(as_text=True)
    assert rows(html) == [case.id] and "light-yellow" in html
    traveller.move_to(datetime(2026, 3, 6, 9, 0, tzinfo=CST))
    html = login("chen").get("/inbox/?tab=overdue").get_data(as_text=True)
    assert rows(html) == [case.id] and "light-red" in html and count(html, "due_soon") == 0


def test_overdue_first_then_by_due_date(login, app_sessions, traveller):
    first = start_case(app_sessions)
    traveller.move_to(datetime(2026, 3, 3, 9, 0, tzinfo=CST))
    second = start_case(app_sessions)
    traveller.move_to(datetime(2026, 3, 5, 9, 0, tzinfo=CST))
    third = start_case(app_sessions)
    traveller.move_to(datetime(2026, 3, 6, 9, 0, tzinfo=CST))  # first is overdue now
    assert rows(login("chen").get("/inbox/?tab=claimable").get_data(as_text=True)) == [
        first.id, second.id, third.id]


def test_filters_by_entity_due_range_and_process(login, app_sessions, world, traveller):
    from engine.models import MarketEntity

    with app_sessions() as session:
        entity = MarketEntity(uscc="91530502MA6K0000XB", name="保山永昌餐饮", area_code="530502")
        session.add(entity)
        session.commit()
        entity_id = entity.id
    plain = start_case(app_sessions)
    from engine.runtime import start_process
    from tests.factories import SETUP, case_data

    with app_sessions() as session:
        instance = start_process(session, SETUP, "sample_review", data=case_data(),
                                 entity_id=entity_id, area_code="530502")
        session.commit()
        instance_id = instance.id
    officer = login("chen")
    html = officer.get("/inbox/?tab=claimable&entity=永昌").get_data(as_text=True)
    assert len(rows(html)) == 1 and plain.id not in rows(html)
    assert "保山永昌餐饮" in html and "91530502MA6K0000XB" in html
    assert len(rows(officer.get("/inbox/?tab=claimable&entity=91530502").get_data(
        as_text=True))) == 1
    assert rows(officer.get("/inbox/?tab=claimable&due_from=2026-03-06").get_data(
        as_text=True)) == []
    assert len(rows(officer.get("/inbox/?tab=claimable&due_from=2026-03-05&due_to=2026-03-05"
                                "&process_key=sample_review&priority=2").get_data(
        as_text=True))) == 2
    assert instance_id


def test_bad_filter_values_are_shown_not_fatal(login, case, traveller):
    response = login("chen").get("/inbox/?tab=claimable&due_from=yesterday")
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.get_data(as_text=True)


def test_a_sign_in_expires_after_12_hours(login, traveller):
    officer = login("chen")
    traveller.shift(11 * 3600)
    assert officer.get("/inbox/").status_code == 200
    traveller.shift(13 * 3600)
    assert officer.get("/inbox/").status_code == 302


def test_paging(login, app_sessions, traveller, monkeypatch):
    monkeypatch.setattr("webapp.work.inbox.PER_PAGE", 2)
    made = [start_case(app_sessions).id for _ in range(5)]
    officer = login("chen")
    pages = [rows(officer.get(f"/inbox/?tab=claimable&page={n}").get_data(as_text=True))
             for n in (1, 2, 3)]
    assert [i for page in pages for i in page] == made
    assert "第 1 页，共 3 页" in officer.get("/inbox/?tab=claimable").get_data(as_text=True)


def test_done_recently(login, case, app_sessions, world, traveller):
    with app_sessions() as session:
        runtime.complete(session, world.actor("chen"), case.id,
                         {"decision": "approve", "opinion": "同意"})
        session.commit()
    assert rows(login("chen").get("/inbox/?tab=done").get_data(as_text=True)) == [case.id]
    assert rows(login("yang").get("/inbox/?tab=done").get_data(as_text=True)) == []


def test_save_use_and_delete_a_filter(login, case, app_sessions, traveller):
    officer = login("chen")
    response = officer.post("/inbox/filters", {"name": "本周到期", "tab": "claimable",
                                               "due_to": "2026-03-06"})
    assert response.headers["Location"] == "/inbox/?tab=claimable&due_to=2026-03-06"
    html = officer.get("/inbox/").get_data(as_text=True)
    assert "本周到期" in html and "due_to=2026-03-06" in html
    assert "本周到期" not in login("yang").get("/inbox/").get_data(as_text=True)
    with app_sessions() as session:
        saved = session.execute(select(SavedFilter)).scalar_one()
        assert saved.params == {"due_to": "2026-03-06"} and saved.tab == "claimable"
    assert login("yang").post(f"/inbox/filters/{saved.id}/delete").status_code == 404
    officer.post(f"/inbox/filters/{saved.id}/delete")
    assert "本周到期" not in officer.get("/inbox/").get_data(as_text=True)


def test_managers_see_overdue_items_of_their_scope(login, case, traveller):
    traveller.move_to(datetime(2026, 3, 6, 9, 0, tzinfo=CST))
    assert rows(login("zhang").get("/inbox/?tab=overdue").get_data(as_text=True)) == [case.id]
    assert rows(login("wang").get("/inbox/?tab=overdue").get_data(as_text=True)) == [case.id]
    assert rows(login("zhao").get("/inbox/?tab=overdue").get_data(as_text=True)) == []


def test_a_page_asks_for_the_user_once_and_the_counts_once(app, login, case, traveller):
    """What every page pays: the signed-in user with unit and roles in one statement; the
    inbox without a tab counts the tabs once, to choose one and to show them, and the
    header's unread notifications with them."""
    officer = login("chen")
    sent: list[str] = []
    event.listen(database.engine(app), "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: sent.append(statement))
    html = officer.get("/inbox/").get_data(as_text=True)
    assert rows(html) == [case.id] and count(html, "claimable") == 1
    user_rows = [s for s in sent if "FROM user_account" in s and "user_role" in s]
    assert len(user_rows) == 1 and not any(s.lstrip().startswith("SELECT user_role")
                                           for s in sent)
    assert sum("count(*)" in s and "FROM work_item" in s for s in sent) == 1
    counted = next(s for s in sent if "count(*)" in s and "FROM work_item" in s)
    assert "FROM notification" in counted
    assert sum("FROM notification" in s for s in sent) == 1
