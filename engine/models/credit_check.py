"""Joint punishment (联合惩戒): the catalogue of measures, in versions, the log of credit
checks with the restrictions each triggered, and the implementing departments' feedback.

A catalogue version is immutable once written: a change makes the next version, and a
check records the version it used, so what a check answered can always be explained.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime
from engine.models.credit import ListType


class FeedbackOutcome(enum.StrEnum):
    RESTRICTED = "restricted"  # the department applied the restriction
    NOT_APPLICABLE = "not_applicable"  # not applied, with the reason why


class CatalogueVersion(Base):
    """CatalogueVersion — 联合惩戒措施清单版本: who changed the catalogue, when and why."""

    __tablename__ = "credit_catalogue_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(Text)


class JointMeasure(Base):
    """JointMeasure — 联合惩戒措施: what an implementing department must do to an entity on
    a list when it takes one of the listed actions, and the memorandum that says so."""

    __tablename__ = "credit_measure"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("credit_catalogue_version.id"),
                                            index=True)
    code: Mapped[str] = mapped_column(String(20))  # stable across versions: M01, M02, ...
    list_type: Mapped[ListType] = mapped_column(Enum(ListType, native_enum=False, length=20))
    title: Mapped[str] = mapped_column(String(300))
    basis_document: Mapped[str] = mapped_column(String(300))  # the memorandum
    basis_clause: Mapped[str] = mapped_column(String(100))
    initiating_department: Mapped[str] = mapped_column(String(40))  # a department suffix
    implementing_departments: Mapped[list[str]] = mapped_column(JSON)  # department suffixes
    actions: Mapped[list[str]] = mapped_column(JSON)  # the action types it restricts
    # None: for as long as the listing is in force; else at most this many years of it.
    period_years: Mapped[int | None] = mapped_column(Integer)


class CreditCheck(Base):
    """CreditCheck — 信用核查记录: one check, or one batch of checks, with its counts."""

    __tablename__ = "credit_check"
    __table_args__ = (Index("ix_credit_check_checked_at", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_by: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(20))  # web, api, batch, diagram
    # The department that checked (and owes the feedback); none for a diagram's check.
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    version_id: Mapped[int] = mapped_column(ForeignKey("credit_catalogue_version.id"))
    uscc: Mapped[str | None] = mapped_column(String(18))  # a single check's code
    requested: Mapped[int] = mapped_column(Integer)
    invalid: Mapped[int] = mapped_column(Integer)
    restricted: Mapped[int] = mapped_column(Integer)  # entities with at least one hit
    hits: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(String(200))


class CreditHit(Base):
    """CreditHit — 触发记录: one restriction a check returned (measure × list entry)."""

    __tablename__ = "credit_hit"
    __table_args__ = (Index("ix_credit_hit_measure_checked_at", "measure_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("credit_check.id"), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uscc: Mapped[str] = mapped_column(String(18))
    measure_id: Mapped[int] = mapped_column(ForeignKey("credit_measure.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("credit_list_entry.id"))


class CreditFeedback(Base):
    """CreditFeedback — 联合惩戒反馈: what one implementing department did about one
    restriction a check triggered. Each department the measure names, in the area of the
    check (of the listing, for a check without a department), owes one."""

    __tablename__ = "credit_feedback"
    __table_args__ = (UniqueConstraint("hit_id", "org_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("credit_hit.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    outcome: Mapped[FeedbackOutcome] = mapped_column(
        Enum(FeedbackOutcome, native_enum=False, length=20))
    reason: Mapped[str | None] = mapped_column(Text)
    given_by: Mapped[str] = mapped_column(String(64))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)


def measure_fields(measure: JointMeasure) -> dict[str, Any]:
    """A measure's content, without its identity: what a new version copies."""
    return {"code": measure.code, "list_type": measure.list_type, "title": measure.title,
            "basis_document": measure.basis_document, "basis_clause": measure.basis_clause,
            "initiating_department": measure.initiating_department,
            "implementing_departments": list(measure.implementing_departments),
            "actions": list(measure.actions), "period_years": measure.period_years}
