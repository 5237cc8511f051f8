"""Requests counted per address in fixed windows (the public portal's limit against
scraping), one atomic insert-or-increment per request, in the shared database so that
every worker on every host counts against the same figure."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.db import rowcount
from engine.models import PortalRate
from engine.models.base import UTCDateTime


def window_of(now: datetime, seconds: int) -> datetime:
    """The start of the fixed window `now` falls in."""
    epoch = int(now.timestamp())
    return now - timedelta(seconds=epoch % seconds, microseconds=now.microsecond)


def count_request(session: Session, key: str, now: datetime, window_seconds: int) -> int:
    """Count one request of `key` (an address); returns its requests in this window."""
    window = window_of(now, window_seconds)
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:  # a count lost in a crash is harmless: do not wait for the WAL flush
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    dialect = postgresql if postgres else sqlite
    start = literal(window, UTCDateTime())
    fresh = PortalRate.window_start < start
    statement = dialect.insert(PortalRate).values(
        key=key[:80], window_start=window, hits=1,
    ).on_conflict_do_update(index_elements=[PortalRate.key], set_={
        "hits": case((fresh, 1), else_=PortalRate.hits + 1),
        "window_start": case((fresh, start), else_=PortalRate.window_start),
    }).returning(PortalRate.hits)
    return int(session.execute(statement).scalar_one())


def retry_after(now: datetime, window_seconds: int) -> int:
    """Seconds until the next window opens."""
    left = window_of(now, window_seconds) + timedelta(seconds=window_seconds) - now
    return max(1, int(left.total_seconds() + 0.999))


def forget_before(session: Session, moment: datetime) -> int:
    """Drop the counts of windows that started before `moment`; returns how many."""
    return rowcount(session.execute(delete(PortalRate).where(PortalRate.window_start < moment)))
