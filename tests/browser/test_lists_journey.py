"""The abnormal list on a phone: an officer proposes a listing, the administrator lists it
(confirming), the entity applies for removal and is removed; every list page fits 375 px."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from tests.browser.conftest import sign_in
from tests.factories import World, make_entity


def fits(page, server: str, urls: list[str]) -> None:  # type: ignore[no-untyped-def]
    for url in urls:
        page.goto(f"{server}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} is {width}px wide at 375px"


def test_an_abnormal_listing_on_a_phone(  # type: ignore[no-untyped-def]
        server: str, server_sessions: sessionmaker[Session], world: World, new_page) -> None:
    with server_sessions() as session:
        entity = make_entity(session, name="保山永昌商贸有限公司")
        uscc = entity.uscc
        session.commit()
    officer = new_page(width=375, height=740)
    sign_in(officer, server, "chen")
    officer.goto(f"{server}/lists/")
    officer.locator("#propose").click()
    officer.get_by_label("名录", exact=True).select_option("abnormal")
    officer.get_by_label("统一社会信用代码", exact=True).fill(uscc)
    officer.get_by_label("列入原因（经营异常名录）").select_option("4")
    officer.get_by_label("触发或处罚日期").fill("2026-03-02")
    officer.get_by_label("事实或严重违法行为").fill("通过登记的住所无法联系")
    officer.get_by_role("button", name="提出", exact=True).click()
    officer.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    entry_url = officer.url
    assert officer.locator("#entry-state").inner_text().startswith("待决定")

    admin = new_page(width=375, height=740)
    sign_in(admin, server, "zhang")
    admin.goto(entry_url)
    admin.get_by_label("列入", exact=True).check()
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="提交决定").click()
    admin.wait_for_load_state()
    assert admin.locator("#entry-state").inner_text().startswith("已列入")

    officer.goto(entry_url)
    officer.locator("#removal summary").click()
    officer.get_by_label("移出原因").select_option("contact_restored")
    officer.get_by_label("当事人的申请").fill("已恢复联系，申请移出")
    officer.get_by_role("button", name="登记申请").click()
    officer.wait_for_load_state()

    admin.goto(entry_url)
    admin.get_by_label("准予移出").check()
    admin.get_by_label("理由或书面答复").fill("经核实已恢复联系")
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="提交决定").click()
    admin.wait_for_load_state()
    assert admin.locator("#entry-state").inner_text().startswith("已移出")
    fits(admin, server, ["/lists/", "/lists/new", entry_url.removeprefix(server),
                         "/lists/figures"])
