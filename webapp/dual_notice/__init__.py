"""Dual notices (双告知) for departments: the notices with their lights and steps, the
supervision directory, and the figures; the route table of the `notices` blueprint."""

from __future__ import annotations

from flask import Blueprint

from webapp.dual_notice import directory, figures, labels, lists, nav, page, steps

bp = Blueprint("notices", __name__, url_prefix="/notices")
bp.add_url_rule("/", view_func=lists.index)
bp.add_url_rule("/<int:notice_id>", view_func=page.show)
bp.add_url_rule("/<int:notice_id>/claim", view_func=steps.claim, methods=["POST"])
bp.add_url_rule("/<int:notice_id>/return", view_func=steps.return_back, methods=["POST"])
bp.add_url_rule("/<int:notice_id>/dispatch", view_func=steps.dispatch, methods=["POST"])
bp.add_url_rule("/<int:notice_id>/outcome", view_func=steps.outcome, methods=["POST"])
bp.add_url_rule("/<int:notice_id>/revoke", view_func=steps.revoke, methods=["POST"])
bp.add_url_rule("/<int:notice_id>/reroute", view_func=steps.reroute, methods=["POST"])
bp.add_url_rule("/<int:notice_id>/terminate", view_func=steps.terminate, methods=["POST"])
bp.add_url_rule("/directory", "directory", view_func=directory.index)
bp.add_url_rule("/figures", "figures", view_func=figures.index)
bp.add_url_rule("/figures.xlsx", view_func=figures.export)
bp.app_context_processor(labels.context)
bp.record_once(lambda state: labels.init_filters(state.app))
bp.app_context_processor(nav.links)
