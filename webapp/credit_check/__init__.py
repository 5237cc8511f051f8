"""Joint punishment (失信联合惩戒) for officers: the credit check (one code or a file), its
result, the catalogue with its versions, the feedback inbox and the figures; the route table
of the `credit_check` blueprint."""

from __future__ import annotations

from flask import Blueprint

from webapp.credit_check import catalogue, check, feedback, labels, log

bp = Blueprint("credit_check", __name__, url_prefix="/credit-check")
bp.add_url_rule("/", view_func=check.index)
bp.add_url_rule("/", "check", view_func=check.check, methods=["POST"])
bp.add_url_rule("/batch", view_func=check.batch, methods=["POST"])
bp.add_url_rule("/checks/<int:check_id>", view_func=check.show)
bp.add_url_rule("/checks/<int:check_id>.xlsx", view_func=check.result_file)
bp.add_url_rule("/catalogue", "catalogue", view_func=catalogue.index)
bp.add_url_rule("/catalogue/measure", view_func=catalogue.measure, methods=["GET", "POST"])
bp.add_url_rule("/catalogue/remove", view_func=catalogue.remove, methods=["POST"])
bp.add_url_rule("/feedback", "feedback", view_func=feedback.inbox)
bp.add_url_rule("/feedback/<int:hit_id>", view_func=feedback.record, methods=["POST"])
bp.add_url_rule("/figures", "figures", view_func=feedback.figures)
bp.add_url_rule("/figures.xlsx", view_func=feedback.export)
bp.add_url_rule("/log", "log", view_func=log.index)
bp.add_url_rule("/log.xlsx", "log_export", view_func=log.export)
bp.app_context_processor(labels.context)
bp.app_context_processor(feedback.nav)
