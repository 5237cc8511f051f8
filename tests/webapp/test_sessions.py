"""Sign-in sessions end: a cookie copied before a sign-out, a new password, a deactivation
or an administrator's "sign out everywhere" no longer opens a page nor the API."""

from __future__ import annotations

from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from engine.cli import main
from engine.models import AuditEvent, User
from engine.org.tokens import create_token
from tests.factories import PASSWORD, SETUP
from tests.webapp.conftest import Client

COOKIE = "creditflow_session"


def copy_of(app: Flask, client: Client) -> Client:
    """Another browser holding a copy of the client's session cookie."""
    thief = Client(app.test_client())
    thief.http.set_cookie(COOKIE, client.http.get_cookie(COOKIE).value)
    return thief


def signed_in(client: Client) -> bool:
    page, me = client.get("/inbox/"), client.get("/api/v1/me")
    assert (page.status_code == 200) == (me.status_code == 200), (page.status, me.status)
    return page.status_code == 200


def signed_out(client: Client) -> bool:
    page, me = client.get("/inbox/"), client.get("/api/v1/me")
    return (page.status_code == 302 and page.headers["Location"].startswith("/auth/login")
            and me.status_code == 401)


def user_id(app_sessions, username: str) -> int:
    with app_sessions() as session:
        return session.execute(select(User.id).where(User.username == username)).scalar_one()


def test_a_copied_cookie_works_while_signed_in(app, login):
    officer = login("chen")
    assert signed_in(copy_of(app, officer))


def test_a_copied_cookie_is_refused_after_sign_out(app, login):
    officer = login("chen")
    copy = copy_of(app, officer)
    officer.post("/auth/logout")
    assert signed_out(copy)
    assert signed_out(officer)


def test_signing_out_ends_the_sessions_on_other_devices(login):
    phone, desk = login("chen"), login("chen")
    phone.post("/auth/logout")
    assert signed_out(desk)


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, login, app_sessions):
    officer = login("chen")
    copy, desk = copy_of(app, officer), login("chen")
    response = officer.post("/auth/password", {"current": PASSWORD, "new": "another-pass-2",
                                              "again": "another-pass-2"})
    assert response.status_code == 302
    assert "密码已修改" in officer.get(response.headers["Location"]).get_data(as_text=True)
    assert signed_in(officer), "the session the password was changed in goes on"
    assert signed_out(copy) and signed_out(desk)
    fresh = Client(app.test_client())
    assert fresh.login("chen", "another-pass-2").status_code == 302


def test_a_wrong_current_password_changes_nothing(app, login):
    officer = login("chen")
    copy = copy_of(app, officer)
    response = officer.post("/auth/password", {"current": "not-it", "new": "another-pass-2",
                                              "again": "another-pass-2"})
    assert response.status_code == 200
    assert "当前密码不正确" in response.get_data(as_text=True)
    assert signed_in(copy)


def test_sign_out_everywhere_by_an_administrator(app, login, app_sessions):
    officer = login("chen")
    copy = copy_of(app, officer)
    admin = login("admin")
    page = admin.get(f"/admin/users/{user_id(app_sessions, 'chen')}").get_data(as_text=True)
    assert "在所有设备上退出 chen" in page, "the confirmation names the user"
    response = admin.post(f"/admin/users/{user_id(app_sessions, 'chen')}/sign-out")
    assert response.status_code == 302
    assert signed_out(officer) and signed_out(copy)
    assert signed_in(admin)
    assert Client(app.test_client()).login("chen").status_code == 302, "the password stays"


def test_deactivation_by_an_administrator(app, login, app_sessions):
    officer = login("chen")
    copy = copy_of(app, officer)
    with app_sessions() as session:
        _token, secret = create_token(session, SETUP, "registry", "chen")
        session.commit()
    admin = login("admin")
    assert admin.post(f"/admin/users/{user_id(app_sessions, 'chen')}/deactivate"
                      ).status_code == 302
    assert signed_out(officer) and signed_out(copy)
    assert Client(app.test_client()).login("chen").status_code == 401
    bearer = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401


def test_an_administrator_cannot_deactivate_themselves(login, app_sessions):
    admin = login("admin")
    response = admin.post(f"/admin/users/{user_id(app_sessions, 'admin')}/deactivate")
    assert response.status_code == 403
    assert signed_in(admin)


def test_an_api_token_outlives_a_sign_out(app, login, app_sessions):
    with app_sessions() as session:
        _token, secret = create_token(session, SETUP, "registry", "chen")
        session.commit()
    login("chen").post("/auth/logout")
    bearer = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 200


def test_sign_out_from_the_command_line(app, login, app_sessions, monkeypatch):
    officer = login("chen")
    copy = copy_of(app, officer)
    settings = app.extensions["creditflow.settings"]
    monkeypatch.setenv("CREDITFLOW_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CREDITFLOW_VAR_DIR", str(settings.var_dir))
    result = CliRunner().invoke(main, ["user", "sign-out", "chen"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert signed_out(officer) and signed_out(copy)
    unknown = CliRunner().invoke(main, ["user", "sign-out", "nobody"])
    assert unknown.exit_code == 1 and "no_such_user" in unknown.output
    with app_sessions() as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert "user.sign_out_everywhere" in actions


def test_deactivation_from_the_command_line(app, login, monkeypatch):
    officer = login("chen")
    settings = app.extensions["creditflow.settings"]
    monkeypatch.setenv("CREDITFLOW_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CREDITFLOW_VAR_DIR", str(settings.var_dir))
    result = CliRunner().invoke(main, ["user", "deactivate", "chen"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert signed_out(officer)
    assert Client(app.test_client()).login("chen").status_code == 401
