"""Finding user accounts, for administrators and the command line."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import User


def user_by_name(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username.strip())).scalar()
    if user is None:
        raise NotFound(f"no user {username!r}", code="no_such_user")
    return user


def user_by_id(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}", code="no_such_user")
    return user


def list_users(session: Session) -> list[User]:
    """Every account, active ones first, by user name."""
    return list(session.execute(
        select(User).order_by(User.active.desc(), User.username)).scalars())
