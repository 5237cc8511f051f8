"""POST /api/v1/registrations: registration data pushed by another system (system to system),
checked and imported like a registration file, in one transaction."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine import domains
from engine.errors import InvalidInput
from engine.registry import ImportReport, import_registrations
from engine.registry.files import records_csv
from engine.registry.uploads import is_registrar
from webapp import database
from webapp.access import actor, user

MAX_RECORDS = 5000  # one transaction: larger sets go in several pushes, or as a file


@login_required
def push() -> ResponseReturnValue:
    if not is_registrar(database.session(), user()):
        abort(403)
    data = request.get_json(silent=True)
    records = data.get("registrations") if isinstance(data, dict) else data
    dry_run = bool(data.get("dry_run")) if isinstance(data, dict) else False
    if isinstance(records, list) and len(records) > MAX_RECORDS:
        raise InvalidInput(f"at most {MAX_RECORDS} registrations per push",
                           fields={"registrations": "too_many"})
    report = import_registrations(
        database.session(), actor(), records_csv(records), file_name="api", dry_run=dry_run,
        on_batch=None if dry_run else domains.on_registrations(actor()))
    database.commit()  # a refused push is kept on record too
    if report.file_error:
        return jsonify(error="invalid_input", message=report.file_error,
                       **report_json(report)), 422
    return jsonify(report_json(report))


def report_json(report: ImportReport) -> dict[str, Any]:
    """The summary and every refused row; `index` is the registration's place in the list."""
    return {
        "dry_run": report.dry_run, "import_id": report.import_id,
        "rows_read": report.rows_read, "valid": report.valid, "invalid": report.invalid,
        "new": report.new, "changed": report.changed, "unchanged": report.unchanged,
        "imported": report.imported, "notices_started": report.notices_started,
        "summary": report.summary_line(), "file_error": report.file_error,
        "problems": [{"index": p.row - 2, "row": p.row, "column": p.column,
                      "reason": p.reason} for p in report.problems]}
