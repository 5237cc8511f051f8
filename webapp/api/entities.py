"""GET /api/v1/entities: the registry of the caller's area for other systems, public fields
in the order they changed, paged by an opaque cursor."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine import shared_registry
from webapp import database
from webapp.access import user
from webapp.params import api_int


@login_required
def changes() -> ResponseReturnValue:
    since = request.args.get("changed_since")
    page = shared_registry.entity_changes(
        database.session(), user(), cursor=request.args.get("cursor") or None,
        since=shared_registry.parse_moment(since, "changed_since") if since else None,
        limit=api_int(request.args.get("limit"), "limit",
                      high=shared_registry.MAX_CHANGES) or 100)
    return jsonify(entities=page.rows, next_cursor=page.next_cursor, has_more=page.has_more)


def openapi_paths(error: dict[str, Any]) -> dict[str, Any]:
    """The feed in the OpenAPI document."""
    text = {"type": ["string", "null"]}
    entity = {"type": "object", "properties": {
        "uscc": {"type": "string", "description": "unified social credit code, the key"},
        "name": {"type": "string"}, "legal_representative": text, "address": text,
        "business_scope": text, "status": {"type": "string", "description": "存续, 注销, ..."},
        "updated_at": {"type": "string", "format": "date-time",
                       "description": "when the registration last changed (UTC)"}}}
    parameters = [
        {"name": "changed_since", "in": "query", "schema": {"type": "string",
                                                            "format": "date-time"},
         "description": "entities changed at or after this time; with a zone offset "
                        "(2026-12-01T00:00:00+08:00 or ...Z). Ignored with a cursor."},
        {"name": "cursor", "in": "query", "schema": {"type": "string"},
         "description": "next_cursor of the previous page: the page after it"},
        {"name": "limit", "in": "query", "schema": {
            "type": "integer", "minimum": 1, "maximum": shared_registry.MAX_CHANGES,
            "default": 100}}]
    page = {"type": "object", "properties": {
        "entities": {"type": "array", "items": entity},
        "next_cursor": {"type": ["string", "null"], "description": "where to go on from; "
                        "keep it and ask again later for what changed since"},
        "has_more": {"type": "boolean", "description": "whether more changes wait now"}}}
    return {"/entities": {"get": {
        "summary": "The registry of the caller's area in the order it changed (互联共享)",
        "description": "Public registration fields only (no phone or ID-card numbers; any "
                       "typed into free text are masked). The caller's user must be an "
                       "officer or administrator of a department: a unit of the city reads "
                       "the whole city, a county's unit its county. Pages are ordered by "
                       "(updated_at, entity), so rows that share a change time are neither "
                       "skipped nor repeated. A registration that changes again comes back "
                       "after the cursor with its new time. Poll with the last next_cursor, "
                       "going back a few minutes with changed_since after an outage "
                       "(an import's changes carry its start time and appear when it "
                       "commits).",
        "parameters": parameters,
        "responses": {"200": {"description": "one page", "content": {
            "application/json": {"schema": page}}},
            **{code: error for code in ("401", "403", "422")}}}}}
