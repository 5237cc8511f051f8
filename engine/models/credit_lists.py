"""What the credit lists' procedures keep beside the list entry (engine/models/credit.py):
the applications made against an entry (removal, objection, early removal) with their
answers, the decision numbers each issuing unit hands out per year, and the annual reports
the abnormal list's first reason reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class CreditListApplication(Base):
    """CreditListApplication — 名录申请: an application against one entry (removal on
    application, an objection, the serious list's early removal) and its answer."""

    __tablename__ = "credit_list_application"
    __table_args__ = (Index("ix_credit_list_application_entry", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("credit_list_entry.id"))
    kind: Mapped[str] = mapped_column(String(20))  # removal | objection | early_removal
    reason: Mapped[str | None] = mapped_column(String(40))  # a removal reason's code
    text: Mapped[str] = mapped_column(Text)
    applied_on: Mapped[date] = mapped_column(Date)
    # pending | accepted (an objection being verified) | granted | refused
    status: Mapped[str] = mapped_column(String(20))
    # The early removal's conditions, each answered yes or no.
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reply: Mapped[str | None] = mapped_column(Text)  # the written reply or the refusal
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DecisionSequence(Base):
    """DecisionSequence — 文号序列: the last number one unit gave one kind of decision in
    one year (保市监异入〔2026〕第N号); taken under a row lock, so numbers have no gaps."""

    __tablename__ = "decision_sequence"
    __table_args__ = (UniqueConstraint("org_unit_id", "kind", "year",
                                       name="uq_decision_sequence_unit_kind_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class AnnualReport(Base):
    """AnnualReport — 年度报告: that an entity filed its annual report for a year, and
    when (the abnormal list's reason 1 is a report not filed by 30 June)."""

    __tablename__ = "annual_report"
    __table_args__ = (UniqueConstraint("entity_id", "year", name="uq_annual_report_entity_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"))
    year: Mapped[int] = mapped_column(Integer)
    filed_on: Mapped[date] = mapped_column(Date)
