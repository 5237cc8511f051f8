"""Inspection — 抽查检查: one drawn target of a spot-check task, worked by its officers
from preparation to the published result; and what its follow-ups hand to other
procedures (AbnormalRequest — 列入经营异常名录的请求)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class Inspection(Base):
    """One target of a spot-check task (its draw's result) and its case."""

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(Integer, index=True)  # the spot-check task (no FK)
    task_number: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    officer_ids: Mapped[list[int]] = mapped_column(JSON)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    inspection_date: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # preparing ... final
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"),
                                                    index=True)
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    findings: Mapped[str | None] = mapped_column(Text)
    confirmations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    checked_on: Mapped[date | None] = mapped_column(Date)
    result_code: Mapped[str | None] = mapped_column(String(30))
    follow_up: Mapped[str | None] = mapped_column(String(20))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_record.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publication_late_days: Mapped[int | None] = mapped_column(Integer)
    objected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    objection: Mapped[str | None] = mapped_column(Text)
    recheck_outcome: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AbnormalRequest(Base):
    """A spot check's request to list an entity as abnormal (经营异常名录), kept until the
    lists procedure takes it over."""

    __tablename__ = "abnormal_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    reason: Mapped[str] = mapped_column(String(2))  # DOMAIN: 1..4
    state: Mapped[str] = mapped_column(String(60))
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
