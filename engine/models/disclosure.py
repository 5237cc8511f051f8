"""Enterprise information (涉企信息归集公示): the records departments enter about market
entities, their review, publication, withdrawal, expiry and early end (credit repair)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class RecordStatus(enum.StrEnum):
    DRAFT = "draft"  # entered, not yet sent for review (or created by another procedure)
    SUBMITTED = "submitted"  # waiting for the department administrator's review
    RETURNED = "returned"  # back with the entering department, with the reviewer's reason
    RECORDED = "recorded"  # approved, kept, never published (summary or warning-only penalty)
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"  # the decision was revoked or changed
    EXPIRED = "expired"  # the publication period ran out
    ENDED_EARLY = "ended_early"  # credit repair ended the publication before its end


class DataSource(enum.StrEnum):
    ENTERED = "entered"
    IMPORTED = "imported"
    API = "api"
    PROCEDURE = "procedure"  # produced by another procedure (a dual notice's outcome, ...)


class DisclosureRecord(Base):
    """DisclosureRecord — 涉企信息: one decision of one department about one entity.

    The envelope is columns; the category's own fields (DOMAIN.md, the national 双公示
    lists for licences and penalties) are `fields`, checked by the category's form.
    `public_ref` names the record on the public portal, never `id`.
    """

    __tablename__ = "disclosure_record"
    __table_args__ = (
        Index("ix_disclosure_record_entity_status", "entity_id", "status"),
        Index("ix_disclosure_record_source_decided", "source_org_id", "decision_date"),
        Index("ix_disclosure_record_status_ends", "status", "publication_ends_on"),
        # A bulk entry's "already entered" check: a department's records of a batch's
        # parties in one category (else every record of the department, batch after batch).
        Index("ix_disclosure_record_party", "party_uscc", "source_org_id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_ref: Mapped[str] = mapped_column(String(24), unique=True)
    category: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"))
    party_name: Mapped[str] = mapped_column(String(200))
    party_uscc: Mapped[str] = mapped_column(String(18))
    source_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    area_code: Mapped[str] = mapped_column(String(12))
    decision_number: Mapped[str | None] = mapped_column(String(100))
    decision_date: Mapped[date] = mapped_column(Date)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    publishable: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[RecordStatus] = mapped_column(
        Enum(RecordStatus, native_enum=False, length=20))
    data_source: Mapped[DataSource] = mapped_column(
        Enum(DataSource, native_enum=False, length=20))
    backfilled: Mapped[bool] = mapped_column(Boolean, default=False)  # 存量补录
    origin: Mapped[str | None] = mapped_column(String(60))  # e.g. "dual_notice:12"
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"),
                                                    index=True)
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publication_ends_on: Mapped[date | None] = mapped_column(Date)
    entry_late_days: Mapped[int | None] = mapped_column(Integer)  # working days past 7
    publication_late_days: Mapped[int | None] = mapped_column(Integer)  # past 20
    withdrawal_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    repair_applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    repair_statement: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DisclosureSetting(Base):
    """A department's settings for its enterprise information: whether the records it
    enters in bulk (a file, the API) are published without review (its administrator's
    choice; without a row, every record is reviewed)."""

    __tablename__ = "disclosure_setting"

    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    direct_publication: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
