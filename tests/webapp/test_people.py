"""People managed in the browser: an account created with a one-time password that must be
changed at the first sign-in, a reset, department administrators kept to their
department, the last system administrator kept."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.models import AuditEvent, Role, User
from tests.webapp.conftest import CSRF, Client

pytestmark = pytest.mark.usefixtures("traveller")
ONE_TIME = re.compile(r"一次性密码[：\s]*([A-Za-z0-9]{12})")  # the pages are in Chinese


def created_password(page_text: str) -> str:
    match = ONE_TIME.search(page_text)
    assert match, "the one-time password is shown once"
    return match.group(1)


def test_a_new_account_signs_in_once_and_must_choose_its_password(app, login, world,
                                                                  app_sessions):
    admin = login("admin")
    done = admin.post("/admin/users", {
        "username": "xuming", "display_name": "徐执法", "unit": world.units["530502-amr"].id,
        "roles": "officer", "certificate_no": "53001234", "certificate_expires": "2028-01-01"})
    assert done.status_code == 302
    page = admin.get(done.headers["Location"])
    password = created_password(page.text)
    assert admin.get(done.headers["Location"]).text.count(password) == 0  # shown once
    xu = Client(app.test_client())
    assert xu.login("xuming", password).status_code == 302
    forced = xu.get("/inbox/")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/auth/password")
    xu.token = CSRF.search(xu.get("/auth/password").get_data(as_text=True)).group(1)
    changed = xu.post("/auth/password", {"current": password, "new": "my-own-pass-9",
                                         "again": "my-own-pass-9"})
    assert changed.status_code == 302
    assert xu.get("/inbox/").status_code == 200
    with app_sessions() as session:
        user = session.execute(select(User).where(User.username == "xuming")).scalar_one()
        assert (user.roles, user.certificate_no, user.must_change_password) == (
            frozenset({Role.OFFICER}), "53001234", False)
        event = session.execute(select(AuditEvent).where(
            AuditEvent.action == "user.create", AuditEvent.object_id == str(user.id))).scalar_one()
        assert event.summary["after"]["roles"] == ["officer"]


def test_a_reset_signs_the_user_out_and_asks_for_a_new_password(app, login, world):
    yang = login("yang")
    zhang = login("zhang")  # yang's department administrator
    done = zhang.post(f"/admin/users/{world.users['yang'].id}/reset-password", {})
    password = created_password(zhang.get(done.headers["Location"]).text)
    assert yang.get("/inbox/").status_code == 302  # signed out
    again = Client(app.test_client())
    again.login("yang", password)
    assert again.get("/records/").headers["Location"].endswith("/auth/password")


def test_a_department_administrator_stays_within_the_department(login, world):
    zhang = login("zhang")
    listed = zhang.get("/admin/users").text
    assert "yang" in listed and "liu" not in listed  # liu works in 腾冲市
    assert zhang.get(f"/admin/users/{world.users['liu'].id}").status_code == 404
    page = zhang.sent_back("/admin/users", {
        "username": "boss", "display_name": "越权", "unit": world.units["530581-amr"].id,
        "roles": "sysadmin"})
    assert "boss" not in zhang.get("/admin/users").text.split('id="new"')[1]
    assert 'aria-invalid="true"' in page.text


def test_the_last_system_administrator_is_kept(login, world, app_sessions):
    admin = login("admin")
    admin.post(f"/admin/users/{world.users['admin'].id}/edit", {
        "display_name": "admin", "unit": world.units["city"].id, "roles": "officer"})
    with app_sessions() as session:
        assert Role.SYSADMIN in session.get(User, world.users["admin"].id).roles
    page = admin.get(f"/admin/users/{world.users['admin'].id}")
    assert "最后一个" in page.text or "last active system administrator" in page.text
