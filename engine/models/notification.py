"""In-app notifications: a task was assigned, returned, is due soon or overdue, escalated, urged."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, UTCDateTime
from engine.models.process import WorkItem


class NotificationKind(enum.StrEnum):
    ASSIGNED = "assigned"
    RETURNED = "returned"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    URGED = "urged"


class Notification(Base):
    """One message to one user about one work item; `once_key` keeps sweeps from repeating it."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(
        Enum(NotificationKind, native_enum=False, length=20))
    work_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_item.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(String(500))
    actor_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    once_key: Mapped[str | None] = mapped_column(String(120), unique=True)

    work_item: Mapped[WorkItem | None] = relationship()
