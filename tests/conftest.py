"""Database fixtures: every DB test runs on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.db import make_engine, session_factory
from engine.models import Base
from tests.factories import MONDAY, World, make_notice_world, make_world

PG_URL = os.environ.get("CREDITFLOW_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


def pg_engine_in_fresh_schema(schema: str) -> Engine:
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"},
                       pool_size=10, max_overflow=20)


def drop_pg_schema(schema: str) -> None:
    """The test's schema, and the practice copy's beside it when a test made one."""
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}_practice" CASCADE'))
    admin.dispose()


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Argon2 with its smallest cost: real hashes, without seconds per test user."""
    from argon2 import PasswordHasher

    import engine.org.passwords

    real = engine.org.passwords._HASHER
    engine.org.passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    engine.org.passwords._HASHER = real


WEB_DIRS = ("webapp", "browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Web and browser tests run on SQLite: their PostgreSQL run repeats the engine's SQL,
    which tests/engine and tests/bpmn run on both. A web test whose point is database
    semantics (concurrent jobs, upserts, scoping queries) is marked `both_backends`."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        web = item.path.relative_to(config.rootpath).parts[1:2] in [(d,) for d in WEB_DIRS]
        if (params.get("backend") == "postgres" and web
                and item.get_closest_marker("both_backends") is None):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def bare_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database (SQLite file, or a PostgreSQL schema of its own)."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        yield engine
        engine.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = pg_engine_in_fresh_schema(schema)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_pg_schema(schema)


@pytest.fixture
def db_engine(bare_engine: Engine) -> Engine:
    Base.metadata.create_all(bare_engine)
    return bare_engine


@pytest.fixture
def sessions(db_engine: Engine, settings: Settings) -> sessionmaker[Session]:
    """Sessions whose settings name the test's own var folder (the audit key and
    checkpoints live there), the one the test's app and CLI are given."""
    return session_factory(db_engine, settings)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    s = sessions()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def settings(tmp_path: Path, db_engine: Engine) -> Settings:
    return Settings(var_dir=tmp_path / "var", database_url=str(db_engine.url))


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """PostgreSQL only: for tests of concurrency that SQLite serialises anyway."""
    if not PG_URL:
        pytest.skip("CREDITFLOW_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = pg_engine_in_fresh_schema(schema)
    Base.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_pg_schema(schema)


@pytest.fixture
def traveller() -> Iterator[time_machine.Traveller]:
    """The clock stopped at MONDAY (2 March 2026, 09:00 in Baoshan); `traveller.shift`
    moves it."""
    with time_machine.travel(MONDAY, tick=False) as t:
        yield t


@pytest.fixture
def world(session: Session) -> World:
    """make_world, committed, as on MONDAY."""
    with time_machine.travel(MONDAY, tick=False):
        world = make_world(session)
        session.commit()
    return world


@pytest.fixture
def notice_world(session: Session) -> World:
    """make_notice_world, committed, as on MONDAY."""
    with time_machine.travel(MONDAY, tick=False):
        world = make_notice_world(session)
        session.commit()
    return world
