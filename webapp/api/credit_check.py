"""POST /api/v1/credit-check: the credit check ("一处违法、处处受限") for other systems, one
USCC or a batch of up to 10,000, logged for the token's department (which owes feedback)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine import credit_check
from engine.errors import InvalidInput
from webapp import database
from webapp.access import actor, user
from webapp.api.views import body


def _answer(answer: credit_check.Answer) -> dict[str, Any]:
    return {"uscc": answer.uscc, "valid": answer.problem is None, "problem": answer.problem,
            "restricted": answer.restricted,
            "restrictions": [r.as_dict() for r in answer.restrictions]}


@login_required
def check() -> ResponseReturnValue:
    data = body()
    action, purpose = str(data.get("action") or ""), data.get("purpose")
    purpose = str(purpose)[:200] if purpose else None
    session = database.session()
    unit = user().org_unit_id
    if "usccs" in data:
        codes = data["usccs"]
        if not isinstance(codes, list) or not codes:
            raise InvalidInput("usccs must be a non-empty list", fields={"usccs": "not_list"})
        report = credit_check.check_codes(session, actor(), codes, action, unit_id=unit,
                                          origin="api", purpose=purpose)
    else:
        report = credit_check.check_one(session, actor(), data.get("uscc"), action,
                                        unit_id=unit, origin="api", purpose=purpose)
    database.commit()
    common = {"check_id": report.check_id, "action": report.action,
              "checked_on": report.day.isoformat(), "catalogue_version": report.version_number}
    if "usccs" not in data:
        return jsonify(**common, **_answer(report.answers[0]))
    return jsonify(**common, requested=len(report.answers), invalid=report.invalid,
                   restricted=report.restricted,
                   results=[{"index": i, **_answer(a)} for i, a in enumerate(report.answers)])


def openapi_paths(error: dict[str, Any]) -> dict[str, Any]:
    """The path's entry in the OpenAPI document."""
    restriction = {"type": "object", "properties": {
        "measure": {"type": "string", "description": "the measure's code in the catalogue"},
        "title": {"type": "string"}, "list_type": {"enum": ["abnormal", "serious"]},
        "basis": {"type": "object", "properties": {"document": {"type": "string"},
                                                   "clause": {"type": "string"}}},
        "initiating_department": {"type": "string"},
        "implementing_departments": {"type": "array", "items": {"type": "string"}},
        "list_entry_id": {"type": "integer"}, "decision_number": {"type": ["string", "null"]},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": ["string", "null"], "format": "date"}}}
    answer = {"uscc": {"type": "string"}, "valid": {"type": "boolean"},
              "problem": {"type": ["string", "null"], "description": "why the code is invalid"},
              "restricted": {"type": "boolean"},
              "restrictions": {"type": "array", "items": restriction}}
    common = {"check_id": {"type": "integer"}, "action": {"type": "string"},
              "checked_on": {"type": "string", "format": "date"},
              "catalogue_version": {"type": "integer"}}
    request = {"type": "object", "required": ["action"], "properties": {
        "action": {"enum": list(credit_check.ACTIONS)},
        "uscc": {"type": "string", "description": "one code (18 characters)"},
        "usccs": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                  "maxItems": credit_check.MAX_BATCH,
                  "description": "a batch instead of uscc; an invalid code is answered "
                                 "with its problem and costs the others nothing"},
        "purpose": {"type": "string", "maxLength": 200,
                    "description": "the approval or file the check is for"}}}
    single = {"type": "object", "properties": {**common, **answer}}
    batch = {"type": "object", "properties": {
        **common, **{n: {"type": "integer"} for n in ("requested", "invalid", "restricted")},
        "results": {"type": "array", "items": {"type": "object", "properties": {
            "index": {"type": "integer"}, **answer}}}}}
    return {"/credit-check": {"post": {
        "summary": "Credit check (一处违法、处处受限): the joint punishment measures that "
                   "restrict an action for entities on the abnormal or the serious list",
        "description": "Each check is logged with the catalogue version it used; each "
                       "restriction found awaits the feedback of the token's department. "
                       "A single invalid uscc is a 422; in a batch it is answered per row.",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": request}}},
        "responses": {"200": {"description": "the restrictions, per code", "content": {
            "application/json": {"schema": {"oneOf": [single, batch]}}}},
            **{code: error for code in ("401", "422")}}}}}
