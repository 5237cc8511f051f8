"""A dual notice in a real browser: the registrar uploads a file, sees its bad row, imports
it; an officer of the department claims the notice on a phone."""

from __future__ import annotations

import csv
import random

from sqlalchemy import select

from engine.models import DualNotice, NoticeState
from engine.registry.uscc import generate
from engine.seed.samples import HEADERS
from tests.browser.conftest import sign_in

NAME = "保山永昌餐饮管理有限公司"


def registration_file(folder) -> str:  # type: ignore[no-untyped-def]
    rng = random.Random(2026)
    good = [generate(rng, "530502"), NAME, "有限责任公司", "张伟", "13912345678", "2026-03-02",
            "2026-03-02", "50", "保山市隆阳区永昌路8号", "餐饮服务", "隆阳区市场监督管理局", "存续",
            "530502", "永昌街道", "6210"]
    bad = [*good[:1], "隆阳区兰城百货商行", *good[2:]]
    bad[0] = good[0][:-1] + ("0" if good[0][-1] != "0" else "1")  # a wrong check character
    path = folder / "登记数据.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows([HEADERS, good, bad])
    return str(path)


def registration_check_characters(folder) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The bad row's check character, and the one its code should end with."""
    with open(registration_file(folder), encoding="utf-8-sig") as source:
        _header, good, bad = list(csv.reader(source))
    return bad[0][-1], good[0][-1]


def test_registrar_imports_and_a_department_claims(server, server_sessions, new_page,
                                                    tmp_path):
    clerk = new_page()
    sign_in(clerk, server, "zhou")
    clerk.click("nav.mainnav >> text=登记管理")
    clerk.set_input_files("#file", registration_file(tmp_path))
    clerk.click("#upload")
    clerk.wait_for_selector("#problems", timeout=20_000)  # the page reloads when checked
    bad_row = clerk.locator("table.problems tbody tr")
    assert bad_row.count() == 1
    assert bad_row.inner_text().split("\t")[:2] == ["3", "统一社会信用代码"]
    expected = registration_check_characters(tmp_path)
    assert f"校验码为 {expected[0]}，应为 {expected[1]}" in bad_row.inner_text()
    preview = clerk.inner_text("#routing-rows")
    assert "食品经营许可（餐饮服务） → 隆阳区市场监管局" in preview, "where the row would go"
    clerk.click("#import")
    clerk.wait_for_selector("#done", timeout=20_000)
    assert "推送 1 条告知" in clerk.inner_text("#done")
    assert "待认领" in clerk.inner_text("#routing-rows"), "where it went, and its state"

    phone = new_page(width=375, height=740)
    sign_in(phone, server, "chen")
    phone.click("nav.mainnav >> text=双告知")
    row = phone.locator(".notice-row", has_text=NAME)
    assert row.locator(".light-green").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    row.locator("button.claim-button").click()
    assert "已认领" in phone.inner_text(".flash")
    with server_sessions() as session:
        notice = session.execute(select(DualNotice)).scalar_one()
    assert notice.state == NoticeState.CLAIMED
    for url in ("/notices/directory", f"/notices/{notice.id}", f"/entities/{notice.entity_id}"):
        phone.goto(server + url)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} is {width}px wide at 375px"
    assert "139****5678" in phone.inner_text("#registration"), "the phone number is masked"


def test_the_registrar_and_figures_pages_fit_a_phone(server, server_sessions, new_page,
                                                     tmp_path):
    page = new_page(width=375, height=740)
    sign_in(page, server, "zhou")
    page.goto(f"{server}/registry/imports")
    page.set_input_files("#file", registration_file(tmp_path))
    page.click("#upload")
    page.wait_for_selector("#problems", timeout=20_000)
    urls = [page.url, f"{server}/registry/imports", f"{server}/registry/pool",
            f"{server}/registry/returned", f"{server}/entities/"]
    for url in urls:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} is {width}px wide at 375px"
    manager = new_page(width=375, height=740)
    sign_in(manager, server, "zhang")
    manager.goto(f"{server}/notices/figures")
    assert manager.evaluate("document.documentElement.scrollWidth") <= 375
