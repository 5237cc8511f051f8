"""One place that turns engine errors and HTTP errors into pages (or JSON under /api/)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, EngineError, Forbidden, IncidentError, InvalidInput, NotFound
from engine.models import User, WorkItem
from engine.runtime.incidents import report_failure
from webapp import database
from webapp.messages import GENERIC, reason_text
from webapp.params import UnreadableInput

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, InvalidInput: 422, IncidentError: 500}
TITLES = {
    400: _l("The request was not understood"),
    401: _l("Please sign in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not allowed"),
    409: _l("Someone else was first"),
    413: _l("The file is too large"),
    422: _l("The input has errors"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(EngineError, engine_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)


def status_of(exc: EngineError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)


def engine_error(exc: EngineError) -> tuple[Any, int]:
    database.rollback()
    if isinstance(exc, IncidentError) and exc.details.get("permanent") is True:
        report_failure(database.sessions(), exc)  # a limit: retrying alike would fail alike
    status = status_of(exc)
    fields = exc.details.get("fields") if isinstance(exc, InvalidInput) else None
    return respond(status, message_for(exc), error=exc.kind, code=exc.code, fields=fields)


def csrf_error(_exc: CSRFError) -> tuple[Any, int]:
    database.rollback()
    return respond(400, _("The form has expired or was not sent by this site. Reload the page "
                          "and try again."), error="csrf")


def http_error(exc: HTTPException) -> Response | tuple[Any, int]:
    database.rollback()
    status = exc.code or 500
    if status == 404:
        return respond(404, _("This page does not exist, or it is not in your area of work."),
                       error="not_found")
    if isinstance(exc, UnreadableInput):
        return respond(400, exc.message, error="bad_request", code=exc.reason)
    if status == 413:
        return respond(413, _("The upload is larger than allowed."), error="too_large")
    return respond(status, str(TITLES.get(status, exc.name)), error=exc.name.lower())


def respond(status: int, message: str, *, error: str, code: str | None = None,
            fields: dict[str, str] | None = None) -> tuple[Any, int]:
    """A page, or under /api/ JSON: `error` the class of error, `code` its reason."""
    if request.path.startswith("/api/"):
        body: dict[str, Any] = {"error": error, "code": code or error, "message": message}
        if fields:
            body["fields"] = fields
        return jsonify(body), status
    title = TITLES.get(status, TITLES[500])
    if request.path.startswith("/public/"):  # the portal's own look, nothing of the officers'
        return render_template("portal/error.html", status=status, title=title,
                               message=message), status
    return render_template("errors/error.html", status=status, title=title, message=message,
                           item_id=(request.view_args or {}).get("item_id")), status


def message_for(exc: EngineError) -> str:
    """What the user reads: the sentence of the error's reason code (webapp.messages)."""
    text = reason_text(exc)
    if exc.code == "held_by_other":
        holder = _holder_name(exc)
        return str(text) % {"name": holder} if holder else str(GENERIC[Conflict])
    return str(text)


def _holder_name(exc: EngineError) -> str | None:
    """Who holds the task now (read after the rollback), for "just claimed by"."""
    item_id, session = exc.details.get("item_id"), database.session()
    item = session.get(WorkItem, item_id) if isinstance(item_id, int) else None
    holder = session.get(User, item.assignee_id) if item and item.assignee_id else None
    return holder.display_name if holder else None
