"""The public credit portal's own rows: requests counted per address, and the public's
correction requests (纠错申请) about published records."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class PortalRate(Base):
    """Requests of one address in the current window (a fixed window of the rate limit).

    In the database, so every worker on every host counts against one figure."""

    __tablename__ = "portal_rate"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)


class ObjectionStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class DisclosureObjection(Base):
    """DisclosureObjection — 纠错申请: someone of the public says a published record is
    wrong; the issuing department answers it as a task. The contact is never public."""

    __tablename__ = "disclosure_objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("disclosure_record.id"), index=True)
    source_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[ObjectionStatus] = mapped_column(
        Enum(ObjectionStatus, native_enum=False, length=20)
    )
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_by: Mapped[str | None] = mapped_column(String(64))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
