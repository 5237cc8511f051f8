"""The portal's rate limit per address: past it a readable 429 with Retry-After; another
address, or the next window, goes on."""

from __future__ import annotations

import time_machine
from flask import Flask

from tests.webapp.portal.conftest import Published


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
