"""Signing in with throttling of repeated failures, and a user's own settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import InvalidInput
from engine.models import LoginThrottle, User
from engine.org.passwords import hash_password, verify_password

log = logging.getLogger(__name__)
LOCALES = ("zh_CN", "en")
# Failures allowed before each further attempt must wait, doubling from DELAY_SECONDS;
# an address is shared by a whole office, so it gets more.
FREE_FAILURES = {"user": 3, "ip": 20}
DELAY_SECONDS = 2
MAX_DELAY_SECONDS = 60
# Failures that lock a user name (or an address, which many officers may share) for a while.
LOCK_AFTER = {"user": 10, "ip": 50}
LOCK_FOR = timedelta(minutes=15)
# A real hash, so that an unknown user name costs as much time as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password")


@dataclass(frozen=True)
class LoginResult:
    """The signed-in user, or why not: bad credentials, or wait `retry_after` seconds."""

    user: User | None
    retry_after: int = 0


def _keys(username: str, address: str) -> dict[str, str]:
    return {"user": f"user:{username.strip().lower()}", "ip": f"ip:{address}"}


def _wait_seconds(kind: str, row: LoginThrottle | None, now: datetime) -> int:
    if row is None:
        return 0
    if row.locked_until is not None and row.locked_until > now:
        return int((row.locked_until - now).total_seconds()) + 1
    free = FREE_FAILURES[kind]
    if row.failures < free or row.last_failure_at is None:
        return 0
    delay = min(DELAY_SECONDS * 2 ** (row.failures - free), MAX_DELAY_SECONDS)
    left = (row.last_failure_at + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(left) + (1 if left % 1 else 0))


def login(session: Session, username: str, password: str, address: str) -> LoginResult:
    """Check a user name and password; every failure is counted and audited.

    While a user name or address must wait (slowed down or locked), the password
    is not even checked. The caller commits in every case.
    """
    now = clock.now()
    rows = {kind: session.execute(select(LoginThrottle).where(LoginThrottle.key == key))
            .scalar() for kind, key in _keys(username, address).items()}
    wait = max(_wait_seconds(kind, row, now) for kind, row in rows.items())
    actor = audit.Actor(username[:64] or "?", address)
    if wait:
        audit.record(session, actor, "auth.throttled", "user", username[:64], wait=wait)
        return LoginResult(None, wait)
    user = session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())).scalar()
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is not None and valid and user.active:
        if rows["user"] is not None:
            session.delete(rows["user"])
        audit.record(session, audit.Actor(user.username, address, user.id), "auth.login",
                     "user", user.id)
        return LoginResult(user)
    _count_failure(session, actor, username, address, rows, now)
    log.info("failed sign-in for %r from %s", username[:64], address)
    return LoginResult(None)


def _count_failure(session: Session, actor: audit.Actor, username: str, address: str,
                   rows: dict[str, LoginThrottle | None], now: datetime) -> None:
    keys = _keys(username, address)
    for kind, row in rows.items():
        if row is None:
            row = LoginThrottle(key=keys[kind], failures=0)
            session.add(row)
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= LOCK_AFTER[kind]:
            row.locked_until = now + LOCK_FOR
            log.warning("sign-in locked for %s after %d failures", keys[kind], row.failures)
            audit.record(session, actor, "auth.locked", "login_throttle", keys[kind],
                         failures=row.failures, until=row.locked_until)
    session.flush()
    audit.record(session, actor, "auth.login_failed", "user", username[:64])


def set_locale(session: Session, actor: audit.Actor, user: User, locale: str) -> User:
    """The language a user's pages are shown in."""
    if locale not in LOCALES:
        raise InvalidInput(f"unknown language {locale!r}", fields={"locale": "invalid"})
    if user.locale != locale:
        user.locale = locale
        audit.record(session, actor, "user.locale", "user", user.id, locale=locale)
    return user
