"""The registrar's pages (AMR clerks): registration imports, the routing-failed pool, the
returned notices; the registry shared with departments; the route table of the `registry`
blueprint."""

from __future__ import annotations

from flask import Blueprint

from webapp.registry import imports, jobs, routing, sharing

bp = Blueprint("registry", __name__, url_prefix="/registry")
bp.add_url_rule("/imports", view_func=imports.index)
bp.add_url_rule("/imports", view_func=imports.upload, methods=["POST"])
bp.add_url_rule("/imports/<int:upload_id>", "show_import", view_func=imports.show)
bp.add_url_rule("/imports/<int:upload_id>/progress", view_func=imports.progress)
bp.add_url_rule("/imports/<int:upload_id>/import", view_func=imports.start, methods=["POST"])
bp.add_url_rule("/imports/<int:upload_id>/discard", view_func=imports.discard,
                methods=["POST"])
bp.add_url_rule("/pool", view_func=routing.pool)
bp.add_url_rule("/entities/<int:entity_id>/route", view_func=routing.route, methods=["POST"])
bp.add_url_rule("/entities/<int:entity_id>/no-notice", view_func=routing.no_notice,
                methods=["POST"])
bp.add_url_rule("/returned", view_func=routing.returned)
bp.add_url_rule("/entities", "shared", view_func=sharing.index)
bp.add_url_rule("/entities.xlsx", "shared_export", view_func=sharing.export)
bp.app_context_processor(sharing.nav)
bp.record_once(lambda state: jobs.init_app(state.app))
