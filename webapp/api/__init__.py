"""JSON API /api/v1: the inbox and task actions, by session (with CSRF) or API token."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from webapp.api import credit_check, entities, events, openapi, records, registrations, views
from webapp.security import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def csrf_for_sessions() -> None:
    """Token callers are other systems; browsers with a session cookie need the CSRF header."""
    if current_user.is_authenticated and not getattr(current_user, "via_token", False):
        csrf.protect()


bp.add_url_rule("/openapi.json", view_func=openapi.document)
bp.add_url_rule("/me", view_func=views.me)
bp.add_url_rule("/inbox", view_func=views.inbox)
bp.add_url_rule("/tasks/<int:item_id>", view_func=views.task)
bp.add_url_rule("/tasks/<int:item_id>/claim", view_func=views.claim, methods=["POST"])
bp.add_url_rule("/tasks/<int:item_id>/release", view_func=views.release, methods=["POST"])
bp.add_url_rule("/tasks/<int:item_id>/assign", view_func=views.assign, methods=["POST"])
bp.add_url_rule("/tasks/<int:item_id>/complete", view_func=views.complete, methods=["POST"])
bp.add_url_rule("/tasks/<int:item_id>/return", view_func=views.return_back, methods=["POST"])
bp.add_url_rule("/registrations", view_func=registrations.push, methods=["POST"])
bp.add_url_rule("/records", "push_records", view_func=records.push, methods=["POST"])
bp.add_url_rule("/entities", view_func=entities.changes)
bp.add_url_rule("/messages", view_func=events.message, methods=["POST"])
bp.add_url_rule("/signals", view_func=events.signal, methods=["POST"])
bp.add_url_rule("/credit-check", "credit_check", view_func=credit_check.check, methods=["POST"])
