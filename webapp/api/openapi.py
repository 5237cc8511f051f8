"""The OpenAPI 3.1 document of /api/v1, served by the app."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from flask.typing import ResponseReturnValue

from engine.registry.files import COLUMNS, REQUIRED
from engine.work.inbox import TABS
from webapp.api import credit_check, entities, events, records

ERROR = {"$ref": "#/components/responses/Error"}
ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _action(summary: str, body: dict[str, Any] | None = None,
            result: str = "#/components/schemas/ItemResult") -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary, "parameters": [ITEM_ID],
        "responses": {"200": {"description": "done", "content": {
            "application/json": {"schema": {"$ref": result}}}},
            **{code: ERROR for code in ("401", "403", "404", "409", "422")}},
    }
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": body}}}
    return {"post": operation}


def spec(server: str) -> dict[str, Any]:
    query = [{"name": name, "in": "query", "schema": schema} for name, schema in (
        ("tab", {"type": "string", "enum": list(TABS), "default": "mine"}),
        ("process", {"type": "string"}), ("entity", {"type": "string"}),
        ("due_from", {"type": "string", "format": "date"}),
        ("due_to", {"type": "string", "format": "date"}),
        ("priority", {"type": "integer", "enum": [1, 2, 3]}),
        ("page", {"type": "integer", "minimum": 1}),
        ("per_page", {"type": "integer", "minimum": 1, "maximum": 200}))]
    return {
        "openapi": "3.1.0",
        "info": {"title": "creditflow API", "version": "1",
                 "description": "Work items of the signed-in user or of an API token's user; "
                                "the registry of the user's area. "
                                "Browsers send the X-CSRFToken header on POST."},
        "servers": [{"url": server}],
        "security": [{"token": []}, {"session": []}],
        "paths": {
            "/me": {"get": {"summary": "Who is calling", "responses": {
                "200": {"description": "the user"}, "401": ERROR}}},
            "/inbox": {"get": {"summary": "One page of an inbox tab, with every tab's count",
                               "parameters": query, "responses": {
                                   "200": {"description": "the page", "content": {
                                       "application/json": {"schema": {
                                           "$ref": "#/components/schemas/InboxPage"}}}},
                                   "401": ERROR, "422": ERROR}}},
            "/tasks/{item_id}": {"get": {
                "summary": "A task with its form fields and what the caller may do",
                "parameters": [ITEM_ID],
                "responses": {"200": {"description": "the task"}, "401": ERROR, "404": ERROR}}},
            "/tasks/{item_id}/claim": _action("Claim an open, unheld task"),
            "/tasks/{item_id}/release": _action("Give a held task back to its unit"),
            "/tasks/{item_id}/assign": _action("Hand a task to a person or a unit", {
                "type": "object", "properties": {"user_id": {"type": "integer"},
                                                 "org_unit_id": {"type": "integer"}}}),
            "/tasks/{item_id}/complete": _action(
                "Complete a task with its form data; an unheld task is claimed on the way "
                "(claimed_on_completion, and the case history shows the claim)", {
                "type": "object", "required": ["data"],
                "properties": {"data": {"type": "object"}}},
                "#/components/schemas/InstanceResult"),
            "/tasks/{item_id}/return": _action("Return a task where its diagram allows", {
                "type": "object", "required": ["reason", "note"],
                "properties": {"reason": {"type": "string", "enum": ["0", "1", "2", "9"]},
                               "note": {"type": "string", "maxLength": 500}}},
                "#/components/schemas/InstanceResult"),
            "/registrations": _registrations(),
            **events.openapi_paths(ERROR),
            **records.openapi_paths(ERROR),
            **entities.openapi_paths(ERROR),
            **credit_check.openapi_paths(ERROR),
        },
        "components": _components(),
    }


def _registrations() -> dict[str, Any]:
    """Pushes of registration data: the fields and aliases of a registration file."""
    fields = {field: {"type": ["string", "number", "null"],
                      "description": "also as " + ", ".join(h for h in headers if h != field)}
              for field, headers in COLUMNS.items()}
    registration = {"type": "object", "required": list(REQUIRED), "properties": fields,
                    "additionalProperties": True}
    body = {"oneOf": [
        {"type": "array", "items": registration, "maxItems": 5000},
        {"type": "object", "required": ["registrations"], "properties": {
            "registrations": {"type": "array", "items": registration, "maxItems": 5000},
            "dry_run": {"type": "boolean", "default": False,
                        "description": "check every registration and write nothing"}}}]}
    report = {"application/json": {"schema": {"$ref": "#/components/schemas/ImportReport"}}}
    return {"post": {
        "summary": "Push registrations (AMR systems): checked like a registration file, the "
                   "valid ones upserted by USCC and routed; every refused one reported",
        "description": "The caller's user must be an officer of a market regulator. Dates "
                       "are YYYY-MM-DD; the area is a code (530502) or a name (隆阳区); "
                       "registered capital is in 万元. A changed business scope is routed "
                       "again (变更). Refused registrations do not stop the others.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {"200": {"description": "the import's summary", "content": report},
                      "422": {"description": "nothing could be read (no registrations, a "
                                             "required field missing from all)",
                              "content": report},
                      **{code: ERROR for code in ("401", "403")}}}}


def _components() -> dict[str, Any]:
    nullable_time = {"type": ["string", "null"], "format": "date-time"}
    item = {"type": "object", "properties": {
        "id": {"type": "integer"}, "instance_id": {"type": "integer"},
        "task": {"type": "string"}, "title": {"type": "string"},
        "process": {"type": "string"}, "status": {"enum": ["open", "completed", "cancelled"]},
        "priority": {"type": "integer"}, "form_key": {"type": ["string", "null"]},
        "assignee_id": {"type": ["integer", "null"]},
        "created_at": nullable_time, "due_at": nullable_time,
        "light": {"enum": ["green", "yellow", "red", "none"]},
        "entity_name": {"type": ["string", "null"]}, "holder": {"type": ["string", "null"]}}}
    return {
        "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer",
                      "description": "An API token from `creditflow api-token create`"},
            "session": {"type": "apiKey", "in": "cookie", "name": "creditflow_session"}},
        "schemas": {
            "Item": item,
            "InboxPage": {"type": "object", "properties": {
                "tab": {"type": "string"}, "page": {"type": "integer"},
                "pages": {"type": "integer"}, "total": {"type": "integer"},
                "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}},
            "ItemResult": {"type": "object", "properties": {
                "item": {"$ref": "#/components/schemas/Item"}}},
            "ImportReport": {"type": "object", "properties": {
                "dry_run": {"type": "boolean"}, "import_id": {"type": ["integer", "null"]},
                **{name: {"type": "integer"} for name in (
                    "rows_read", "valid", "invalid", "new", "changed", "unchanged",
                    "imported", "notices_started")},
                "summary": {"type": "string"}, "file_error": {"type": ["string", "null"]},
                "problems": {"type": "array", "items": {"type": "object", "properties": {
                    "index": {"type": "integer", "description": "place in the list, from 0"},
                    "row": {"type": "integer", "description": "index + 2, as in a file"},
                    "column": {"type": "string"}, "reason": {"type": "string"}}}}}},
            "InstanceResult": {"type": "object", "properties": {
                "instance_id": {"type": "integer"}, "status": {"type": "string"},
                "claimed_on_completion": {"type": "boolean"}}},
            "Error": {"type": "object", "required": ["error", "code", "message"], "properties": {
                "error": {"type": "string", "description": "the class of error: not_found, "
                          "forbidden, conflict, invalid_input, ..."},
                "code": {"type": "string", "description": "why, stable for clients: "
                         "already_finished, held_by_other, no_such_task, ..."},
                "message": {"type": "string", "description": "for people, in their language"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}},
        "responses": {"Error": {"description": "an error", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
    }


def document() -> ResponseReturnValue:
    return jsonify(spec(url_for("api.me", _external=True).removesuffix("/me")))
