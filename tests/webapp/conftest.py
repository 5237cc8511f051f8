"""Web app fixtures: an app on a fresh database with a small world, and signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.db import session_factory
from engine.models import ProcessInstance, Role, WorkItem, WorkItemStatus
from engine.org.units import add_user
from tests.factories import MONDAY, PASSWORD, SETUP, World, make_world, start_sample
from webapp import create_app, database

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def database_url(engine: Engine) -> str:
    """The URL of a test engine, keeping a PostgreSQL test schema as the search path."""
    url = engine.url
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            schema = connection.exec_driver_sql("SHOW search_path").scalar()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    with sessions() as session:
        world = make_world(session)
        world.users["audit"] = add_user(session, SETUP, "audit", "audit", PASSWORD, "530500",
                                        [Role.AUDITOR])
        session.commit()
    return world


@pytest.fixture
def app(db_engine: Engine, world: World, tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(var_dir=tmp_path / "var", database_url=database_url(db_engine))
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    database.engine(app).dispose()


@pytest.fixture
def traveller(app: Flask) -> Iterator[time_machine.Traveller]:
    """The clock stopped at MONDAY once the app exists; modules that need it use
    `pytestmark = pytest.mark.usefixtures("traveller")`."""
    with time_machine.travel(MONDAY, tick=False) as t:
        yield t


@pytest.fixture
def app_sessions(app: Flask) -> sessionmaker[Session]:
    """Sessions on the app's own database, for arranging and checking outside requests."""
    return session_factory(database.engine(app), app.extensions["creditflow.settings"])


class Client:
    """A test client that signs in and sends the CSRF token with every form."""

    def __init__(self, flask_client: FlaskClient) -> None:
        self.http = flask_client
        self.token: str | None = None

    def refresh_token(self) -> str:
        page = self.http.get("/auth/login")
        if page.status_code == 302:
            page = self.http.get("/notifications/")
        self.token = CSRF.search(page.get_data(as_text=True)).group(1)
        return self.token

    def login(self, username: str, password: str = PASSWORD) -> Any:
        response = self.post("/auth/login", {"username": username, "password": password})
        self.token = None  # the session was renewed on sign-in
        return response

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.http.get(url, **kwargs)

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        token = self.token or self.refresh_token()
        return self.http.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    def sent_back(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST a form that fails: the answer is a redirect (PRG) to the page at the first
        error; returns that page (its `anchor`: where the browser lands)."""
        return self.follow(self.post(url, data, **kwargs))

    def follow(self, response: Any) -> Any:
        """The page a failed form's redirect (303) leads to, with its `anchor`."""
        assert response.status_code == 303, f"a failed form redirects, got {response.status_code}"
        path, _sep, anchor = response.headers["Location"].partition("#")
        page = self.http.get(path)
        assert page.status_code == 200
        page.anchor = anchor
        return page

    def post_json(self, url: str, body: dict[str, Any] | None = None) -> Any:
        token = self.token or self.refresh_token()
        return self.http.post(url, json=body or {}, headers={"X-CSRFToken": token})


@pytest.fixture
def client(app: Flask) -> Client:
    return Client(app.test_client())


@pytest.fixture
def login(app: Flask):  # type: ignore[no-untyped-def]
    """login("chen") → a client signed in as chen."""

    def sign_in(username: str) -> Client:
        client = Client(app.test_client())
        response = client.login(username)
        assert response.status_code == 302, f"{username} could not sign in"
        return client

    return sign_in


@pytest.fixture
def case(app: Flask, app_sessions: sessionmaker[Session]) -> WorkItem:
    """A sample case in 隆阳区 (530502) with its open review item for the AMR officers."""
    return start_case(app_sessions)


def start_case(sessions: sessionmaker[Session], area: str = "530502", **data: Any) -> WorkItem:
    with sessions() as session:
        instance = start_sample(session, area, **data)
        session.commit()
        return open_item(session, instance)


def open_item(session: Session, instance: ProcessInstance) -> WorkItem:
    from sqlalchemy import select

    return session.execute(select(WorkItem).where(
        WorkItem.instance_id == instance.id, WorkItem.status == WorkItemStatus.OPEN)
    ).scalars().one()
