"""A dual notice as an officer meets it on a phone: the inbox task opens the notice, one
claim button claims it, the follow-up is his with a deadline, the licence fields show only
for a granted licence, and a failed submit lands on its error with Back free of resends."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import WorkItem, WorkItemStatus
from tests.browser.conftest import sign_in
from tests.webapp.dual_notice.notice_world import push


def test_an_officer_works_a_notice_from_the_inbox_on_a_phone(server, server_sessions,
                                                              new_page, world):
    _entity, notices = push(server_sessions, "餐饮服务")
    (notice_id,) = notices.values()
    page = new_page(width=375, height=740)
    sign_in(page, server, "chen")
    page.goto(f"{server}/inbox/?tab=claimable")
    page.click(".row-link")
    assert page.url.endswith(f"/notices/{notice_id}"), "the task opens its notice"
    assert page.locator("#claim").count() == 1 and page.locator("#task-form").count() == 0
    assert "Claim or return" not in page.inner_text("h1, #current-step")
    with page.expect_navigation():
        page.click("#claim")
    assert page.url.endswith(f"/notices/{notice_id}"), "the work goes on here"
    chen = world.users["chen"].display_name
    assert f"办理人 {chen}" in page.inner_text("#current-step")
    with server_sessions() as session:
        item = session.execute(select(WorkItem).where(
            WorkItem.status == WorkItemStatus.OPEN)).scalar_one()
    assert item.assignee_id == world.users["chen"].id and item.due_at is not None

    licence = page.locator("#field-licence_no")
    assert licence.is_hidden(), "no licence fields before a granted licence is chosen"
    page.select_option("#outcome-form select[name=outcome]", "not_applied")
    assert licence.is_hidden()
    page.select_option("#outcome-form select[name=outcome]", "granted")
    assert licence.is_visible() and page.locator("#field-licence_date").is_visible()
    page.fill("#outcome-form textarea[name=note]", "已到窗口申请")
    with page.expect_navigation():
        page.click("#outcome-form button[type=submit]")  # number and date missing
    assert page.url.endswith("#field-licence_no"), "the page opens at the first error"
    box = page.locator("#field-licence_no").bounding_box()
    assert box is not None and 0 <= box["y"] < 740
    assert page.input_value("#outcome-form textarea[name=note]") == "已到窗口申请"
    page.goto(f"{server}/inbox/")
    page.go_back()  # a GET: no "confirm form resubmission"
    assert page.url.split("#")[0].endswith(f"/notices/{notice_id}")
    assert page.locator("#outcome-form .has-error").count() == 0, "errors are shown once"
