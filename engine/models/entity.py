"""Market entities (市场主体) as registered by the market regulator."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class RoutingState(enum.StrEnum):
    """How an entity's registration was routed to licensing departments."""

    NOT_ROUTED = "not_routed"
    AUTO_ROUTED = "auto_routed"
    MANUALLY_ROUTED = "manually_routed"
    ROUTING_FAILED = "routing_failed"
    NO_NOTICE_NEEDED = "no_notice_needed"  # closed from the pool by the registrar, with a reason


class MarketEntity(Base):
    """MarketEntity — 市场主体, keyed by its unified social credit code (USCC)."""

    __tablename__ = "market_entity"
    # The changes feed (GET /api/v1/entities) pages on (updated_at, id).
    __table_args__ = (Index("ix_market_entity_changed", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    registration_number: Mapped[str | None] = mapped_column(String(15), index=True)  # 注册号
    entity_type: Mapped[str | None] = mapped_column(String(100))
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    established_on: Mapped[date | None] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    registered_capital: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    address: Mapped[str | None] = mapped_column(String(300))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    township: Mapped[str | None] = mapped_column(String(100))
    business_term: Mapped[str | None] = mapped_column(String(100))
    business_scope: Mapped[str | None] = mapped_column(Text)
    registration_authority: Mapped[str | None] = mapped_column(String(200))
    supervising_station: Mapped[str | None] = mapped_column(String(200))
    industry_code: Mapped[str | None] = mapped_column(String(20))
    # Credit risk class A (low) to D (high), set by the classification; drives spot-check ratios.
    risk_class: Mapped[str | None] = mapped_column(String(1))
    status: Mapped[str] = mapped_column(String(40), default="存续")
    registrar_org_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    routing_state: Mapped[str] = mapped_column(String(20), default="not_routed",
                                               server_default="not_routed")
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
