"""Registration files: upload, the dry run's every bad row, then the import, with progress."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine import domains
from engine.dual_notice import queries as notice_queries
from engine.errors import InvalidInput
from engine.models import RegistryUpload
from engine.org import areas as org_areas
from engine.paging import Page
from engine.registry import uploads as registry_uploads
from engine.registry.report import PREVIEW_ROWS
from webapp import database
from webapp.access import actor, user
from webapp.config import FORM_OVERHEAD_BYTES, settings
from webapp.dual_notice.labels import STAGES, UPLOAD_STATES
from webapp.params import page_arg
from webapp.prg import recall, send_back
from webapp.registry.forms import RegistryFileForm
from webapp.registry.jobs import jobs
from webapp.registry.messages import file_error, row_reason, upload_refused
from webapp.registry.registrars import background_sessions, registrar_required
from webapp.security import csrf
from webapp.work.tasks.forms import ActionForm

PROBLEMS_PER_PAGE = 200


def render_index(form: RegistryFileForm, status: int = 200) -> ResponseReturnValue:
    uploads = registry_uploads.recent_uploads(database.session(), user())
    limit_mb = settings().registry_upload_max_bytes // (1024 * 1024)
    return render_template("registry/imports.html", form=form, uploads=uploads,
                           limit_mb=limit_mb), status


@registrar_required
def index() -> ResponseReturnValue:
    return render_index(recall(RegistryFileForm, "registry:upload") or RegistryFileForm())


def failed(form: RegistryFileForm) -> ResponseReturnValue:
    """Back to the page with the errors (PRG; a file cannot be kept, the choice is again)."""
    return send_back(form, "registry:upload", url_for("registry.index")) or render_index(
        form, 422)


@registrar_required
def upload() -> ResponseReturnValue:
    # Registration files may be larger than other uploads: the limit is raised before the
    # body is read, so the CSRF check waits until then.
    request.max_content_length = settings().registry_upload_max_bytes + FORM_OVERHEAD_BYTES
    csrf.protect()
    form = RegistryFileForm()
    if not form.validate_on_submit():
        return failed(form)
    try:
        row = registry_uploads.store_upload(database.session(), actor(),
                                            form.file.data.filename, form.file.data.stream)
    except InvalidInput as exc:
        database.rollback()
        form.file.errors = [upload_refused(exc.details)]
        return failed(form)
    database.commit()
    jobs().submit(registry_uploads.check_upload, background_sessions(), actor(), row.id,
                  domains.registration_preview())
    return redirect(url_for("registry.show_import", upload_id=row.id))


csrf.exempt(upload)


@registrar_required
def show(upload_id: int) -> ResponseReturnValue:
    row = registry_uploads.get_upload(database.session(), actor(), upload_id)
    number = page_arg()
    problems = row.problems or []
    start = (number - 1) * PROBLEMS_PER_PAGE
    page = Page([(r, c, row_reason(why)) for r, c, why in
                 problems[start:start + PROBLEMS_PER_PAGE]], len(problems), number,
                PROBLEMS_PER_PAGE)
    result = row.result or {}
    rows = result.get("preview") if row.state == registry_uploads.CHECKED else (
        result.get("rows") if row.state == registry_uploads.DONE else None)
    routed = notice_queries.routing_results(database.session(), [r["uscc"] for r in rows]) \
        if rows and row.state == registry_uploads.DONE else {}
    return render_template("registry/import.html", upload=row, problems=page,
                           error=file_error(row.error), progress=progress_of(row),
                           action_form=ActionForm(), rows=rows or [], routed=routed,
                           area_from=result.get("area_from") or {},
                           area_names=dict(org_areas.areas(database.session())) if rows else {},
                           preview_limit=PREVIEW_ROWS)


@registrar_required
def progress(upload_id: int) -> ResponseReturnValue:
    return jsonify(progress_of(registry_uploads.get_upload(database.session(), actor(),
                                                           upload_id)))


@registrar_required
def start(upload_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("registry.show_import", upload_id=upload_id))
    registry_uploads.start_import(database.session(), actor(), upload_id)
    database.commit()
    jobs().submit(registry_uploads.run_import, background_sessions(), actor(), upload_id,
                  domains.on_registrations(actor()))
    return redirect(url_for("registry.show_import", upload_id=upload_id))


@registrar_required
def discard(upload_id: int) -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        registry_uploads.discard_upload(database.session(), actor(), upload_id)
        database.commit()
        flash(_("The file was discarded; nothing was imported."), "success")
    return redirect(url_for("registry.index"))


def progress_of(row: RegistryUpload) -> dict[str, object]:
    """What the status page and its poller show."""
    total = row.total or 0
    percent = min(100, round(100 * row.done / total)) if total else None
    stalled = registry_uploads.is_stalled(row)
    return {"state": row.state, "state_label": str(UPLOAD_STATES.get(row.state, row.state)),
            "stage": row.stage, "stage_label": str(STAGES.get(row.stage or "", "")),
            "done": row.done, "total": row.total, "percent": percent,
            "running": row.state in registry_uploads.RUNNING and not stalled,
            "stalled": stalled}
