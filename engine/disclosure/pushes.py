"""Records pushed by another system (`POST /api/v1/records`): one or many records of a
category, for the department the caller works in, checked and entered like a file's rows
(data source "api") in the caller's transaction; an answer per record."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import audit
from engine.disclosure.bulk import Seen, check_rows, enter_checked
from engine.disclosure.categories import CATEGORIES, RecordForm, record_form
from engine.disclosure.columns import cell_value, headers_of
from engine.disclosure.records import entering_department
from engine.errors import InvalidInput
from engine.models import DataSource

MAX_RECORDS = 1000  # one transaction: larger sets go in several pushes, or as a file


def push_records(session: Session, actor: audit.Actor, category: str, records: object,
                 dry_run: bool = False) -> list[dict[str, Any]]:
    """Check the pushed records and, unless `dry_run`, enter the valid ones (sent for
    review, or published when the department allows it). Per record, in order: its
    `index`, and `record_id` (None in a dry run) or its `problems` (field → reason)."""
    department = entering_department(session, actor)
    if category not in CATEGORIES:
        raise InvalidInput(f"no category {category!r}", fields={"category": "not_a_choice"})
    form = record_form(session, category)
    rows = _rows(form, records)
    outcome = check_rows(session, category, department, rows, Seen(), form=form)
    ids = [] if dry_run else enter_checked(session, actor, category, department,
                                           outcome.checked, DataSource.API)
    created = dict(zip((c.row for c in outcome.checked), ids, strict=False))
    problems: dict[int, dict[str, str]] = {}
    for p in outcome.problems:
        problems.setdefault(p.row, {})[p.field] = p.reason
    return [{"index": number - 1, "record_id": created.get(number),
             "valid": number not in problems, "problems": problems.get(number, {})}
            for number, _raw in rows]


def _rows(form: RecordForm, records: object) -> list[tuple[int, dict[str, Any]]]:
    """The records as rows numbered from 1, keys read as a file's headers (field names,
    labels or synonyms), values as a file's cells."""
    if not isinstance(records, list) or not records:
        raise InvalidInput("send a list of records", fields={"records": "not_list"})
    if len(records) > MAX_RECORDS:
        raise InvalidInput(f"at most {MAX_RECORDS} records per push",
                           fields={"records": "too_many"})
    headers = headers_of(form)
    fields = {f.name: f for f in form.fields}
    rows = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise InvalidInput("each record is an object",
                               fields={f"records[{index}]": "not_object"})
        raw: dict[str, Any] = {}
        for key, value in record.items():
            name = headers.field_of(str(key))
            if name is None or value is None or value == "":
                continue
            if isinstance(value, dict) or (isinstance(value, list)
                                           and fields[name].type != "multiselect"):
                raise InvalidInput("values are text, numbers or lists of choices",
                                   fields={f"records[{index}].{key}": "not_scalar"})
            raw[name] = cell_value(fields[name], value)
        rows.append((index + 1, raw))
    return rows
