"""Signing in and out, throttling, cookies, CSRF, security headers and languages."""

from __future__ import annotations

import time_machine
from sqlalchemy import select

from engine import clock
from engine.models import AuditEvent, LoginThrottle
from engine.org import throttle


def test_login_page_is_chinese_by_default(client):
    page = client.get("/auth/login")
    assert page.status_code == 200
    assert "登录" in page.get_data(as_text=True)
    assert 'lang="zh-CN"' in page.get_data(as_text=True)


def test_pages_need_a_signed_in_user(client):
    response = client.get("/inbox/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_sign_in_goes_on_to_the_page_asked_for(client):
    client.get("/inbox/?tab=done")
    response = client.post("/auth/login?next=/inbox/%3Ftab%3Ddone",
                           {"username": "chen", "password": "secret-pass-1"})
    assert response.headers["Location"] == "/inbox/?tab=done"


def test_sign_in_never_redirects_off_site(client):
    response = client.post("/auth/login?next=//evil.example/x",
                           {"username": "chen", "password": "secret-pass-1"})
    assert response.headers["Location"] == "/inbox/"


def test_wrong_password_is_refused_and_audited(client, app_sessions):
    response = client.post("/auth/login", {"username": "chen", "password": "wrong"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    with app_sessions() as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert "auth.login_failed" in actions


def test_repeated_failures_slow_down_then_lock(client, app_sessions):
    with time_machine.travel(clock.now(), tick=False) as traveller:
        for _ in range(throttle.FREE_FAILURES["user"]):
            assert client.post("/auth/login", {"username": "chen", "password": "x"}
                               ).status_code == 401
        throttled = client.post("/auth/login", {"username": "chen", "password": "secret-pass-1"})
        assert throttled.status_code == 429, "even the right password waits while throttled"
        for _ in range(throttle.LOCK_AFTER["user"]):
            traveller.shift(throttle.MAX_DELAY_SECONDS + 1)
            client.post("/auth/login", {"username": "chen", "password": "x"})
        traveller.shift(throttle.MAX_DELAY_SECONDS + 1)
        locked = client.post("/auth/login", {"username": "chen", "password": "secret-pass-1"})
        assert locked.status_code == 429
        traveller.shift(throttle.LOCK_FOR.total_seconds() + 1)
        assert client.post("/auth/login", {"username": "chen", "password": "secret-pass-1"}
                           ).status_code == 302
    with app_sessions() as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
        assert "auth.locked" in actions
        row = session.execute(select(LoginThrottle).where(
            LoginThrottle.key == "user:chen")).scalar()
        assert row is None, "a successful sign-in clears the user's failures"


def test_session_cookie_is_httponly_and_samesite(client):
    response = client.post("/auth/login", {"username": "chen", "password": "secret-pass-1"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie, "plain HTTP in tests"


def test_session_cookie_is_secure_over_https(app):
    http = app.test_client()
    page = http.get("/auth/login", base_url="https://localhost")
    assert "Secure" in page.headers["Set-Cookie"]
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")


def test_security_headers(client):
    response = client.get("/auth/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split(
        "script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_scripts_in_pages(login, case):
    officer = login("chen")
    for url in ("/inbox/", f"/tasks/{case.id}", "/notifications/"):
        html = officer.get(url).get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html and "javascript:" not in html
        assert all('src="' in tag for tag in html.split("<script")[1:])


def test_form_posts_without_csrf_token_are_refused(app, login):
    officer = login("chen")
    response = officer.http.post("/auth/logout")
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_logout_ends_the_session(login):
    officer = login("chen")
    assert officer.post("/auth/logout").status_code == 302
    assert officer.get("/inbox/").status_code == 302


def test_language_switch_is_kept_per_user(login, app):
    officer = login("chen")
    assert "收件箱" in officer.get("/inbox/").get_data(as_text=True)
    officer.post("/auth/language", {"locale": "en"})
    assert "Inbox" in officer.get("/inbox/").get_data(as_text=True)
    again = login("chen")
    page = again.get("/inbox/").get_data(as_text=True)
    assert "Inbox" in page and 'lang="en"' in page


def test_language_before_signing_in(client):
    client.post("/auth/language", {"locale": "en"})
    assert "Sign in" in client.get("/auth/login").get_data(as_text=True)


def test_home_goes_to_the_inbox(login):
    assert login("chen").get("/").headers["Location"] == "/inbox/"


def test_unknown_page_is_a_404_page(login):
    response = login("chen").get("/no/such/page")
    assert response.status_code == 404
    assert "不存在" in response.get_data(as_text=True)
