"""Versioned task forms (表单) and the form versions each process version was deployed with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class FormVersion(Base):
    """One immutable saved version of a form: the definition as forms/<key>.toml reads
    (title_zh, title_en, fields), saved by the deploy of a shipped file or the editor."""

    __tablename__ = "form_version"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # Of the definition's canonical JSON: saving identical content makes no new version.
    sha256: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)


class ProcessForm(Base):
    """The version of a form that a process version uses: its instances render and check
    their tasks with it for good, whatever versions of the form come later."""

    __tablename__ = "process_form"

    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"),
                                               primary_key=True)
    form_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_version.id"), index=True)
