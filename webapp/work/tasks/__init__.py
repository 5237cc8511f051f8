"""The task page and everything done on it; the route table of the `tasks` blueprint."""

from __future__ import annotations

from flask import Blueprint

from webapp.work.tasks import actions, casefile, page

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
bp.add_url_rule("/<int:item_id>", view_func=page.show)
bp.add_url_rule("/<int:item_id>/complete", view_func=page.complete, methods=["POST"])
bp.add_url_rule("/<int:item_id>/return", view_func=page.return_back, methods=["POST"])
bp.add_url_rule("/<int:item_id>/claim", view_func=actions.claim, methods=["POST"])
bp.add_url_rule("/<int:item_id>/release", view_func=actions.release, methods=["POST"])
bp.add_url_rule("/<int:item_id>/assign", view_func=actions.assign, methods=["POST"])
bp.add_url_rule("/<int:item_id>/urge", view_func=actions.urge, methods=["POST"])
bp.add_url_rule("/<int:item_id>/comments", view_func=casefile.comment, methods=["POST"])
bp.add_url_rule("/<int:item_id>/attachments", view_func=casefile.upload, methods=["POST"])
bp.add_url_rule("/attachments/<int:attachment_id>", view_func=casefile.download)
bp.add_url_rule("/<int:item_id>/diagram.bpmn", view_func=casefile.diagram_xml)
bp.add_url_rule("/<int:item_id>/diagram.json", view_func=casefile.diagram_states)
