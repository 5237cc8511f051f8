"""Which market entities a user sees through the dual notice."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from engine.dual_notice.directory import directory_filter
from engine.dual_notice.notices import notice_filter
from engine.models import DualNotice, MarketEntity, SupervisionEntry, User


def entity_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: entities with a notice the user sees, or in a supervision directory the user
    sees."""
    notices = select(DualNotice.id).where(DualNotice.entity_id == MarketEntity.id,
                                          notice_filter(session, user))
    directory = select(SupervisionEntry.id).where(
        SupervisionEntry.entity_id == MarketEntity.id, directory_filter(session, user))
    return or_(exists(notices), exists(directory))
