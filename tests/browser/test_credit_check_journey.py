"""The credit check on a phone: an officer checks an entity on the serious list before a
licence, sees the measure with its basis, records the department's feedback (asked
first), and the department administrator finds it in the figures; every page fits 375 px."""

from __future__ import annotations

from sqlalchemy import select

from engine import credit_check
from engine.models import CreditFeedback, FeedbackOutcome, ListType
from tests.browser.conftest import sign_in
from tests.engine.credit_check.entries import list_entry
from tests.factories import SETUP, make_entity


def fits(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width}px wide at 375px"


def test_an_officer_checks_and_feeds_back_on_a_phone(  # type: ignore[no-untyped-def]
        server, server_sessions, new_page) -> None:
    with server_sessions() as session:
        credit_check.seed_catalogue(session, SETUP)
        entity = make_entity(session)
        list_entry(session, entity, ListType.SERIOUS, number="保市监严入〔2026〕第5号")
        uscc = entity.uscc
        session.commit()
    page = new_page(width=375, height=740)
    sign_in(page, server, "chen")
    page.goto(f"{server}/credit-check/")
    fits(page)
    page.fill("#uscc", uscc)
    page.select_option("#action", "licence")
    with page.expect_navigation():
        page.click("#check")
    assert "保市监严入〔2026〕第5号" in page.inner_text("#restrictions")
    fits(page)
    page.goto(f"{server}/credit-check/catalogue")
    fits(page)
    page.goto(f"{server}/credit-check/feedback")
    fits(page)
    page.check("input[value=restricted]")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("section.card form button[type=submit]")
    assert asked and "不能修改" in asked[0]
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("section.card form button[type=submit]")
    assert page.is_visible("#no-feedback")
    with server_sessions() as session:
        (given,) = session.scalars(select(CreditFeedback)).all()
        assert given.outcome == FeedbackOutcome.RESTRICTED and given.given_by == "chen"
    manager = new_page(width=375, height=740)
    sign_in(manager, server, "zhang")
    manager.goto(f"{server}/credit-check/figures")
    assert "100%" in manager.inner_text("#feedback-figures")
    fits(manager)
