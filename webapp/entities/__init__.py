"""Market entities: the search, the page of one entity, its papers; the route table of the
`entities` blueprint."""

from __future__ import annotations

from flask import Blueprint

from webapp.entities import page, papers

bp = Blueprint("entities", __name__, url_prefix="/entities")
bp.add_url_rule("/", view_func=page.index)
bp.add_url_rule("/<int:entity_id>", view_func=page.show)
bp.add_url_rule("/<int:entity_id>/reveal", view_func=page.reveal, methods=["POST"])
bp.add_url_rule("/<int:entity_id>/letter", view_func=papers.letter)
bp.add_url_rule("/<int:entity_id>/commitments", view_func=papers.record_commitment,
                methods=["POST"])
bp.add_url_rule("/commitments/<int:commitment_id>/scan", view_func=papers.scan)
