"""Spot-check inspections (抽查检查) for officers in the field and their department: the
list, the page of one inspection (the entity's card and history, the checklist, photos,
both officers' confirmation, the open step with its form), objections, and the figures;
the route table of the `inspections` blueprint."""

from __future__ import annotations

from flask import Blueprint

from webapp.inspection import actions, figures, labels, pages

bp = Blueprint("inspections", __name__, url_prefix="/inspections")
bp.add_url_rule("/", view_func=pages.index)
bp.add_url_rule("/<int:inspection_id>", view_func=pages.show)
bp.add_url_rule("/<int:inspection_id>/field", view_func=actions.field, methods=["POST"])
bp.add_url_rule("/<int:inspection_id>/photos", view_func=actions.photo, methods=["POST"])
bp.add_url_rule("/<int:inspection_id>/confirm", view_func=actions.confirm, methods=["POST"])
bp.add_url_rule("/<int:inspection_id>/steps/<int:item_id>", view_func=actions.step,
                methods=["POST"])
bp.add_url_rule("/<int:inspection_id>/objection", view_func=actions.objection,
                methods=["POST"])
bp.add_url_rule("/figures", "figures", view_func=figures.index)
bp.add_url_rule("/figures.xlsx", view_func=figures.export)
bp.app_context_processor(labels.context)
