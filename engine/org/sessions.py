"""Ending a user's sign-in sessions: signing out, a new password, deactivation.

Every sign-in session keeps the user's session generation from the moment it
began and is honoured only while the account still has that generation. Raising
it ends every session of the user at once, wherever its cookie was copied to.
API tokens are not sessions: they end when revoked or when the account is
deactivated, not when the user signs out or changes the password.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import Forbidden, InvalidInput
from engine.models import User
from engine.org.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password


def end_sessions(session: Session, user: User) -> int:
    """Raise the user's session generation in one statement; returns the new one."""
    session.execute(update(User).where(User.id == user.id)
                    .values(session_generation=User.session_generation + 1))
    session.refresh(user, ["session_generation"])
    return user.session_generation


def sign_out(session: Session, actor: audit.Actor, user: User) -> None:
    """A user signs out: the session on this device and every other one ends."""
    end_sessions(session, user)
    audit.record(session, actor, "auth.logout", "user", user.id)


def sign_out_everywhere(session: Session, actor: audit.Actor, user: User) -> User:
    """An administrator ends every sign-in session of a user (a lost phone, a shared
    computer); the user may sign in again with the same password."""
    end_sessions(session, user)
    audit.record(session, actor, "user.sign_out_everywhere", "user", user.id,
                 username=user.username)
    return user


def deactivate_user(session: Session, actor: audit.Actor, user: User) -> User:
    """An account that may no longer sign in: its sessions end, its API tokens stop."""
    if user.id == actor.user_id:
        raise Forbidden("an administrator cannot deactivate their own account",
                        code="own_account")
    user.active = False
    end_sessions(session, user)
    audit.record(session, actor, "user.deactivate", "user", user.id, username=user.username)
    return user


def change_password(session: Session, actor: audit.Actor, user: User, current: str,
                    new: str) -> int:
    """A user sets a new password; every other session of theirs ends.

    Returns the new session generation, which the caller keeps in the session the
    change was made from, so that this one goes on.
    """
    if not verify_password(user.password_hash, current):
        raise InvalidInput("the current password is wrong", fields={"current": "wrong"})
    if len(new) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password too short", fields={"new": "min_length_8"})
    user.password_hash = hash_password(new)
    user.must_change_password = False
    generation = end_sessions(session, user)
    audit.record(session, actor, "user.password", "user", user.id)
    return generation
