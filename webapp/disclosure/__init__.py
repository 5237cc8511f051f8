"""Enterprise information (涉企信息) for departments: their records by state, entering and
changing one, its page with the steps of its case, and the timeliness figures; the
route table of the `records` blueprint."""

from __future__ import annotations

from flask import Blueprint

from webapp.disclosure import entry, figures, imports, labels, lists, page, steps

bp = Blueprint("records", __name__, url_prefix="/records")
bp.add_url_rule("/", view_func=lists.index)
bp.add_url_rule("/new/<category>", view_func=entry.new, methods=["GET", "POST"])
bp.add_url_rule("/<int:record_id>", view_func=page.show)
bp.add_url_rule("/<int:record_id>/edit", view_func=entry.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:record_id>/submit", view_func=steps.submit, methods=["POST"])
bp.add_url_rule("/<int:record_id>/review", view_func=steps.review, methods=["POST"])
bp.add_url_rule("/<int:record_id>/revoked", view_func=steps.revoked, methods=["POST"])
bp.add_url_rule("/<int:record_id>/repair", view_func=steps.repair, methods=["POST"])
bp.add_url_rule("/<int:record_id>/steps/<int:item_id>", view_func=steps.step, methods=["POST"])
bp.add_url_rule("/figures", "figures", view_func=figures.index)
bp.add_url_rule("/figures.xlsx", view_func=figures.export)
bp.add_url_rule("/imports", "imports", view_func=imports.index)
bp.add_url_rule("/imports/upload", "upload", view_func=imports.upload, methods=["POST"])
bp.add_url_rule("/imports/<int:upload_id>", "show_import", view_func=imports.show)
bp.add_url_rule("/imports/<int:upload_id>/progress", "import_progress",
                view_func=imports.progress)
bp.add_url_rule("/imports/<int:upload_id>/import", "start_import", view_func=imports.start,
                methods=["POST"])
bp.add_url_rule("/imports/<int:upload_id>/discard", "discard_import",
                view_func=imports.discard, methods=["POST"])
bp.add_url_rule("/imports/template/<category>.csv", "import_template",
                view_func=imports.template)
bp.add_url_rule("/imports/setting", "import_setting", view_func=imports.setting,
                methods=["POST"])
bp.app_context_processor(labels.context)
