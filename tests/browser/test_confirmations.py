"""Destructive steps ask first, in words that name what will happen; a "no" changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import DualNotice, NoticeState
from tests.browser.conftest import sign_in
from tests.webapp.dual_notice.notice_world import push


def state(server_sessions, notice_id: int) -> NoticeState:  # type: ignore[no-untyped-def]
    with server_sessions() as session:
        return session.execute(select(DualNotice.state).where(
            DualNotice.id == notice_id)).scalar_one()


def pushed_notice_on_a_phone(server, server_sessions, new_page):  # type: ignore[no-untyped-def]
    """A notice pushed to chen's department, open on a phone as chen: (page, notice id)."""
    _entity, notices = push(server_sessions, "餐饮服务")
    (notice_id,) = notices.values()
    page = new_page(width=375, height=740)
    sign_in(page, server, "chen")
    page.goto(f"{server}/notices/{notice_id}")
    return page, notice_id


def test_a_return_asks_first_and_a_no_changes_nothing(server, server_sessions, new_page):
    page, notice_id = pushed_notice_on_a_phone(server, server_sessions, new_page)
    marker = "getComputedStyle(document.querySelector('#return summary'), '::before').content"
    assert page.evaluate(marker) == '"▸"', "a closed section shows that it opens"
    page.click("#return summary")
    assert page.evaluate(marker) == '"▾"'
    page.select_option("#return-form select[name=reason]", "1")
    page.fill("#return-form textarea[name=note]", "不属本局职责")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#return-form button[type=submit]")
    assert asked and asked[0].startswith("将") and "退回" in asked[0]
    assert "本部门将不再看到该告知" in asked[0]
    assert state(server_sessions, notice_id) == NoticeState.PUSHED
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#return-form button[type=submit]")
    assert state(server_sessions, notice_id) == NoticeState.RETURNED


def test_an_incomplete_form_is_not_confirmed_but_sent_back_with_its_errors(
        server, server_sessions, new_page):
    page, notice_id = pushed_notice_on_a_phone(server, server_sessions, new_page)
    page.click("#return summary")
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    with page.expect_navigation():
        page.click("#return-form button[type=submit]")  # no reason, no note
    assert asked == [], "nothing to confirm before the form is complete"
    assert page.locator("#return-form .field.has-error").count() == 2
    assert state(server_sessions, notice_id) == NoticeState.PUSHED
