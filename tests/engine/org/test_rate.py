"""Requests counted per address in fixed windows, one statement each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from engine.org.rate import count_request, forget_before, retry_after, window_of

AT = datetime(2026, 3, 2, 1, 0, 10, 500000, tzinfo=UTC)


def test_counts_per_address_and_window(session: Session) -> None:
    assert [count_request(session, "ip:1", AT, 60) for _ in range(3)] == [1, 2, 3]
    assert count_request(session, "ip:2", AT, 60) == 1
    assert count_request(session, "ip:1", AT + timedelta(seconds=49), 60) == 4
    assert count_request(session, "ip:1", AT + timedelta(seconds=50), 60) == 1  # next window


def test_window_and_wait() -> None:
    assert window_of(AT, 60) == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert retry_after(AT, 60) == 50


def test_old_counts_are_forgotten(session: Session) -> None:
    count_request(session, "ip:1", AT, 60)
    count_request(session, "ip:2", AT + timedelta(minutes=5), 60)
    assert forget_before(session, AT + timedelta(minutes=1)) == 1
