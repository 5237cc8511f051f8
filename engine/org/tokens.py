"""API tokens for other systems: random secrets shown once, stored as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import InvalidInput, NotFound
from engine.models import ApiToken, User

PREFIX = "cf_"
# Writing last_used_at on every call would make each API read a write.
TOUCH_EVERY = timedelta(minutes=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, actor: audit.Actor, name: str, username: str
                 ) -> tuple[ApiToken, str]:
    """A new token acting as `username`; returns the row and the secret (never stored)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("a token needs a name of at most 100 characters",
                           fields={"name": "required"})
    user = session.execute(select(User).where(User.username == username)).scalar()
    if user is None or not user.active:
        raise InvalidInput(f"no active user {username!r}", fields={"user": "not_found"})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=_digest(secret), prefix=secret[:10], user_id=user.id,
                     created_by=actor.name, created_at=clock.now())
    session.add(token)
    session.flush()
    audit.record(session, actor, "api_token.create", "api_token", token.id, name=name,
                 user=username)
    return token, secret


def user_for_token(session: Session, secret: str) -> User | None:
    """The active user behind a presented secret, or None."""
    if not secret.startswith(PREFIX):
        return None
    token = session.execute(
        select(ApiToken).where(ApiToken.token_hash == _digest(secret))).scalar()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        token.last_used_at = now
    return token.user


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.execute(select(ApiToken).order_by(ApiToken.id)).scalars())


def revoke_token(session: Session, actor: audit.Actor, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no API token {token_id}", code="no_such_token")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        audit.record(session, actor, "api_token.revoke", "api_token", token.id, name=token.name)
    return token
