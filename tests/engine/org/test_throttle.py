"""The sign-in throttle under parallel guessing: the count is one atomic statement."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.models import AuditEvent, LoginThrottle
from engine.org import accounts, throttle
from tests.factories import PASSWORD, make_world

GUESSES = 40


def guess_in_parallel(sessions: sessionmaker[Session], password: str) -> list[object]:
    """GUESSES sign-ins for one user name from one address, released at once."""
    start = threading.Barrier(GUESSES)

    def attempt(_n: int) -> object:
        start.wait()
        try:
            return accounts.login(sessions, "chen", password, "10.0.0.7")
        except Exception as exc:  # noqa: BLE001 - an error is what this test looks for
            return exc

    with ThreadPoolExecutor(GUESSES) as pool:
        return list(pool.map(attempt, range(GUESSES)))


def test_parallel_wrong_passwords_check_only_the_free_ones(sessions):
    with sessions() as session:
        make_world(session, calendar=False)
        session.commit()
    results = guess_in_parallel(sessions, "wrong")
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    checked = [r for r in results if r.retry_after == 0]
    assert len(checked) == throttle.FREE_FAILURES["user"], "the others wait unchecked"
    with sessions() as session:
        row = session.execute(select(LoginThrottle).where(
            LoginThrottle.key == "user:chen")).scalar_one()
        failed = session.execute(select(func.count()).where(
            AuditEvent.action == "auth.login_failed")).scalar()
    assert row.failures == GUESSES, "every attempt is counted"
    assert row.locked_until is not None, "the burst locks the user name"
    assert failed == throttle.FREE_FAILURES["user"]


def test_the_right_password_after_a_burst_waits_for_the_lock(sessions):
    with sessions() as session:
        make_world(session, calendar=False)
        session.commit()
    guess_in_parallel(sessions, "wrong")
    late = accounts.login(sessions, "chen", PASSWORD, "10.0.0.7")
    assert late.user is None and late.retry_after > 60


def test_a_success_does_not_count_against_the_address(sessions):
    with sessions() as session:
        make_world(session, calendar=False)
        session.commit()
    for _ in range(throttle.FREE_FAILURES["ip"] + 1):
        assert accounts.login(sessions, "chen", PASSWORD, "10.0.0.8").user is not None
    with sessions() as session:
        row = session.execute(select(LoginThrottle).where(
            LoginThrottle.key == "ip:10.0.0.8")).scalar_one()
    assert row.failures == 0
