"""Credit lists (失信联合惩戒): an entity's entries on the abnormal operations list
(经营异常名录) and the serious illegal and dishonest list (严重违法失信名单).

The lists' procedures (bpmn/abnormal_list.bpmn, bpmn/serious_list.bpmn) write these rows;
the credit check ("一处违法、处处受限") reads them, so the columns it filters on are kept
flat and indexed: the party's USCC, the list, and whether the entry is in force.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class ListType(enum.StrEnum):
    ABNORMAL = "abnormal"  # 经营异常名录 (an individual business is marked, not listed)
    SERIOUS = "serious"  # 严重违法失信名单


class ListStatus(enum.StrEnum):
    PROPOSED = "proposed"  # being decided (a serious listing waits for the level above)
    LISTED = "listed"  # in force; an individual business's abnormal mark counts as listed
    REMOVED = "removed"  # removed on application, on objection, or at the end of the period
    MOVED = "moved"  # three years on the abnormal list: moved to the serious list
    REFUSED = "refused"  # the proposal was not approved, or an objection annulled it


IN_FORCE = (ListStatus.LISTED,)


class CreditListEntry(Base):
    """CreditListEntry — 名录记录: one listing of one entity on one list, from the
    proposal to its removal. A new listing after a removal is a new row."""

    __tablename__ = "credit_list_entry"
    __table_args__ = (
        Index("ix_credit_list_entry_uscc_status", "party_uscc", "status"),
        Index("ix_credit_list_entry_type_status_area", "list_type", "status", "area_code"),
        Index("ix_credit_list_entry_entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_type: Mapped[ListType] = mapped_column(Enum(ListType, native_enum=False, length=20))
    status: Mapped[ListStatus] = mapped_column(Enum(ListStatus, native_enum=False, length=20))
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"))
    party_name: Mapped[str] = mapped_column(String(200))
    party_uscc: Mapped[str] = mapped_column(String(18))
    # An individual business (USCC 92…) is marked abnormal rather than listed.
    marked_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The deciding unit (the market regulator of the area) and its area.
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    area_code: Mapped[str] = mapped_column(String(12))
    # Why: for the abnormal list one of DOMAIN.md's four reasons ("1".."4"); for the
    # serious list the violation and the heavy penalty it followed.
    reason: Mapped[str] = mapped_column(String(40))
    reason_text: Mapped[str | None] = mapped_column(Text)
    # Where the trigger came from (spot check, annual reports, entered, the abnormal list's
    # three years, a penalty record), and when it happened: listing is due 10 WD after it.
    trigger_source: Mapped[str] = mapped_column(String(40))
    trigger_date: Mapped[date] = mapped_column(Date)
    # The penalty record or spot-check inspection the listing follows, when there is one.
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_record.id"))
    # The abnormal entry this serious listing follows after its three years.
    moved_from_id: Mapped[int | None] = mapped_column(ForeignKey("credit_list_entry.id"))
    decision_number: Mapped[str | None] = mapped_column(String(100))  # 保市监异入〔2026〕第N号
    listed_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)  # three years after listing
    warned_on: Mapped[date | None] = mapped_column(Date)  # 60 days before the three years
    # How the regulator told the entity, after the warning, of the move at three years.
    warning_told_on: Mapped[date | None] = mapped_column(Date)
    warning_told_how: Mapped[str | None] = mapped_column(String(20))
    warning_note: Mapped[str | None] = mapped_column(Text)
    removed_on: Mapped[date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(String(40))
    removal_text: Mapped[str | None] = mapped_column(Text)
    removal_decision_number: Mapped[str | None] = mapped_column(String(100))
    # The publication of the listing through the enterprise-information service.
    record_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_record.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def in_force_on(self, day: date) -> bool:
        """Whether the listing restricts the entity on `day`."""
        return (self.status in IN_FORCE and self.listed_on is not None
                and self.listed_on <= day and (self.ends_on is None or day < self.ends_on))
