"""The supervisors' monitor in a browser: charts drawn, reassign choices searchable, and a
phone page no wider than the phone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from engine import clock
from engine.models import WorkItem
from tests.browser.conftest import sign_in
from tests.factories import start_sample


def late_work(server_sessions) -> None:  # type: ignore[no-untyped-def]
    with server_sessions() as session:
        for n in range(6):
            start_sample(session, "530581" if n % 2 else "530502")
        session.execute(update(WorkItem).values(due_at=clock.now() - timedelta(days=3)))
        session.commit()


def test_the_monitor_draws_its_charts_at_1280_and_375(server, server_sessions, new_page):
    late_work(server_sessions)
    for width in (1280, 375):
        page = new_page(width=width, height=800)
        sign_in(page, server, "admin")
        page.goto(f"{server}/monitor/")
        page.wait_for_selector("[data-chart=areas] canvas")
        assert page.locator("[data-chart=departments] canvas").count() == 1
        assert page.locator(".work-row").count() == 6
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"the page is {overflow} px wide at {width} px"
        assert page.locator("select[name=target]").first.input_value() == ""


def test_a_phone_searches_the_reassign_choices(server, server_sessions, world, new_page):
    late_work(server_sessions)
    page = new_page(width=375, height=740)
    sign_in(page, server, "wang")
    page.goto(f"{server}/monitor/")
    row = page.locator(".work-row").first
    search = row.locator(".reassign input[type=search]")
    search.fill("zhou")
    options = row.locator("select[name=target] option")
    assert options.all_inner_texts()[1:] == ["zhou"]
    search.fill("")
    assert options.count() == 9  # choose, 3 units, 5 people
    row.locator("select[name=target]").select_option(f"user:{world.users['zhou'].id}")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    row.locator("button", has_text="改派").click()
    assert asked and "改派" in asked[0]
