"""Unlicensed operation (无证无照) for departments: cases by state and area with lights,
entering a lead, the case page where each step is worked, the copy-to notices (抄告)
received and sent, the figures; the route table of the `unlicensed` blueprint."""

from __future__ import annotations

from flask import Blueprint

from webapp.unlicensed import entry, figures, labels, lists, page

bp = Blueprint("unlicensed", __name__, url_prefix="/unlicensed")
bp.add_url_rule("/", view_func=lists.index)
bp.add_url_rule("/new", view_func=entry.new, methods=["GET", "POST"])
bp.add_url_rule("/<int:case_id>", view_func=page.show)
bp.add_url_rule("/<int:case_id>/steps/<int:item_id>", view_func=page.step, methods=["POST"])
bp.add_url_rule("/copies", view_func=lists.copies)
bp.add_url_rule("/figures", "figures", view_func=figures.index)
bp.add_url_rule("/figures.xlsx", view_func=figures.export)
bp.app_context_processor(labels.context)
