"""The market-entity registry: registration files checked, then upserted by USCC in batches.

Two entry points share one procedure:

- `import_registrations(session, ...)` works inside the caller's transaction and never
  commits (tests, small API pushes);
- `import_file(sessions, ...)` commits once per batch, so 100,000 rows import with bounded
  memory and a crash leaves whole batches; the CLI and the upload page call it.

Either way every row is checked first (the report lists every bad row), and a dry run
stops there, having written nothing. A row is refused, with one and the same reason, when
its area is not the writer's to register or its USCC belongs to an entity the writer may
not change (engine.registry.entities.WriteScope): checked with the rows, and again inside
each batch's transaction. Required columns: the USCC, the name, the area,
the business scope and the establishment date (engine.registry.files.REQUIRED); a file
without one of them is refused as a whole, a row with one of them blank is refused. Other
columns are optional, and an empty cell never erases a stored value.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, closing, nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.util import identity_key

from engine import audit, clock
from engine.db import settings_of, transaction
from engine.errors import InvalidInput
from engine.models import MarketEntity, OrgUnit, RegistryImport, RoutingState
from engine.org import areas as org_areas
from engine.registry.entities import OUTSIDE_SCOPE, WriteScope, write_scope
from engine.registry.files import RowSpool, Source, Table, open_source, open_table
from engine.registry.report import (
    PREVIEW_ROWS,
    EntityChange,
    ImportReport,
    OnBatch,
    Preview,
    Progress,
    failure_reason,
)
from engine.registry.rows import RowProblem, RowReader
from engine.registry.search import index_names
from engine.registry.workbooks import WorkbookLimits

DEFAULT_STATUS = "存续"
PROGRESS_EVERY = 1000

__all__ = ["EntityChange", "ImportReport", "RowProblem", "failure_reason", "import_file",
           "import_registrations"]


def import_registrations(session: Session, actor: audit.Actor, source: Source, *,
                         file_name: str, dry_run: bool = False, batch_size: int = 1000,
                         progress: Progress | None = None, on_batch: OnBatch | None = None,
                         preview: Preview | None = None) -> ImportReport:
    """Check a registration file (CSV or XLSX; a path, bytes or a binary file object) and
    upsert its valid rows by USCC inside the caller's transaction.

    New entities and changes of business scope reach `on_batch` after each batch; other
    changed fields are updated silently. A real run records a RegistryImport row and one
    audit event; a dry run reads and checks only. A file that cannot be read at all comes
    back as `report.file_error`, not as an exception.
    """
    run = _Import(lambda: nullcontext(session), actor, file_name, dry_run, batch_size,
                  progress, on_batch, commits=False, preview=preview)
    return run.run(source)


def import_file(sessions: sessionmaker[Session], actor: audit.Actor, path: Source, *,
                file_name: str | None = None, dry_run: bool = False, batch_size: int = 1000,
                progress: Progress | None = None, on_batch: OnBatch | None = None,
                preview: Preview | None = None) -> ImportReport:
    """Like `import_registrations`, but one transaction per batch (bounded memory; a crash
    leaves whole batches, each with its notices). The RegistryImport row is committed before
    the first batch (finished_at stays empty until the end) and keeps running counts; if a
    batch fails, the row records the error and the exception propagates.
    """
    if file_name is None:
        name = path if isinstance(path, str | os.PathLike) else getattr(path, "name", None)
        file_name = Path(name).name if isinstance(name, str | os.PathLike) else "upload"
    run = _Import(lambda: transaction(sessions), actor, file_name, dry_run, batch_size,
                  progress, on_batch, commits=True, preview=preview)
    return run.run(path)


class _Import:
    def __init__(self, unit: Callable[[], AbstractContextManager[Session]],
                 actor: audit.Actor, file_name: str, dry_run: bool, batch_size: int,
                 progress: Progress | None, on_batch: OnBatch | None, commits: bool,
                 preview: Preview | None = None) -> None:
        self.unit, self.actor, self.batch_size = unit, actor, max(batch_size, 1)
        self.progress, self.on_batch, self.commits = progress, on_batch, commits
        self.preview = preview
        self.report = ImportReport(file_name, dry_run)
        self.first_row: dict[str, int] = {}  # USCC -> the row it first appeared in
        self.scope, self.registrars = WriteScope(), dict[str, int | None]()
        self.uscc_column = "uscc"  # as the file names it

    def run(self, source: Source) -> ImportReport:
        with self.unit() as session:
            areas = org_areas.area_lookup(session)
            self.scope, self.registrars = write_scope(session, self.actor), registrar_units(session)
            settings = settings_of(session)
        limits = WorkbookLimits(settings.registry_xlsx_max_unpacked_bytes,
                                settings.registry_xlsx_max_ratio)
        with open_source(source) as stream, tempfile.SpooledTemporaryFile(16 << 20) as spool:
            valid = RowSpool(spool, self.batch_size)
            try:
                with closing(open_table(stream, limits)) as table:
                    reader = RowReader(table, areas)
                    self.uscc_column = reader.header("uscc")
                    self._check(table, reader, valid)
            except InvalidInput as exc:
                self.report.file_error = exc.message
                if not self.report.dry_run:
                    with self.unit() as session:
                        self._finish(session, self._start(session))
                return self.report
            if not self.report.dry_run:
                self._write(valid, reader.fields)
        return self.report

    def _check(self, table: Table, reader: RowReader, valid: RowSpool) -> None:
        """Read every row: the refused ones go to the report, the others to `valid`."""
        report, first_row = self.report, self.first_row
        # to look up in the registry: row number, values, where its area came from
        pending: list[tuple[int, dict[str, Any], str | None]] = []
        for number, cells in table.rows():
            values, problems = reader.read(number, cells)
            if reader.area_from and not problems:
                report.area_from[reader.area_from] = report.area_from.get(reader.area_from, 0) + 1
            code, area = values.get("uscc"), values.get("area_code")
            if code is not None and first_row.setdefault(code, number) != number:
                problems.append(RowProblem(number, reader.header("uscc"),
                                           f"duplicate of row {first_row[code]}"))
            if area is not None and not self.scope.allows(self.registrars.get(area), area):
                problems.append(RowProblem(number, reader.header("area_code"), OUTSIDE_SCOPE))
            report.rows_read += 1
            if problems:
                report.invalid += 1
                report.problems.extend(problems)
            else:
                pending.append((number, values, reader.area_from))
            if len(pending) >= self.batch_size:
                self._check_owners(pending, reader, valid)
            if report.rows_read % PROGRESS_EVERY == 0:
                self._tell("checking", report.rows_read, table.estimated_rows)
        self._check_owners(pending, reader, valid)
        if self.report.dry_run and self.preview is not None and report.rows:
            with self.unit() as session:
                targets = self.preview(session, report.rows)
            for row, found in zip(report.rows, targets, strict=True):
                row["targets"] = found
        report.problems.sort(key=lambda problem: problem.row)
        report.valid = report.rows_read - report.invalid
        self._tell("checking", report.rows_read, report.rows_read)

    def _check_owners(self, pending: list[tuple[int, dict[str, Any], str | None]],
                      reader: RowReader,
                      valid: RowSpool) -> None:
        """Refuse the rows whose USCC is registered where the writer may not write."""
        foreign: set[str] = set()
        if pending and self.scope.units is not None:
            with self.unit() as session:
                foreign = outside_scope(session, [v["uscc"] for _n, v, _a in pending],
                                        self.scope)
        for number, values, area_from in pending:
            if values["uscc"] in foreign:
                self.report.invalid += 1
                self.report.problems.append(RowProblem(number, reader.header("uscc"),
                                                       OUTSIDE_SCOPE))
                continue
            if len(self.report.rows) < PREVIEW_ROWS:
                self.report.rows.append(_row_summary(number, values, area_from))
            if not self.report.dry_run:
                valid.add(values)
        pending.clear()

    def _write(self, valid: RowSpool, fields: tuple[str, ...]) -> None:
        with self.unit() as session:
            import_id = self._start(session)
        try:
            for batch in valid.batches():
                self._import_batch(batch, fields, import_id)
        except Exception as exc:
            if self.commits:  # the caller's session is its own to roll back
                with self.unit() as session:
                    self._finish(session, import_id, failure_reason(exc))
            raise
        with self.unit() as session:
            self._finish(session, import_id)

    def _import_batch(self, batch: list[dict[str, Any]], fields: tuple[str, ...],
                      import_id: int) -> None:
        report = self.report
        with self.unit() as session:
            if self.scope.units is not None:  # moved meanwhile: checked again, under lock
                foreign = outside_scope(session, [r["uscc"] for r in batch], self.scope,
                                        lock=True)
                batch = self._refuse(batch, foreign)
            changes, new, changed = upsert_entities(session, batch, fields, self.registrars)
            notices = self.on_batch(session, changes) if changes and self.on_batch else 0
            session.execute(update(RegistryImport).where(RegistryImport.id == import_id).values(
                rows_imported=report.imported + new + changed,
                notices_started=report.notices_started + notices))
        # counted once the batch is committed (import_file), so a failed one is not
        report.new, report.changed = report.new + new, report.changed + changed
        report.unchanged += len(batch) - new - changed
        report.notices_started += notices
        self._tell("importing", report.imported + report.unchanged, report.valid)

    def _refuse(self, batch: list[dict[str, Any]], foreign: set[str]) -> list[dict[str, Any]]:
        if not foreign:
            return batch
        for code in sorted(foreign, key=self.first_row.__getitem__):
            self.report.problems.append(RowProblem(self.first_row[code], self.uscc_column,
                                                   OUTSIDE_SCOPE))
        self.report.valid -= len(foreign)
        self.report.invalid += len(foreign)
        return [record for record in batch if record["uscc"] not in foreign]

    def _start(self, session: Session) -> int:
        report = self.report
        row = RegistryImport(source=report.file_name[:300], actor=self.actor.name[:64],
                             dry_run=False, started_at=clock.now(), rows_read=report.rows_read,
                             rows_valid=report.valid, rows_invalid=report.invalid,
                             error=report.file_error)
        session.add(row)
        session.flush()
        report.import_id = row.id
        return row.id

    def _finish(self, session: Session, import_id: int, error: str | None = None) -> None:
        report = self.report
        error = error or report.file_error
        session.execute(update(RegistryImport).where(RegistryImport.id == import_id).values(
            finished_at=clock.now(), rows_valid=report.valid, rows_invalid=report.invalid,
            rows_imported=report.imported,
            notices_started=report.notices_started, error=error))
        audit.record(session, self.actor, "registry.import", "registry_import", import_id,
                     file=report.file_name, rows_read=report.rows_read, valid=report.valid,
                     invalid=report.invalid, new=report.new, changed=report.changed,
                     notices_started=report.notices_started, error=error)

    def _tell(self, stage: str, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)


def _row_summary(number: int, values: dict[str, Any], area_from: str | None
                 ) -> dict[str, Any]:
    return {"row": number, "uscc": values["uscc"], "name": values["name"],
            "area_code": values["area_code"], "area_from": area_from,
            "business_scope": values.get("business_scope")}


def registrar_units(session: Session) -> dict[str, int | None]:
    """Area code → the AMR unit that registers its entities: <area>-amr-reg, else <area>-amr."""
    areas = {code for code, _name in org_areas.areas(session)}
    codes = [f"{area}-amr{suffix}" for area in areas for suffix in ("-reg", "")]
    rows = session.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.in_(codes)))
    found = {unit_code: unit_id for unit_code, unit_id in rows}
    return {area: found.get(f"{area}-amr-reg") or found.get(f"{area}-amr") for area in areas}


def outside_scope(session: Session, codes: list[str], scope: WriteScope, *, lock: bool = False
                  ) -> set[str]:
    """The USCCs among `codes` of entities the scope may not change (unknown ones are free).
    With `lock`, their rows stay locked until the transaction ends (PostgreSQL)."""
    query = select(MarketEntity.uscc, MarketEntity.registrar_org_id, MarketEntity.area_code
                   ).where(MarketEntity.uscc.in_(codes))
    rows = session.execute(query.with_for_update() if lock else query)
    return {code for code, unit_id, area in rows if not scope.allows(unit_id, area)}


def upsert_entities(session: Session, records: list[dict[str, Any]], fields: tuple[str, ...],
                    registrars: dict[str, int | None]) -> tuple[list[EntityChange], int, int]:
    """Insert new USCCs, update changed ones (None values keep what is stored), with bulk
    statements. Returns the changes to route (new entities, changed scopes), and the
    numbers of entities inserted and updated."""
    table = MarketEntity.__table__
    columns = [c for c in fields if c != "uscc"]
    stored = session.execute(
        select(table.c.id, table.c.uscc, table.c.registrar_org_id, *(table.c[c] for c in columns))
        .where(table.c.uscc.in_([r["uscc"] for r in records]))).mappings()
    existing = {row["uscc"]: row for row in stored}
    now = clock.now()
    inserts, updates, old_scopes = [], [], {}
    for record in records:
        old = existing.get(record["uscc"])
        if old is None:
            inserts.append(_new_entity(record, registrars, now))
            continue
        merged = {c: old[c] if record[c] is None else record[c] for c in columns}
        merged["registrar_org_id"] = registrars.get(merged["area_code"])
        if all(_same(old[c], value) for c, value in merged.items()):
            continue
        updates.append({"id": old["id"], **merged, "updated_at": now})
        if not _same(old.get("business_scope"), merged.get("business_scope")):
            old_scopes[old["id"]] = old["business_scope"]
    created = _insert(session, inserts)
    if updates:
        session.execute(update(MarketEntity), updates)
        for values in updates:  # bulk updates bypass the identity map
            loaded = session.identity_map.get(identity_key(MarketEntity, values["id"]))
            if loaded is not None:
                session.expire(loaded)
    index_names(session, {**{e.id: e.name for e in created},
                          **{u["id"]: u["name"] for u in updates if "name" in u}})
    rescoped = session.scalars(select(MarketEntity).where(MarketEntity.id.in_(old_scopes))
                               .order_by(MarketEntity.id)).all() if old_scopes else []
    changes = [EntityChange(entity, "new") for entity in created]
    changes += [EntityChange(entity, "change", old_scopes[entity.id]) for entity in rescoped]
    return changes, len(created), len(updates)


def _new_entity(record: dict[str, Any], registrars: dict[str, int | None], now: Any
                ) -> dict[str, Any]:
    return {**record, "status": record.get("status") or DEFAULT_STATUS,
            "registrar_org_id": registrars.get(record["area_code"]),
            "routing_state": RoutingState.NOT_ROUTED.value, "created_at": now, "updated_at": now}


def _insert(session: Session, rows: list[dict[str, Any]]) -> list[MarketEntity]:
    """Insert with one executemany (much faster than INSERT ... RETURNING on psycopg), then
    load the new entities. A USCC that another import inserted meanwhile is skipped: its
    row carries that import's time, not ours."""
    if not rows:
        return []
    table = MarketEntity.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(table).on_conflict_do_nothing(index_elements=["uscc"]), rows)
    created_at = rows[0]["created_at"]
    return list(session.scalars(
        select(MarketEntity).where(MarketEntity.uscc.in_([row["uscc"] for row in rows]),
                                   MarketEntity.created_at == created_at)
        .order_by(MarketEntity.id)))


def _same(stored: Any, value: Any) -> bool:
    if isinstance(stored, Decimal) or isinstance(value, Decimal):
        return stored is not None and value is not None and Decimal(stored) == Decimal(value)
    return bool(stored == value)
