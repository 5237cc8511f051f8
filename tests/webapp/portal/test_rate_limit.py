"""The portal's rate limit per address: past it a readable 429 with Retry-After; another
address, or the next window, goes on."""

from __future__ import annotations

import time_machine
from flask import Flask

from tests.webapp.portal.conftest import Published
from webapp import create_app, database


def test_an_address_past_the_limit_waits(app: Flask, published: Published) -> None:
    app.extensions["creditflow.settings"] = app.extensions["creditflow.settings"].replace(
        portal_rate_limit=3, portal_rate_window_seconds=60)
    public = app.test_client()
    with time_machine.travel("2026-03-02 01:00:10Z", tick=False) as traveller:
        assert [public.get("/public/").status_code for _ in range(3)] == [200] * 3
        limited = public.get(f"/public/{published.uscc}")
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "50"
        assert limited.headers["Cache-Control"] == "no-store"
        assert "50" in limited.get_data(as_text=True)
        other = public.get("/public/", environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 200
        traveller.shift(50)
        assert public.get("/public/").status_code == 200


def test_officers_pages_are_not_counted(app: Flask, published: Published) -> None:
    app.extensions["creditflow.settings"] = app.extensions["creditflow.settings"].replace(
        portal_rate_limit=1)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/auth/login").status_code == 200
    assert client.get("/public/").status_code == 200


def test_behind_a_trusted_proxy_each_visitor_has_their_own_count(app: Flask,
                                                                 published: Published) -> None:
    """With proxy_hops set, the address is the one the proxy forwards; without it, the
    header is anyone's to write and is ignored."""
    settings = app.extensions["creditflow.settings"].replace(portal_rate_limit=1)
    apps = [create_app(settings.replace(proxy_hops=1)), create_app(settings)]
    behind, direct = (a.test_client() for a in apps)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    with time_machine.travel("2026-03-02 01:00:10Z", tick=False):
        assert [behind.get("/public/", environ_base=proxy,
                           headers={"X-Forwarded-For": visitor}).status_code
                for visitor in ("203.0.113.7", "203.0.113.8", "203.0.113.7")] == [200, 200, 429]
        assert [direct.get("/public/", environ_base={"REMOTE_ADDR": "10.0.0.2"},
                           headers={"X-Forwarded-For": visitor}).status_code
                for visitor in ("203.0.113.9", "203.0.113.10")] == [200, 429]
    for each in apps:
        database.engine(each).dispose()
