"""What an import did and says: its counts, its refused rows, a preview of its first rows,
and the callbacks through which the domains take part (routing, previews)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine.models import MarketEntity
from engine.registry.rows import RowProblem

Progress = Callable[[str, int, int | None], None]
"""progress(stage, done, total): stage "checking" (total estimated, may be None) or
"importing" (total = valid rows); called every few hundred rows and after each batch."""


@dataclass(frozen=True)
class EntityChange:
    """An entity a batch registered (新设, "new"), or whose business scope it changed (变更,
    "change"; `old_scope` is the scope before)."""

    entity: MarketEntity
    trigger: Literal["new", "change"]
    old_scope: str | None = None


OnBatch = Callable[[Session, list[EntityChange]], int]
"""on_batch(session, changes) -> notices started; runs in the batch's transaction."""

Preview = Callable[[Session, list[dict[str, Any]]], list[list[tuple[str, str, str | None]]]]
"""preview(session, records) -> for each record, where the domains would send it: (licence
item code, its name, department name or None when the area has none); a dry run shows it
for its first rows, writing nothing."""

PREVIEW_ROWS = 200


@dataclass
class ImportReport:
    """What an import did: counts, every refused row, or why the file could not be read."""

    file_name: str
    dry_run: bool = False
    rows_read: int = 0
    valid: int = 0
    invalid: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    notices_started: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    # The first PREVIEW_ROWS valid rows: row, uscc, name, area_code, area_from ("authority"
    # or "uscc" when the file did not give the area) and, in a dry run, "targets".
    rows: list[dict[str, Any]] = field(default_factory=list)
    area_from: dict[str, int] = field(default_factory=dict)  # rows per source of the area
    file_error: str | None = None
    import_id: int | None = None  # the RegistryImport row (None in a dry run)

    @property
    def imported(self) -> int:
        return self.new + self.changed

    def summary_line(self) -> str:
        return (f"rows read {self.rows_read}, valid {self.valid}, invalid {self.invalid}, "
                f"imported {self.imported}, notices started {self.notices_started}")


def failure_reason(exc: BaseException) -> str:
    """What an import stopped by an unexpected error says to its user and records: never the
    exception's text, which for a database error holds SQL and a row's values (the caller
    logs the exception)."""
    if isinstance(exc, SQLAlchemyError):
        return ("the database refused a batch; the batches before it were imported "
                "(details in the log)")
    return "an unexpected error stopped the import (details in the log)"


