"""The public credit portal (信用公示): search market entities, an entity's public page and
printable report, the objection form and the report of unlicensed operation; no sign-in,
no cookies, cacheable, rate-limited. The route table of the `portal` blueprint."""

from __future__ import annotations

from flask import Blueprint

from webapp.portal import guard, objection, pages, unlicensed

bp = Blueprint("portal", __name__, url_prefix="/public")
bp.before_request(guard.limit_rate)
bp.after_request(guard.public_headers)
bp.app_context_processor(guard.language_links)
bp.add_url_rule("/", view_func=pages.index)
bp.add_url_rule("/unlicensed/report", "unlicensed_report", view_func=unlicensed.report,
                methods=["GET", "POST"])
bp.add_url_rule("/unlicensed/report/sent", "unlicensed_sent", view_func=unlicensed.sent)
bp.add_url_rule("/<uscc>", view_func=pages.entity)
bp.add_url_rule("/<uscc>/report", view_func=pages.report)
bp.add_url_rule("/<uscc>/report.pdf", view_func=pages.report_pdf)
bp.add_url_rule("/records/<ref>/objection", view_func=objection.form, methods=["GET", "POST"])
bp.add_url_rule("/records/<ref>/objection/sent", view_func=objection.sent)
