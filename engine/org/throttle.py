"""Sign-in attempts counted per user name and per address, each count one atomic statement."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import audit
from engine.models import LoginThrottle
from engine.models.base import UTCDateTime

log = logging.getLogger(__name__)
# Attempts allowed before each further one must wait, doubling from DELAY_SECONDS;
# an address is shared by a whole office, so it gets more.
FREE_FAILURES = {"user": 3, "ip": 20}
DELAY_SECONDS = 2
MAX_DELAY_SECONDS = 60
# Attempts that lock a user name (or an address, which many officers may share) for a while.
LOCK_AFTER = {"user": 10, "ip": 50}
LOCK_FOR = timedelta(minutes=15)


@dataclass(frozen=True)
class Count:
    """What a throttle row says about one user name or address."""

    failures: int
    last_failure_at: datetime | None
    locked_until: datetime | None


def throttle_keys(username: str, address: str) -> dict[str, str]:
    return {"user": f"user:{username.strip().lower()}", "ip": f"ip:{address}"}


def wait_seconds(kind: str, count: Count | None, now: datetime) -> int:
    """How long an attempt must wait before its password may be checked (0: not at all)."""
    if count is None:
        return 0
    if count.locked_until is not None and count.locked_until > now:
        return int((count.locked_until - now).total_seconds()) + 1
    free = FREE_FAILURES[kind]
    if count.failures < free or count.last_failure_at is None:
        return 0
    delay = min(DELAY_SECONDS * 2 ** (count.failures - free), MAX_DELAY_SECONDS)
    left = (count.last_failure_at + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(left) + (1 if left % 1 else 0))


def admit(session: Session, actor: audit.Actor, username: str, address: str,
          now: datetime) -> int:
    """Count a sign-in attempt before its password is checked; 0 if it may be checked.

    Every attempt is counted, by one insert-or-increment per key, so that parallel
    attempts each get their own count and at most the free ones reach the password
    check. Beyond those, an attempt goes on only if it was counted right after the
    state it read and that state let it: one that was overtaken by others waits
    like the attempt after them.
    """
    keys = throttle_keys(username, address)
    seen = {kind: _read(session, key) for kind, key in keys.items()}
    counted = {kind: _count(session, kind, key, now) for kind, key in keys.items()}
    for kind, count in counted.items():
        if count.locked_until == now + LOCK_FOR:
            log.warning("sign-in locked for %s after %d attempts", keys[kind], count.failures)
            audit.record(session, actor, "auth.locked", "login_throttle", keys[kind],
                         failures=count.failures, until=count.locked_until)
    if all(_may_check(kind, seen[kind], counted[kind], now) for kind in keys):
        return 0
    wait = max(1, *(max(wait_seconds(kind, seen[kind], now),
                        wait_seconds(kind, counted[kind], now)) for kind in keys))
    audit.record(session, actor, "auth.throttled", "user", username[:64], wait=wait)
    return wait


def forgive(session: Session, username: str, address: str) -> None:
    """A successful sign-in: the user name starts afresh; the address's count is the
    failures alone, so the attempt that succeeded is taken back."""
    keys = throttle_keys(username, address)
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys["user"]))
    session.execute(update(LoginThrottle)
                    .where(LoginThrottle.key == keys["ip"], LoginThrottle.failures > 0)
                    .values(failures=LoginThrottle.failures - 1))


def _may_check(kind: str, seen: Count | None, counted: Count, now: datetime) -> bool:
    if wait_seconds(kind, seen, now):
        return False
    return counted.failures <= FREE_FAILURES[kind] or counted.failures == (
        seen.failures if seen else 0) + 1


def _read(session: Session, key: str) -> Count | None:
    row = session.execute(select(LoginThrottle.failures, LoginThrottle.last_failure_at,
                                 LoginThrottle.locked_until)
                          .where(LoginThrottle.key == key)).one_or_none()
    return Count(*row) if row else None


def _count(session: Session, kind: str, key: str, now: datetime) -> Count:
    """Insert the key's row or add one to it, and return the row as it now is."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    failures = LoginThrottle.failures + 1
    at, until = literal(now, UTCDateTime()), literal(now + LOCK_FOR, UTCDateTime())
    statement = dialect.insert(LoginThrottle).values(
        key=key, failures=1, last_failure_at=now, locked_until=None,
    ).on_conflict_do_update(index_elements=[LoginThrottle.key], set_={
        "failures": failures,
        "last_failure_at": at,
        # A lock runs its time: attempts while locked are counted but do not extend it.
        "locked_until": case((and_(failures >= LOCK_AFTER[kind], or_(
            LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= at)), until),
            else_=LoginThrottle.locked_until),
    }).returning(LoginThrottle.failures, LoginThrottle.last_failure_at,
                 LoginThrottle.locked_until)
    return Count(*session.execute(statement).one())
