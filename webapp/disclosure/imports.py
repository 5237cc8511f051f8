"""Records files of a department: upload, the dry run's every bad row, the import with its
progress and the records it made; the template of each category; the department's
direct-publication setting."""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, SelectField

from engine import disclosure
from engine.errors import InvalidInput
from engine.models import DisclosureRecord, OrgUnit, Role
from engine.paging import Page
from webapp import database
from webapp.access import actor, user
from webapp.config import FORM_OVERHEAD_BYTES, settings
from webapp.disclosure.messages import row_reason
from webapp.i18n import select_locale
from webapp.params import page_arg
from webapp.prg import recall, send_back
from webapp.registry.imports import progress_of
from webapp.registry.jobs import jobs
from webapp.registry.messages import file_error, upload_refused
from webapp.registry.registrars import background_sessions
from webapp.security import csrf
from webapp.work.tasks.forms import ActionForm

PROBLEMS_PER_PAGE = 200


class RecordsFileForm(FlaskForm):
    category = SelectField(_l("Category"), validate_choice=True)
    file = FileField(_l("Records file (CSV or XLSX)"),
                     validators=[FileRequired(message=_l("Choose a file."))])

    def fill(self, locale: str) -> RecordsFileForm:
        self.category.choices = [(code, c.name(locale))
                                 for code, c in disclosure.CATEGORIES.items()]
        return self


class SettingForm(FlaskForm):
    direct_publication = BooleanField(_l("Publish our bulk-entered records without review"))


def _department() -> OrgUnit:
    return disclosure.entering_department(database.session(), actor())


def render_index(form: RecordsFileForm, status: int = 200) -> ResponseReturnValue:
    session = database.session()
    department = _department()
    setting = SettingForm(direct_publication=disclosure.direct_publication(session, department))
    return render_template(
        "records/imports.html", form=form, setting=setting,
        uploads=disclosure.recent_records_files(session, user()), department=department,
        is_admin=user().has_role(Role.DEPT_ADMIN),
        direct=disclosure.direct_publication(session, department),
        limit_mb=settings().registry_upload_max_bytes // (1024 * 1024)), status


@login_required
def index() -> ResponseReturnValue:
    _department()
    form = recall(RecordsFileForm, "records:upload") or RecordsFileForm()
    return render_index(form.fill(select_locale()))


@login_required
def upload() -> ResponseReturnValue:
    request.max_content_length = settings().registry_upload_max_bytes + FORM_OVERHEAD_BYTES
    csrf.protect()
    _department()
    form = RecordsFileForm().fill(select_locale())
    if not form.validate_on_submit():
        return _failed(form)
    try:
        row = disclosure.store_records_file(database.session(), actor(), form.category.data,
                                            form.file.data.filename, form.file.data.stream)
    except InvalidInput as exc:
        database.rollback()
        form.file.errors = [upload_refused(exc.details)]
        return _failed(form)
    database.commit()
    jobs().submit(disclosure.check_records_file, background_sessions(), actor(), row.id)
    return redirect(url_for("records.show_import", upload_id=row.id))


csrf.exempt(upload)


def _failed(form: RecordsFileForm) -> ResponseReturnValue:
    return send_back(form, "records:upload", url_for("records.imports")) or render_index(
        form, 422)


@login_required
def show(upload_id: int) -> ResponseReturnValue:
    session = database.session()
    row = disclosure.get_records_file(session, actor(), upload_id)
    number = page_arg()
    problems = row.problems or []
    start = (number - 1) * PROBLEMS_PER_PAGE
    page = Page([(r, c, row_reason(why)) for r, c, why in
                 problems[start:start + PROBLEMS_PER_PAGE]], len(problems), number,
                PROBLEMS_PER_PAGE)
    result = row.result or {}
    made = []
    if row.state == "done" and result.get("record_ids"):
        made = list(session.execute(select(DisclosureRecord).where(
            DisclosureRecord.id.in_(result["record_ids"]),
            disclosure.record_filter(session, user())).order_by(DisclosureRecord.id)).scalars())
    category = disclosure.CATEGORIES[row.category or "penalty"]
    return render_template("records/import.html", upload=row, problems=page,
                           error=file_error(row.error), progress=progress_of(row),
                           action_form=ActionForm(), result=result, records=made,
                           category=category)


@login_required
def progress(upload_id: int) -> ResponseReturnValue:
    return jsonify(progress_of(disclosure.get_records_file(database.session(), actor(),
                                                           upload_id)))


@login_required
def start(upload_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("records.show_import", upload_id=upload_id))
    disclosure.start_records_import(database.session(), actor(), upload_id)
    database.commit()
    jobs().submit(disclosure.run_records_import, background_sessions(), actor(), upload_id)
    return redirect(url_for("records.show_import", upload_id=upload_id))


@login_required
def discard(upload_id: int) -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        disclosure.discard_records_file(database.session(), actor(), upload_id)
        database.commit()
        flash(_("The file was discarded; nothing was imported."), "success")
    return redirect(url_for("records.imports"))


@login_required
def template(category: str) -> ResponseReturnValue:
    if category not in disclosure.CATEGORIES:
        abort(404)
    _department()
    name = f"records-{category}.csv"
    return Response(disclosure.template_csv(database.session(), category), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@login_required
def setting() -> ResponseReturnValue:
    form = SettingForm()
    if form.validate_on_submit():
        disclosure.set_direct_publication(database.session(), actor(),
                                          bool(form.direct_publication.data))
        database.commit()
        flash(_("Bulk-entered records are now published without review.")
              if form.direct_publication.data else
              _("Bulk-entered records now wait for review."), "success")
    return redirect(url_for("records.imports"))
