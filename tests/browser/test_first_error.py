"""On a phone, a form shown again with errors opens on the first marked field."""

from __future__ import annotations

from tests.browser.test_confirmations import pushed_notice_on_a_phone


def test_a_failed_return_lands_on_its_first_error(server, server_sessions, new_page):
    page, _notice_id = pushed_notice_on_a_phone(server, server_sessions, new_page)
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
