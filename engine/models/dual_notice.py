"""Dual notice (双告知): notices to licensing departments, the supervision directory,
commitments, and the unlicensed-operation leads a notice can raise."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class NoticeState(enum.StrEnum):
    PUSHED = "pushed"  # waiting for the department to claim or return
    CLAIMED = "claimed"
    DISPATCHED = "dispatched"  # claimed, then handed to a sub-unit, station or officer
    RETURNED = "returned"  # back at the registering AMR unit, to re-route or terminate
    CLOSED = "closed"  # licence outcome recorded
    REROUTED = "rerouted"  # returned, and a new notice went to another department
    TERMINATED = "terminated"  # 终止推送


LIVE_NOTICE_STATES = frozenset({NoticeState.PUSHED, NoticeState.CLAIMED, NoticeState.DISPATCHED,
                                NoticeState.RETURNED})


class DualNotice(Base):
    """DualNotice — 双告知: one licence item of one entity pushed to one department.

    `live` is kept true while the notice is open; a partial unique index then
    guarantees one live notice per (entity, licence item, department).
    """

    __tablename__ = "dual_notice"
    __table_args__ = (
        Index("uq_dual_notice_live", "entity_id", "licence_item", "department_org_id",
              unique=True, sqlite_where=text("live"), postgresql_where=text("live")),
        Index("ix_dual_notice_department_state", "department_org_id", "state", "pushed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    licence_item: Mapped[str] = mapped_column(String(40))
    licence_item_name: Mapped[str] = mapped_column(String(200))
    department_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    registrar_org_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(10))  # "new" (新设) or "change" (变更)
    routed: Mapped[str] = mapped_column(String(10))  # "auto" or "manual"
    state: Mapped[NoticeState] = mapped_column(Enum(NoticeState, native_enum=False, length=20))
    live: Mapped[bool] = mapped_column(Boolean, default=True)
    return_reason: Mapped[int | None] = mapped_column(Integer)  # 0, 1 or 2 (DOMAIN.md)
    return_note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(30))
    licence_no: Mapped[str | None] = mapped_column(String(100))
    licence_date: Mapped[date | None] = mapped_column(Date)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("dual_notice.id"))


class SupervisionEntry(Base):
    """SupervisionEntry — 监管对象名录库: an entity a department supervises."""

    __tablename__ = "supervision_entry"
    __table_args__ = (Index("uq_supervision_entry", "department_org_id", "entity_id",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("dual_notice.id"))
    licence_item: Mapped[str | None] = mapped_column(String(40))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Commitment(Base):
    """Commitment — 承诺书: the applicant's signed promise not to operate before licensing."""

    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    signed_on: Mapped[date] = mapped_column(Date)
    scan_path: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UnlicensedLead(Base):
    """A lead of unlicensed operation (无证无照); worked on in its own procedure later."""

    __tablename__ = "unlicensed_lead"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    source: Mapped[str] = mapped_column(String(30))  # dual_notice, report, inspection, data
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("dual_notice.id"))
    department_org_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    summary: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
