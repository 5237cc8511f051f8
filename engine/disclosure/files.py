"""Records files: a department's CSV or XLSX export of one category, read with the
registry's file machinery (encodings, header row found below title lines, workbook
limits), checked batch by batch, and in an import written one transaction per batch.

A dry run and an import read the file the same way, so the import refuses exactly the
rows the dry run reported (unless the registry or the records changed in between). A
decision already entered (same category, USCC and decision number) is refused, so a file
imported again, or an import cut off and started again, enters only what is missing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from engine import audit, registry
from engine.db import bulk_transaction, settings_of, transaction
from engine.disclosure.bulk import RowProblem, Seen, check_rows, direct_publication, enter_checked
from engine.disclosure.categories import CATEGORIES, RecordForm, record_form
from engine.disclosure.columns import headers_of, row_values, template_headers
from engine.errors import InvalidInput
from engine.models import DataSource, OrgUnit

Progress = Callable[[str, int, int | None], None]
BATCH_ROWS = 1000
KEPT_IDS = 50  # the records a report links to


@dataclass
class BulkReport:
    """What a check or an import of a records file found and did."""

    file_name: str
    category: str
    dry_run: bool
    rows_read: int = 0
    valid: int = 0
    invalid: int = 0
    created: int = 0
    direct: bool = False  # published without review (the department's setting)
    problems: list[RowProblem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field → header in the file
    record_ids: list[int] = field(default_factory=list)  # the first records created
    file_error: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # field → its Chinese label

    def problem_rows(self) -> list[list[int | str]]:
        """[row, column as the file names it, reason] of every problem."""
        return [[p.row, self.column(p.field), p.reason] for p in self.problems]

    def column(self, name: str) -> str:
        if name in self.columns:
            return self.columns[name]
        return self.labels.get(name, name)

    def result(self) -> dict[str, Any]:
        return {"rows_read": self.rows_read, "valid": self.valid, "invalid": self.invalid,
                "created": self.created, "direct": self.direct,
                "record_ids": self.record_ids}


def import_records(sessions: sessionmaker[Session], actor: audit.Actor,
                   source: registry.Source, category: str, department_id: int, *,
                   file_name: str = "upload", dry_run: bool = False,
                   data_source: DataSource = DataSource.IMPORTED,
                   progress: Progress | None = None,
                   batch_size: int = BATCH_ROWS) -> BulkReport:
    """Check a records file of the category for the department (a dry run writes
    nothing), or import its valid rows one transaction per batch; an unreadable file is
    the report's `file_error`."""
    if category not in CATEGORIES:
        raise InvalidInput(f"no category {category!r}", fields={"category": "not_a_choice"})
    report = BulkReport(file_name, category, dry_run)
    with transaction(sessions) as session:
        settings = settings_of(session)
        report.direct = direct_publication(session, _department(session, department_id))
        form = record_form(session, category)  # once for the file, passed to every batch
    report.labels = {f.name: f.label_zh for f in form.fields}
    limits = registry.WorkbookLimits(settings.registry_xlsx_max_unpacked_bytes,
                                     settings.registry_xlsx_max_ratio)
    run = _Run(sessions, actor, report, form, department_id, data_source, progress,
               max(batch_size, 1))
    with registry.open_source(source) as stream:
        try:
            with closing(registry.open_table(stream, limits, headers_of(form))) as table:
                run.read(table)
        except InvalidInput as exc:
            report.file_error = exc.message
    return report


class _Run:
    def __init__(self, sessions: sessionmaker[Session], actor: audit.Actor,
                 report: BulkReport, form: RecordForm, department_id: int,
                 data_source: DataSource, progress: Progress | None, batch_size: int) -> None:
        self.sessions, self.actor, self.report, self.form = sessions, actor, report, form
        self.department_id, self.data_source = department_id, data_source
        self.progress, self.batch_size = progress, batch_size
        self.seen = Seen()

    def read(self, table: registry.Table) -> None:
        self.report.columns = {name: table.headers[indexes[0]]
                               for name, indexes in table.columns.items()}
        batch: list[tuple[int, dict[str, Any]]] = []
        early: dict[int, dict[str, str]] = {}
        for number, cells in table.rows():
            values, problems = row_values(self.form, table.columns, cells)
            batch.append((number, values))
            if problems:
                early[number] = problems
            if len(batch) >= self.batch_size:
                self._batch(batch, early, table.estimated_rows)
                batch, early = [], {}
        self._batch(batch, early, table.estimated_rows)

    def _batch(self, batch: list[tuple[int, dict[str, Any]]], early: dict[int, dict[str, str]],
               estimate: int | None) -> None:
        if not batch:
            return
        report = self.report
        with bulk_transaction(self.sessions) as session:
            department = _department(session, self.department_id)
            outcome = check_rows(session, report.category, department, batch, self.seen, early,
                                 form=self.form)
            if not report.dry_run:
                ids = enter_checked(session, self.actor, report.category, department,
                                    outcome.checked, self.data_source)
                report.created += len(ids)
                report.record_ids.extend(ids[:KEPT_IDS - len(report.record_ids)])
        report.rows_read += len(batch)
        report.valid += len(outcome.checked)
        report.invalid += len(outcome.refused_rows)
        report.problems.extend(outcome.problems)
        if self.progress is not None:
            stage = "checking" if report.dry_run else "importing"
            self.progress(stage, report.rows_read, estimate)


def _department(session: Session, department_id: int) -> OrgUnit:
    department = session.get(OrgUnit, department_id)
    assert department is not None
    return department


def template_csv(session: Session, category: str) -> bytes:
    """An empty file of the category with its header row (UTF-8 with BOM, which Excel
    opens as Chinese), as the category's deployed form has it."""
    out = io.StringIO()
    csv.writer(out).writerow(template_headers(record_form(session, category)))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
