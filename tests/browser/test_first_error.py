"""On a phone, a form shown again with errors opens on the first marked field."""

from __future__ import annotations

from tests.browser.conftest import sign_in
from tests.webapp.dual_notice.notice_world import push


def test_a_failed_return_lands_on_its_first_error(server, server_sessions, new_page):
    _entity, notices = push(server_sessions, "餐饮服务")
    (notice_id,) = notices.values()
    page = new_page(width=375, height=740)
    sign_in(page, server, "chen")
    page.goto(f"{server}/notices/{notice_id}")
    page.click("#return summary")
    page.select_option("#return-form select[name=reason]", "1")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#return-form button[type=submit]")  # the note is missing
    marked = page.locator("#return-form .field.has-error").first
    box = marked.bounding_box()
    assert box is not None and 0 <= box["y"] < 740, f"the first error is at {box}"
    focused = page.evaluate("document.activeElement.closest('.field.has-error') !== null")
    assert focused, "the marked field has the focus"
