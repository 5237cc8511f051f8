"""An administrator signs a user out everywhere: the confirmation names the user, and the
user's open page falls back to the sign-in page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.conftest import sign_in


def test_administrator_signs_a_user_out_everywhere(server: str,
                                                   new_page: Callable[..., Any]) -> None:
    officer = new_page()
    sign_in(officer, server, "chen")
    admin = new_page()
    sign_in(admin, server, "admin")
    admin.click("nav.mainnav >> text=系统管理")
    admin.click("table >> text=chen")
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    admin.on("dialog", answer)
    admin.click("button:has-text('在所有设备上退出登录')")
    admin.wait_for_selector("text=已在所有设备上退出登录")
    assert asked and "chen" in asked[0]
    officer.reload()
    assert "/auth/login" in officer.url
    assert officer.locator("h1").inner_text() == "登录"
