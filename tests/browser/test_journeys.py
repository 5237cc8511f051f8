"""Real journeys in headless chromium: an officer's case from inbox to done, a supervisor's day."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from engine import clock
from engine.models import MarketEntity, WorkItem, WorkItemStatus
from engine.runtime import start_process
from tests.browser.conftest import sign_in
from tests.factories import SETUP, case_data
from tests.webapp.conftest import open_item, start_case


def start_entity_case(sessions, name: str, uscc: str):  # type: ignore[no-untyped-def]
    with sessions() as session:
        entity = MarketEntity(uscc=uscc, name=name, area_code="530502", phone="13900001111",
                              business_scope="餐饮服务")
        session.add(entity)
        session.flush()
        instance = start_process(session, SETUP, "sample_review", data=case_data(),
                                 entity_id=entity.id, area_code="530502")
        session.commit()
        return open_item(session, instance)


def test_officer_filters_claims_fixes_the_form_and_completes(server, server_sessions, new_page):
    wanted = start_entity_case(server_sessions, "保山永昌餐饮有限公司", "91530502MA6K0000XB")
    start_entity_case(server_sessions, "隆阳兰城百货商行", "92530502MA6K00010P")
    page = new_page()
    sign_in(page, server, "chen")
    page.click("a[data-tab=claimable]")
    assert page.locator(".work-row").count() == 2
    page.click("details.filters summary")
    page.fill("#entity", "永昌")
    page.click("form.filter-form button.primary")
    rows = page.locator(".work-row")
    assert rows.count() == 1 and "保山永昌餐饮有限公司" in rows.inner_text()
    rows.locator("a").click()
    page.click("#claim")
    assert "您已认领该任务" in page.inner_text(".flash")
    page.select_option("#decision", "approve")
    page.fill("#opinion", "好")  # too short
    page.click("#complete")
    assert "至少填写 2 个字" in page.inner_text("#field-opinion")
    assert page.input_value("#decision") == "approve", "the choice survives the failed submit"
    assert page.input_value("#opinion").strip() == "好"
    page.fill("#opinion", "材料齐全，同意")
    page.click("#complete")
    page.wait_for_url(f"{server}/inbox/")
    assert "任务已办结" in page.inner_text(".flash")
    with server_sessions() as session:
        assert session.get(WorkItem, wanted.id).status == WorkItemStatus.COMPLETED
    other = new_page()
    sign_in(other, server, "yang")
    other.click("a[data-tab=claimable]")
    assert "保山永昌餐饮有限公司" not in other.inner_text("main")
    assert other.locator(".work-row").count() == 1
    other.goto(f"{server}/tasks/{wanted.id}")
    assert other.locator("#claim").count() == 0 and other.locator("#complete").count() == 0


def test_supervisor_sees_an_overdue_item_and_reassigns_it(server, server_sessions, new_page):
    item = start_case(server_sessions)
    with time_machine.travel(clock.now() + timedelta(days=14), tick=True):
        page = new_page()
        sign_in(page, server, "wang")
        page.click("nav.mainnav >> text=督办")
        row = page.locator(f".work-row[data-item='{item.id}']")
        assert row.locator(".light-red").count() == 1
        assert "隆阳区市场监管局" in page.inner_text("table.groups")
        with server_sessions() as session:
            yang = _user_id(session, "yang")
        row.locator("select").select_option(f"user:{yang}")
        page.once("dialog", lambda dialog: dialog.accept())
        row.locator("form.reassign button", has_text="改派").click()
        assert "任务已移交" in page.inner_text(".flash")
        with server_sessions() as session:
            assert session.get(WorkItem, item.id).assignee_id == yang
        officer = new_page()
        sign_in(officer, server, "yang")
        assert officer.inner_text("#unread-count") == "1"
        officer.click("a.notif-link")
        assert "分派给您" in officer.inner_text("main")


def _user_id(session, username: str) -> int:  # type: ignore[no-untyped-def]
    from engine.models import User

    return session.execute(select(User.id).where(User.username == username)).scalar_one()


def test_phone_width_has_no_horizontal_scroll(server, server_sessions, new_page):
    item = start_case(server_sessions)
    page = new_page(width=375, height=740)
    sign_in(page, server, "chen")
    for url in ("/inbox/?tab=claimable", f"/tasks/{item.id}", "/notifications/"):
        page.goto(server + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} is {width}px wide at 375px"
    page.goto(f"{server}/inbox/?tab=claimable")
    height = page.locator(".work-row a").first.bounding_box()["height"]
    assert height >= 44, "rows are large enough to tap"


def test_diagram_marks_the_current_task(server, server_sessions, new_page):
    from pathlib import Path

    import pytest

    if not (Path(__file__).resolve().parents[2] / "webapp/static/vendor/bpmn-js").exists():
        pytest.skip("front-end assets not built (make assets)")
    item = start_case(server_sessions)
    page = new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, server, "chen")
    page.goto(f"{server}/tasks/{item.id}")
    page.wait_for_selector("#diagram[data-ready=true]")
    assert page.locator(".djs-element.cf-current[data-element-id=review]").count() == 1
    assert page.locator(".djs-element.cf-done[data-element-id=start]").count() == 1
    assert errors == [], "no script errors and no CSP violations"


def test_the_diagram_opens_readable_on_a_phone_and_zooms(server, server_sessions, new_page):
    from pathlib import Path

    import pytest

    if not (Path(__file__).resolve().parents[2] / "webapp/static/vendor/bpmn-js").exists():
        pytest.skip("front-end assets not built (make assets)")
    item = start_case(server_sessions)
    page = new_page(width=375, height=740)
    sign_in(page, server, "chen")
    page.goto(f"{server}/tasks/{item.id}")
    page.wait_for_selector("#diagram[data-ready=true]")
    box = page.locator("#diagram").bounding_box()
    task = page.locator(".djs-element.cf-current[data-element-id=review]").bounding_box()
    assert box and task
    assert task["width"] >= 80, "the task is drawn at a readable size"
    assert box["x"] <= task["x"] and task["x"] + task["width"] <= box["x"] + box["width"]
    scale = "document.querySelector('#diagram .viewport').transform.baseVal.consolidate()" \
            ".matrix.a"
    before = page.evaluate(scale)
    page.click("[data-zoom=in]")
    assert page.evaluate(scale) > before
    page.click("[data-zoom=fit]")
    assert page.evaluate(scale) < before
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_completing_an_unheld_task_says_it_claims_it_and_the_history_shows_it(
        server, server_sessions, new_page):
    item = start_entity_case(server_sessions, "保山永昌餐饮有限公司", "91530502MA6K0000XB")
    page = new_page(width=1280)
    sign_in(page, server, "chen")
    page.goto(f"{server}/tasks/{item.id}")
    assert page.inner_text("#complete") == "认领并办结"
    assert "办结即由您认领" in page.inner_text("#claims-on-completion")
    page.select_option("#decision", "approve")
    page.fill("#opinion", "材料齐全，同意")
    page.click("#complete")
    page.wait_for_url(f"{server}/inbox/")
    page.goto(f"{server}/tasks/{item.id}")
    assert "认领 (办结时)" in page.inner_text(".history")
