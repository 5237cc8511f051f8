"""A page that notifies answers at once: its e-mail and robot post wait in the outbox."""

from __future__ import annotations

import select as select_module
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, select

from engine import runtime
from engine.config import Settings
from engine.models import DeliveryChannel, DeliveryStatus, NotificationDelivery, User
from tests.factories import World
from tests.webapp.conftest import database_url
from webapp import create_app, database

pytestmark = pytest.mark.usefixtures("traveller")


@pytest.fixture
def stalled() -> Iterator[socket.socket]:
    """A server that lets clients connect and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener


@pytest.fixture
def app(db_engine: Engine, world: World, tmp_path: Path,
        stalled: socket.socket) -> Iterator[Flask]:
    port = stalled.getsockname()[1]
    settings = Settings(var_dir=tmp_path / "var", database_url=database_url(db_engine),
                        smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                        webhook_url=f"http://127.0.0.1:{port}/robot/send",
                        delivery_timeout_seconds=30.0)
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    database.engine(app).dispose()


def knocked(listener: socket.socket) -> bool:
    return bool(select_module.select([listener], [], [], 0)[0])


def test_an_urge_answers_without_waiting_on_mail_or_robot(login, case, app_sessions, world,
                                                          stalled):
    with app_sessions() as session:
        session.get_one(User, world.users["chen"].id).email = "chen@amr.example.cn"
        runtime.claim(session, world.actor("chen"), case.id)
        session.commit()

    response = login("wang").post(f"/tasks/{case.id}/urge", {"note": "请今天办结"})

    assert response.status_code == 302
    assert not knocked(stalled)  # neither the mail server nor the robot was called
    with app_sessions() as session:
        queued = session.execute(select(NotificationDelivery.channel, NotificationDelivery.status,
                                        NotificationDelivery.attempts)).all()
    assert sorted(queued) == [(DeliveryChannel.EMAIL, DeliveryStatus.PENDING, 0),
                              (DeliveryChannel.WEBHOOK, DeliveryStatus.PENDING, 0)]



def test_an_administrator_sets_and_clears_an_address(login, app_sessions, world):
    admin, page = login("admin"), f"/admin/users/{world.users['yang'].id}"
    typo = admin.sent_back(f"{page}/email", {"email": "yang at amr"})
    html = typo.get_data(as_text=True)
    assert typo.anchor == "field-email" and 'value="yang at amr"' in html
    assert "这不是有效的电子邮件地址" in html
    assert 'value="yang at amr"' not in admin.get(page).get_data(as_text=True)  # once
    done = admin.post(f"{page}/email", {"email": " yang@amr.example.cn "})
    assert done.headers["Location"] == page
    html = admin.get(page).get_data(as_text=True)
    assert 'value="yang@amr.example.cn"' in html and "通知将通过电子邮件发送至" in html
    admin.post(f"{page}/email", {"email": ""})
    with app_sessions() as session:
        assert session.get_one(User, world.users["yang"].id).email is None
