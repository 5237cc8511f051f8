"""Inbox filters a user saved under a name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidInput, NotFound
from engine.models import SavedFilter, User

NAME_MAX = 60
MAX_PER_USER = 20
PARAM_KEYS = frozenset({"process_key", "entity", "due_from", "due_to", "priority"})


def saved_filters(session: Session, user: User) -> list[SavedFilter]:
    return list(session.execute(select(SavedFilter).where(SavedFilter.user_id == user.id)
                                .order_by(SavedFilter.name)).scalars())


def save_filter(session: Session, user: User, name: str, tab: str,
                params: dict[str, Any]) -> SavedFilter:
    """Save (or overwrite) the named filter; only known, non-empty parameters are kept."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput("a saved filter needs a name", fields={"name": "required"})
    row = session.execute(select(SavedFilter).where(SavedFilter.user_id == user.id,
                                                    SavedFilter.name == name)).scalar()
    if row is None:
        if len(saved_filters(session, user)) >= MAX_PER_USER:
            raise InvalidInput("too many saved filters", fields={"name": "too_many"})
        row = SavedFilter(user_id=user.id, name=name, created_at=clock.now())
        session.add(row)
    row.tab = tab
    row.params = {k: str(v) for k, v in params.items() if k in PARAM_KEYS and v not in (None, "")}
    session.flush()
    return row


def delete_filter(session: Session, user: User, filter_id: int) -> None:
    row = session.get(SavedFilter, filter_id)
    if row is None or row.user_id != user.id:
        raise NotFound(f"no saved filter {filter_id}", code="no_such_filter")
    session.delete(row)
