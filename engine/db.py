"""Database engines and sessions: SQLite (WAL, foreign keys) or PostgreSQL."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    Result,
    Table,
    create_engine,
    event,
    func,
    insert,
    select,
)
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
    # 32 MiB of page cache per connection, filled as pages are read (SQLite's default is
    # 2 MiB): an import's indexes on random keys outgrow 2 MiB within some ten thousand
    # rows, and each insert then reads its index pages back from the OS.
    cursor.execute("PRAGMA cache_size=-32768")
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


@contextmanager
def bulk_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """`transaction` for one batch of a bulk write (an import's thousand rows), with the
    cyclic garbage collector paused until it ends.

    A batch allocates hundreds of thousands of objects that live until its commit; the
    collector would walk them, and every long-lived object of the process, again and
    again while the batch grows. Paused, it collects once after the batch. A batch's
    garbage is bounded by its size, so memory stays bounded too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with transaction(factory) as session:
            yield session
    finally:
        if was_enabled:
            gc.enable()


def insert_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]
                         ) -> list[int]:
    """Insert `rows` into `table` (an integer `id` key) and return their new ids, in the
    rows' order.

    PostgreSQL: INSERT … RETURNING in batches, sorted back into the rows' order
    (SQLAlchemy's insertmanyvalues). SQLite has no batched form that keeps the order, and
    SQLAlchemy sends one INSERT per row there; but a SQLite write transaction is the only
    writer (BEGIN IMMEDIATE), so the next ids are the table's largest plus 1 … n, as SQLite
    itself would choose them: they are given explicitly, with one executemany. (A writer
    that slipped in meanwhile would make the insert fail on its key, never mix ids up.)
    """
    if not rows:
        return []
    if session.get_bind().dialect.name != "sqlite":
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(statement, rows).scalars())
    first = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
    ids = list(range(first, first + len(rows)))
    session.execute(insert(table), [{**row, "id": new} for row, new in zip(rows, ids,
                                                                         strict=True)])
    return ids
