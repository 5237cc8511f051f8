"""One place that turns engine errors and HTTP errors into pages (or JSON under /api/)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, EngineError, Forbidden, IncidentError, InvalidInput, NotFound
from engine.models import User, WorkItem, WorkItemStatus
from webapp import database

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
# The engine's messages are English for operators; users get these instead.
FORBIDDEN_MESSAGES = {
    "you are not a candidate": _l("You are not one of the people this task is meant for."),
    "only the holder or a manager": _l("Only the holder of this task or a manager can do this."),
    "only a signed-in user": _l("Only a signed-in user can hold a task."),
    "this account is not active": _l("This account is not active."),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(EngineError, engine_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)


def status_of(exc: EngineError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)


def engine_error(exc: EngineError) -> tuple[Any, int]:
    database.rollback()
    status = status_of(exc)
    fields = exc.details.get("fields") if isinstance(exc, InvalidInput) else None
    return respond(status, message_for(exc), code=exc.kind, fields=fields)


def csrf_error(_exc: CSRFError) -> tuple[Any, int]:
    database.rollback()
    return respond(400, _("The form has expired or was not sent by this site. Reload the page "
                          "and try again."), code="csrf")


def http_error(exc: HTTPException) -> Response | tuple[Any, int]:
    database.rollback()
    status = exc.code or 500
    if status == 404:
        return respond(404, _("This page does not exist, or it is not in your area of work."),
                       code="not_found")
    if status == 413:
        return respond(413, _("The upload is larger than allowed."), code="too_large")
    return respond(status, str(TITLES.get(status, exc.name)), code=exc.name.lower())


def respond(status: int, message: str, *, code: str,
            fields: dict[str, str] | None = None) -> tuple[Any, int]:
    if request.path.startswith("/api/"):
        body: dict[str, Any] = {"error": code, "message": message}
        if fields:
            body["fields"] = fields
        return jsonify(body), status
    title = TITLES.get(status, TITLES[500])
    return render_template("errors/error.html", status=status, title=title, message=message,
                           item_id=(request.view_args or {}).get("item_id")), status


def message_for(exc: EngineError) -> str:
    if isinstance(exc, NotFound):
        return _("This does not exist, or it is not in your area of work.")
    if isinstance(exc, Conflict):
        return _conflict_message(exc)
    if isinstance(exc, Forbidden):
        text = exc.message.lower()
        found = next((m for key, m in FORBIDDEN_MESSAGES.items() if key in text), None)
        return str(found or _("You may not do this."))
    if isinstance(exc, InvalidInput):
        return _("The input has errors; see the marked fields.")
    if isinstance(exc, IncidentError):
        return _("The process failed. The operators have been told; try again later.")
    return _("Something went wrong.")


def _conflict_message(exc: Conflict) -> str:
    item_id = exc.details.get("item_id")
    item = database.session().get(WorkItem, item_id) if isinstance(item_id, int) else None
    if item is not None:
        if item.status != WorkItemStatus.OPEN:
            return _("This task is already finished.")
        holder = database.session().get(User, item.assignee_id) if item.assignee_id else None
        if holder is not None:
            return _("This task was just claimed by %(name)s.", name=holder.display_name)
    if "suspended" in exc.message:
        return _("The case is suspended.")
    if "closed" in exc.message:
        return _("The case is closed.")
    return _("Someone else changed this case first. Reload the page and try again.")
