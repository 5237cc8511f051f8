"""The auditors' pages: the audit trail with filters and its chain check, the report of
reads of personal data, both as workbooks; the route table of the `audit` blueprint.
Auditors read here and change nothing."""

from __future__ import annotations

from flask import Blueprint

from webapp.audit_trail import views

bp = Blueprint("audit", __name__, url_prefix="/audit")
bp.add_url_rule("/", view_func=views.index)
bp.add_url_rule("/events.xlsx", view_func=views.export)
bp.add_url_rule("/verify", view_func=views.verify, methods=["POST"])
bp.add_url_rule("/reveals", view_func=views.reveals)
bp.add_url_rule("/reveals.xlsx", view_func=views.export_reveals)
bp.app_context_processor(views.nav)
