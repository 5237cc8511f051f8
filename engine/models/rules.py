"""Deployed decision tables (DMN), such as the dual notice's routing table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class DecisionTable(Base):
    """One immutable deployed version of a decision table (DMN), e.g. the routing table.

    Versioned like process definitions: identical content is not stored twice,
    changed content becomes the next version, and the newest version is the one used.
    """

    __tablename__ = "decision_table"
    __table_args__ = (UniqueConstraint("key", "version"), UniqueConstraint("key", "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    xml: Mapped[str] = mapped_column(Text, deferred=True)
    file_name: Mapped[str | None] = mapped_column(String(200))
    deployed_by: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(String(500))  # why this version was deployed


class RuleDraft(Base):
    """The table an administrator is editing in the browser, before it is deployed: its rules
    as rows, and the business scopes it is tried on. One per table; deploying ends it."""

    __tablename__ = "rule_draft"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    based_on: Mapped[int] = mapped_column(Integer)  # the version it started from
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    samples: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
