"""Pooled PostgreSQL connections: pinged when they idled a while, never on every checkout."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event, text

from engine import db


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
