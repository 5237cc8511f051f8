"""Signing in with throttling of repeated failures, and a user's own settings."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, clock
from engine.db import transaction
from engine.errors import InvalidInput
from engine.models import User
from engine.org import throttle
from engine.org.passwords import hash_password, verify_password

log = logging.getLogger(__name__)
LOCALES = ("zh_CN", "en")
# An address a mail server will take: one @, no spaces, a dot in the domain.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A real hash, so that an unknown user name costs as much time as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password")


@dataclass(frozen=True)
class LoginResult:
    """The signed-in user, or why not: bad credentials, or wait `retry_after` seconds."""

    user: User | None
    retry_after: int = 0


def login(sessions: sessionmaker[Session], username: str, password: str,
          address: str) -> LoginResult:
    """Check a user name and password; every attempt is counted and audited.

    The attempt is counted and committed before the password is checked, so that
    parallel guesses cannot slip past the throttle; the check itself (slow by
    design) holds no lock. While a user name or address must wait, the password
    is not even checked.
    """
    now = clock.now()
    actor = audit.Actor(username[:64] or "?", address)
    with transaction(sessions) as session:
        wait = throttle.admit(session, actor, username, address, now)
        user = None if wait else session.execute(
            select(User).where(func.lower(User.username) == username.strip().lower())).scalar()
    if wait:
        return LoginResult(None, wait)
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    with transaction(sessions) as session:
        if user is not None and valid and user.active:
            throttle.forgive(session, username, address)
            audit.record(session, audit.Actor(user.username, address, user.id), "auth.login",
                         "user", user.id)
            return LoginResult(user)
        audit.record(session, actor, "auth.login_failed", "user", username[:64])
    log.info("failed sign-in for %r from %s", username[:64], address)
    return LoginResult(None)


def set_locale(session: Session, actor: audit.Actor, user: User, locale: str) -> User:
    """The language a user's pages are shown in."""
    if locale not in LOCALES:
        raise InvalidInput(f"unknown language {locale!r}", fields={"locale": "invalid"})
    if user.locale != locale:
        user.locale = locale
        audit.record(session, actor, "user.locale", "user", user.id, locale=locale)
    return user


def set_email(session: Session, actor: audit.Actor, user: User, email: str | None) -> User:
    """Where the user's notifications are e-mailed; None or blank: nowhere (in-app only)."""
    email = (email or "").strip() or None
    if email is not None and (len(email) > 254 or not EMAIL.fullmatch(email)):
        raise InvalidInput(f"not an e-mail address: {email!r}", fields={"email": "invalid"})
    if user.email != email:
        user.email = email
        audit.record(session, actor, "user.email", "user", user.id, email=email)
    return user
