"""Database engines and sessions: SQLite (WAL, foreign keys) or PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from engine.config import Settings

PING_AFTER_IDLE = 5.0  # seconds a pooled PostgreSQL connection may idle before a ping


def is_sqlite(url_or_engine: str | Engine) -> bool:
    url = url_or_engine if isinstance(url_or_engine, str) else str(url_or_engine.url)
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine with the pragmas the platform relies on."""
    if is_sqlite(url):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """A pooled connection idle for PING_AFTER_IDLE seconds is pinged before it is handed
    out (the server may have restarted or dropped it meanwhile): a dead one is replaced,
    as pool_pre_ping would do. A busy server reuses its connections within that time, and
    pays no extra round trip per request."""

    def stamp(_dbapi: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    def check(dbapi: DBAPIConnection, record: ConnectionPoolEntry, _proxy: object) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc

    event.listen(engine, "connect", stamp)
    event.listen(engine, "checkin", stamp)
    event.listen(engine, "checkout", check)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # The driver's own transaction handling is switched off so that BEGIN is ours.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Connection) -> None:
    # Writers take the lock up front: a read-then-write transaction never dies
    # half-way with "database is locked" when another writer got there first.
    # Read-only sessions (see read_session_factory) begin deferred instead, so
    # that page views never queue behind writers.
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {'DEFERRED' if mode == 'DEFERRED' else 'IMMEDIATE'}")


def engine_from_settings(settings: Settings) -> Engine:
    if not settings.database_url:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.effective_database_url)


def session_factory(engine: Engine, settings: Settings | None = None) -> sessionmaker[Session]:
    """Sessions that carry the settings, so engine functions need only the session."""
    return sessionmaker(bind=engine, expire_on_commit=False,
                        info={"settings": settings or Settings()})


def read_session_factory(engine: Engine, settings: Settings | None = None
                         ) -> sessionmaker[Session]:
    """Sessions for reading only (page views, reports): on SQLite they take no write lock."""
    return sessionmaker(bind=engine.execution_options(sqlite_begin="DEFERRED"),
                        expire_on_commit=False, info={"settings": settings or Settings()})


def settings_of(session: Session) -> Settings:
    """The settings a session was made with (defaults for a bare session)."""
    return session.info.get("settings") or Settings()


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows an UPDATE or DELETE matched (Session.execute types its result as a
    plain Result; for these statements it is a CursorResult)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
