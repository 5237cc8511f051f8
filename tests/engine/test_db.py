"""Pooled PostgreSQL connections: pinged when they idled a while, never on every checkout;
many rows inserted with their new ids in order."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import Engine, delete, event, select, text
from sqlalchemy.orm import Session, sessionmaker

from engine import db
from engine.models import MarketEntity


def _pings(engine: Engine) -> list[str]:
    """The statements the dialect's ping sends (it bypasses the engine's events)."""
    sent: list[str] = []
    real = engine.dialect.do_ping

    def counting(dbapi: object) -> bool:
        sent.append("ping")
        return real(dbapi)  # type: ignore[arg-type]

    engine.dialect.do_ping = counting  # type: ignore[method-assign]
    return sent


def test_a_busy_pool_does_not_ping_on_every_checkout(pg_engine: Engine) -> None:
    pings = _pings(pg_engine)
    for _ in range(5):
        with pg_engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    assert pings == []


def test_a_connection_the_server_dropped_while_idle_is_replaced(
        pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with pg_engine.connect() as doomed, pg_engine.connect() as other:
        dead_pid = doomed.execute(text("SELECT pg_backend_pid()")).scalar()
        doomed.close()  # back into the pool, where the server ends its backend
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead_pid})
        other.commit()
    pings = _pings(pg_engine)
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)  # as if it had idled long enough
    connects: list[object] = []
    event.listen(pg_engine, "connect", lambda *_args: connects.append(1))
    for _ in range(2):  # both pooled connections: the dropped one is found and replaced
        with pg_engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != dead_pid
    assert pings and connects


def test_many_rows_inserted_get_their_new_ids_in_the_rows_order(
        sessions: sessionmaker[Session]) -> None:
    table = MarketEntity.__table__

    def rows(prefix: str, count: int) -> list[dict[str, object]]:
        return [{"uscc": f"{prefix}{i:04d}", "name": f"{prefix}{i}", "area_code": "530502",
                 "status": "存续", "routing_state": "not_routed"} for i in range(count)]

    with db.transaction(sessions) as session:
        first = db.insert_returning_ids(session, table, rows("A", 3))
        # the newest row gone: the next ids are whatever the database gives, still in order
        session.execute(delete(table).where(table.c.id == first[-1]))
        ids = db.insert_returning_ids(session, table, rows("B", 250))
        assert db.insert_returning_ids(session, table, []) == []
    with sessions() as session:
        stored = dict(session.execute(select(table.c.uscc, table.c.id)).all())
    assert [stored[f"B{i:04d}"] for i in range(250)] == ids
    assert len(set(ids)) == 250 and not set(ids) & set(first[:2])


def test_a_bulk_batch_pauses_the_collector_and_commits_or_rolls_back_as_a_transaction(
        sessions: sessionmaker[Session]) -> None:
    table = MarketEntity.__table__
    row = {"uscc": "C0001", "name": "C", "area_code": "530502", "status": "存续",
           "routing_state": "not_routed"}
    with db.bulk_transaction(sessions) as session:
        assert not gc.isenabled()
        session.execute(table.insert(), [row])
    assert gc.isenabled()
    with pytest.raises(RuntimeError), db.bulk_transaction(sessions) as session:
        session.execute(table.insert(), [{**row, "uscc": "C0002"}])
        raise RuntimeError("a row the batch could not write")
    assert gc.isenabled()
    with sessions() as session:
        assert list(session.scalars(select(table.c.uscc))) == ["C0001"]
