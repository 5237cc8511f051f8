"""Credit lists (失信联合惩戒): the abnormal and serious lists by type, area and state, an
entry's page with the steps of its case, proposals, applications, and the figures; the
route table of the `lists` blueprint."""

from __future__ import annotations

from flask import Blueprint

from webapp.credit_lists import actions, figures, labels, pages

bp = Blueprint("lists", __name__, url_prefix="/lists")
bp.add_url_rule("/", view_func=pages.index)
bp.add_url_rule("/new", view_func=pages.new)
bp.add_url_rule("/new", "propose", view_func=actions.propose, methods=["POST"])
bp.add_url_rule("/<int:entry_id>", view_func=pages.show)
bp.add_url_rule("/<int:entry_id>/steps/<int:item_id>", view_func=actions.step, methods=["POST"])
bp.add_url_rule("/<int:entry_id>/apply/<kind>", view_func=actions.apply, methods=["POST"])
bp.add_url_rule("/figures", "figures", view_func=figures.index)
bp.add_url_rule("/figures.xlsx", view_func=figures.export)
bp.app_context_processor(labels.context)
