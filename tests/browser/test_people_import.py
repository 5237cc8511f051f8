"""An administrator imports people from a sheet on a phone: the check, the confirmation,
the passwords workbook saved once, and the page then saying what was done."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from engine.models import User
from tests.browser.conftest import sign_in


def test_the_passwords_download_once_and_the_page_says_what_was_done(
        server, server_sessions, new_page, tmp_path):  # type: ignore[no-untyped-def]
    book = Workbook()
    book.active.append(["用户名", "姓名", "单位代码", "角色"])
    book.active.append(["xuming", "徐明", "530502-amr", "执法人员"])
    book.active.append(["yang", "重名", "530502-amr", "执法人员"])
    sheet = tmp_path / "人员.xlsx"
    book.save(sheet)
    page = new_page(width=375, height=740)
    sign_in(page, server, "admin")
    page.goto(f"{server}/admin/users")
    page.click("#import-people")
    page.set_input_files("input[type=file]", str(sheet))
    page.click("form button.primary")
    assert page.inner_text("#rows-valid") == "1" and page.inner_text("#rows-invalid") == "1"
    assert "用户名 yang 已被使用" in page.inner_text("#problems")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_download() as download:
        page.click("#create")
    assert asked and "创建 1 个账号" in asked[0]
    saved = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = list(saved.values)
    assert rows[1][0] == "xuming" and len(rows[1][3]) == 12
    page.wait_for_selector("#done")
    assert "1 个账号已创建" in page.inner_text("#done")
    assert page.query_selector("#create") is None
    with server_sessions() as session:
        assert session.execute(select(User.must_change_password).where(
            User.username == "xuming")).scalar_one() is True
