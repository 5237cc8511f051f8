"""Enterprise information from entry to the public and back: a department officer enters a
penalty, the department administrator approves it, the public finds it on a phone; the
decision is revoked, the administrator withdraws it, and the public no longer sees it."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from tests.browser.conftest import sign_in
from tests.factories import World, make_entity

NUMBER = "隆市监处罚〔2026〕31号"


def enter_penalty(page, server: str, uscc: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/records/")
    page.get_by_role("link", name="行政处罚").click()
    for label, value in (("统一社会信用代码", uscc), ("市场主体名称", name),
                         ("决定文书号", NUMBER), ("法定代表人", "张三"),
                         ("违法行为类型", "销售过期食品"),
                         ("违法事实", "经查，当事人销售超过保质期的食品。"),
                         ("处罚依据", "《食品安全法》第一百二十四条"), ("处罚内容", "罚款五万元"),
                         ("处罚机关统一社会信用代码", "11530502MB1234567D")):
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("决定日期", exact=True).fill("2026-03-02")
    page.get_by_label("程序", exact=True).select_option("general")
    page.get_by_label("罚款", exact=True).check()
    page.get_by_label("罚款金额（万元）").fill("5")
    page.get_by_label("所属领域", exact=True).select_option("general")
    page.get_by_role("button", name="保存并提交审核").click()
    page.wait_for_url(lambda url: "/records/" in url and url.rstrip("/").split("/")[-1].isdigit())


def test_a_penalty_goes_public_and_is_withdrawn_when_revoked(  # type: ignore[no-untyped-def]
        server: str, server_sessions: sessionmaker[Session], world: World, new_page) -> None:
    with server_sessions() as session:
        entity = make_entity(session, name="保山永昌烘焙坊有限公司")
        uscc, name = entity.uscc, entity.name
        session.commit()
    officer = new_page(width=1280)
    sign_in(officer, server, "chen")
    enter_penalty(officer, server, uscc, name)
    assert officer.locator("#record-state").inner_text().startswith("待审核")

    admin = new_page(width=375, height=740)
    sign_in(admin, server, "zhang")
    admin.goto(f"{server}/records/?tab=review")
    admin.get_by_role("link", name=name).click()
    admin.get_by_label("审核意见").select_option("approve")
    admin.get_by_role("button", name="提交审核意见").click()
    assert admin.locator("#record-state").inner_text().startswith("已公示")

    public = new_page(width=375, height=740)
    public.goto(f"{server}/public/")
    public.locator("input[name=q]").fill("烘焙")
    public.locator("form button[type=submit]").first.click()
    public.get_by_role("link", name=name).click()
    assert public.get_by_text(NUMBER).is_visible()
    assert public.evaluate("document.documentElement.scrollWidth") <= 375

    officer.reload()
    officer.locator("#revoked summary").click()
    officer.get_by_label("撤销或变更的内容及所依据的决定").fill("行政复议决定撤销原处罚决定")
    officer.once("dialog", lambda dialog: dialog.accept())
    officer.get_by_role("button", name="登记撤销或变更").click()
    officer.wait_for_load_state()

    admin.reload()
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="撤回公示").click()
    admin.wait_for_load_state()
    assert admin.locator("#record-state").inner_text().startswith("已撤回")

    public.reload()
    assert public.get_by_text(NUMBER).count() == 0
