"""POST /api/v1/records: enterprise-information records pushed by a department's own
system, checked like the rows of a records file and entered for the token's department
(data source "api"), in one transaction; an answer per record."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine import disclosure
from engine.disclosure.pushes import MAX_RECORDS
from webapp import database
from webapp.access import actor
from webapp.api.views import body


@login_required
def push() -> ResponseReturnValue:
    data = body()
    session = database.session()
    dry_run = bool(data.get("dry_run"))
    answers = disclosure.push_records(session, actor(), str(data.get("category") or ""),
                                      data.get("records"), dry_run=dry_run)
    database.commit()
    created = sum(1 for a in answers if a["record_id"] is not None)
    valid = sum(1 for a in answers if a["valid"])
    return jsonify(dry_run=dry_run, category=data.get("category"), received=len(answers),
                   valid=valid, invalid=len(answers) - valid, created=created,
                   direct_publication=disclosure.direct_publication(
                       session, disclosure.entering_department(session, actor())),
                   records=answers)


def openapi_paths(error: dict[str, Any]) -> dict[str, Any]:
    """The path's entry in the OpenAPI document."""
    record = {"type": "object", "additionalProperties": {
        "type": ["string", "number", "array", "null"]},
        "description": "a record's fields by name (party_uscc, party_name, decision_number, "
                       "decision_date, backfilled, and the category form's fields) or by a "
                       "records file's header (行政相对人名称, 处罚决定日期, ...); choices by "
                       "value or label, a multiple choice as a list or 、-separated"}
    request = {"type": "object", "required": ["category", "records"], "properties": {
        "category": {"enum": list(disclosure.CATEGORIES)},
        "records": {"type": "array", "items": record, "minItems": 1, "maxItems": MAX_RECORDS},
        "dry_run": {"type": "boolean", "default": False,
                    "description": "check every record and write nothing"}}}
    answer = {"type": "object", "properties": {
        "dry_run": {"type": "boolean"}, "category": {"type": "string"},
        **{name: {"type": "integer"} for name in ("received", "valid", "invalid", "created")},
        "direct_publication": {"type": "boolean", "description": "the department publishes "
                               "bulk-entered records without review"},
        "records": {"type": "array", "items": {"type": "object", "properties": {
            "index": {"type": "integer", "description": "place in the list, from 0"},
            "record_id": {"type": ["integer", "null"]}, "valid": {"type": "boolean"},
            "problems": {"type": "object", "additionalProperties": {"type": "string"},
                         "description": "field → why it was refused"}}}}}}
    return {"/records": {"post": {
        "summary": "Push enterprise-information records (涉企信息) of one category for the "
                   "token's department: each checked like the entry form (the party "
                   "matched against the registry), the valid ones entered and sent for "
                   "review, or published when the department allows direct publication",
        "description": "The token's user must work in a department. A decision already "
                       "entered (category, USCC, decision number) is refused, so a push "
                       "can be repeated. Refused records do not stop the others.",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": request}}},
        "responses": {"200": {"description": "an answer per record", "content": {
            "application/json": {"schema": answer}}},
            **{code: error for code in ("401", "403", "422")}}}}}
