"""Unlicensed operation on phones: a member of the public reports a shop (no cookie ever),
the market regulator's officer reads the reporter on the case page and records the triage
after confirming it; the health commission it was copied to never sees who reported."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from engine.models import OrgKind, Role
from engine.org.units import add_org_unit, add_user
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, SETUP, World


def test_a_report_from_a_phone_is_triaged_and_copied_without_the_reporter(  # type: ignore[no-untyped-def]
        server: str, server_sessions: sessionmaker[Session], world: World, new_page) -> None:
    with server_sessions() as session:
        add_org_unit(session, "530502-health", "隆阳区卫生健康局", OrgKind.DEPARTMENT, "530502",
                     session.merge(world.units["530502"]))
        add_user(session, SETUP, "qian", "qian", PASSWORD, "530502-health", [Role.OFFICER])
        session.commit()
    public = new_page(width=375, height=740)
    public.goto(f"{server}/public/")
    public.click("#report-unlicensed")
    public.select_option("#area_code", "530502")
    public.fill("#name", "正阳南路无名美甲店")
    public.fill("#summary", "该店未挂营业执照，已营业半年。")
    public.fill("#reporter_name", "欧阳举报")
    public.fill("#contact", "13987654321")
    public.click("form.portal-form button[type=submit]")
    assert public.get_by_role("status").is_visible()
    assert public.evaluate("document.documentElement.scrollWidth") <= 375
    assert public.context.cookies() == []

    officer = new_page(width=375, height=740)
    sign_in(officer, server, "chen", PASSWORD)
    officer.goto(f"{server}/unlicensed/")
    officer.get_by_text("正阳南路无名美甲店").click()
    assert officer.locator("#reporter-contact").inner_text() == "13987654321"
    officer.select_option("#missing", "both")
    officer.select_option("#licence_item", "HE-PUBLIC-PLACE")
    officer.fill("#triage_note", "无照且未取得公共场所卫生许可")
    asked: list[str] = []
    officer.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    officer.click("#step-triage button[type=submit]")
    officer.wait_for_selector("#handled-by")
    assert asked and officer.locator("#handled-by").inner_text() == "隆阳区卫生健康局"
    assert officer.locator("#reporter-contact").count() == 0  # no longer the handling unit
    assert officer.evaluate("document.documentElement.scrollWidth") <= 375
