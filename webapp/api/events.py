"""POST /api/v1/messages and /api/v1/signals: events other systems send to cases."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.runtime import events
from webapp import database
from webapp.access import actor
from webapp.api.views import body
from webapp.params import api_int


def _send(kind: str) -> ResponseReturnValue:
    data = body()
    send = events.send_signal if kind == "signal" else events.send_message
    business_key = data.get("business_key")
    delivery = send(database.session(), actor(), data.get("name"),  # type: ignore[arg-type]
                    payload=data.get("payload"),
                    instance_id=api_int(data.get("instance_id"), "instance_id"),
                    business_key=str(business_key) if business_key is not None else None)
    database.commit()
    return jsonify(delivery.as_dict())


@login_required
def message() -> ResponseReturnValue:
    return _send("message")


@login_required
def signal() -> ResponseReturnValue:
    return _send("signal")


def openapi_paths(error: dict[str, Any]) -> dict[str, Any]:
    event = {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "maxLength": 200},
        "payload": {"type": "object", "description": "task data for the catching task "
                    f"(at most {events.MAX_PAYLOAD_BYTES:,} bytes of JSON)"},
        "instance_id": {"type": "integer", "description": "only this instance"},
        "business_key": {"type": "string", "description": "only instances with this key"}}}
    result = {"application/json": {"schema": {"type": "object", "properties": {
        "kind": {"enum": ["message", "signal"]}, "name": {"type": "string"},
        "caught": {"type": "boolean"},
        "delivered": {"type": "array", "items": {"type": "integer"}},
        "started": {"type": "array", "items": {"type": "integer"}}}}}}

    def operation(summary: str, description: str) -> dict[str, Any]:
        return {"post": {
            "summary": summary, "description": description + " The caller must be a system "
            f"administrator. At most {events.MAX_RECIPIENTS} cases per call (more is 422).",
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": event}}},
            "responses": {"200": {"description": "who caught it (caught is false when "
                                                 "nobody waited)", "content": result},
                          **{code: error for code in ("401", "403", "422")}}}}

    return {
        "/messages": operation(
            "Send a message to the cases waiting for it",
            "Each waiting case's correlation decides (the catch's correlation properties "
            "evaluated over the payload); when no case takes it, it starts a case of each "
            "process whose start event waits for it."),
        "/signals": operation("Send a signal to the cases waiting for it",
                              "Every running case waiting for it catches it."),
    }
