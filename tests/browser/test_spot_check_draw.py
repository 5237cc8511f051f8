"""On a phone, a department administrator creates a spot-check task, sees its number, is
asked before the draw (a "no" draws nothing), then draws and reads the sealed record; the
pages fit 375 px."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.models import SpotCheckDraw
from tests.browser.conftest import sign_in
from tests.spot_check_world import add_entities, add_item, add_officers

WIDER = "document.documentElement.scrollWidth > window.innerWidth"


def draws(server_sessions) -> int:  # type: ignore[no-untyped-def]
    with server_sessions() as session:
        return session.execute(select(func.count(SpotCheckDraw.id))).scalar_one()


def test_an_administrator_creates_a_task_and_draws_on_a_phone(
        server, server_sessions, world, new_page):
    with server_sessions() as session:
        add_item(session, "食品-01")
        add_entities(session, 30)
        add_officers(session, world, 4)
        session.commit()
    page = new_page(width=375, height=740)
    sign_in(page, server, "zhang")
    page.goto(f"{server}/spot-checks/tasks/new")
    assert not page.evaluate(WIDER)
    page.fill("#title", "2026年食品经营者抽查")
    page.select_option("#items", index=0)
    page.fill("#inspection_date", "2026-03-16")
    page.fill("#deadline", "2026-04-30")
    page.fill("#ratio_percent", "10")
    with page.expect_navigation():
        page.click("#create-task")
    assert "隆市监抽查〔2026〕1号" in page.inner_text("#task-number")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#draw")
    assert asked and "封存" in asked[0]
    assert draws(server_sessions) == 0
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#draw")
    assert draws(server_sessions) == 1
    assert page.locator("table.targets tbody tr").count() == 3
    assert page.locator("#sealed .hash").count() == 4
    assert not page.evaluate(WIDER), "the sealed record fits the phone"
    for url in ("/spot-checks/", "/spot-checks/items", "/spot-checks/officers"):
        page.goto(f"{server}{url}")
        assert not page.evaluate(WIDER), url
