"""The registry's imports of registration data: files, API pushes, web uploads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class RegistryImport(Base):
    """One import of registration data (a file, or an API push)."""

    __tablename__ = "registry_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(300))  # file name, or "api"
    actor: Mapped[str] = mapped_column(String(64))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_valid: Mapped[int] = mapped_column(Integer, default=0)
    rows_invalid: Mapped[int] = mapped_column(Integer, default=0)
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)
    notices_started: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class RegistryUpload(Base):
    """A registration file uploaded on the web: checked first (a dry run), then imported in
    the background; `stage`, `done` and `total` are its progress for any web worker to show."""

    __tablename__ = "registry_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the file holds: "registry" (registrations), or "records" (enterprise-information
    # records of one `category`, engine.disclosure.bulk); each kind has its own pages.
    kind: Mapped[str] = mapped_column(String(20), default="registry",
                                      server_default="registry", index=True)
    category: Mapped[str | None] = mapped_column(String(30))
    file_name: Mapped[str] = mapped_column(String(300))
    stored_name: Mapped[str] = mapped_column(String(80))  # under var/uploads/registry/
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))  # checking, checked, importing, done, failed
    stage: Mapped[str | None] = mapped_column(String(20))  # checking or importing rows
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_valid: Mapped[int] = mapped_column(Integer, default=0)
    rows_invalid: Mapped[int] = mapped_column(Integer, default=0)
    # [row, column, reason] of every refused row; deferred: the progress polls skip it
    problems: Mapped[list[list[int | str]]] = mapped_column(JSON, default=list, deferred=True)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the import's counts
    import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_import.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
