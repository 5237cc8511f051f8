"""Unlicensed operation (无证无照, State Council Decree 684): the cases, their reporters
(kept apart, Art. 9) and the copy-to notices between departments (抄告, Art. 8)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class UnlicensedCase(Base):
    """A case of unlicensed operation (无证无照查处), from a lead to its closing."""

    __tablename__ = "unlicensed_case"
    __table_args__ = (Index("ix_unlicensed_case_department_state", "department_org_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    source: Mapped[str] = mapped_column(String(20))  # report, inspection, dual_notice, data
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("unlicensed_lead.id"), unique=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    party_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    area_code: Mapped[str] = mapped_column(String(12))
    summary: Mapped[str] = mapped_column(Text)
    intake_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    department_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    state: Mapped[str] = mapped_column(String(20), default="triage")
    missing: Mapped[str | None] = mapped_column(String(20))  # permit, business_licence, both, none
    licence_item: Mapped[str | None] = mapped_column(String(60))
    article: Mapped[int | None] = mapped_column(Integer)  # Decree 684 Art. 5, 6 or 7
    outcome: Mapped[str | None] = mapped_column(String(20))
    finding: Mapped[str | None] = mapped_column(Text)
    guidance_due_on: Mapped[date | None] = mapped_column(Date)
    fine_article: Mapped[int | None] = mapped_column(Integer)  # Art. 13 or 14
    fine_amount: Mapped[int | None] = mapped_column(Integer)  # yuan
    decision_number: Mapped[str | None] = mapped_column(String(100))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_record.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UnlicensedReporter(Base):
    """Who reported a case (举报人): kept apart from the case, read only by the handling
    unit, each read audited; told the outcome when they gave their name."""

    __tablename__ = "unlicensed_reporter"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("unlicensed_case.id"), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str | None] = mapped_column(String(200))
    real_name: Mapped[bool] = mapped_column(Boolean, default=False)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_text: Mapped[str | None] = mapped_column(Text)


class UnlicensedCopy(Base):
    """A copy-to notice (抄告): the department that found a case outside its remit tells
    the competent one, which must answer (feedback) by `due_on`."""

    __tablename__ = "unlicensed_copy"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("unlicensed_case.id"), index=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    to_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    article: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    sent_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(String(20))  # accepted, returned
    feedback: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
