"""The check page: one code and an action type, or a file of codes; the result of a check
with its restrictions (basis and period), and a batch's result as an Excel file."""

from __future__ import annotations

import io
from pathlib import Path

from flask import abort, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from openpyxl import Workbook

from engine import credit_check
from engine.errors import InvalidInput
from webapp import database
from webapp.access import actor, user
from webapp.config import FORM_OVERHEAD_BYTES, settings
from webapp.credit_check.forms import BatchForm, CheckForm
from webapp.credit_check.labels import ACTIONS, LIST_TYPES, departments
from webapp.prg import recall, send_back
from webapp.security import csrf

FILE_ERRORS = {"batch_too_large": _l("The file holds more than 10,000 codes."),
               "no_codes": _l("The file holds no code.")}
UNREADABLE = _l("The file cannot be read, or it has no column 统一社会信用代码.")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(form: CheckForm, batch: BatchForm, status: int = 200) -> ResponseReturnValue:
    recent = credit_check.recent_checks(database.session(), user())
    return render_template("credit_check/check.html", form=form, batch=batch,
                           recent=recent), status


@login_required
def index() -> ResponseReturnValue:
    form = recall(CheckForm, "credit:check") or CheckForm()
    batch = recall(BatchForm, "credit:batch") or BatchForm(formdata=None)
    return _page(form.fill(), batch.fill())


@login_required
def check() -> ResponseReturnValue:
    form = CheckForm().fill()
    if form.validate_on_submit():
        try:
            report = credit_check.check_one(
                database.session(), actor(), form.uscc.data, form.action.data,
                unit_id=user().org_unit_id, origin="web", purpose=form.purpose.data)
        except InvalidInput:
            database.rollback()
            form.uscc.errors = [_("This is not a valid unified social credit code.")]
        else:
            database.commit()
            return redirect(url_for("credit_check.show", check_id=report.check_id))
    return send_back(form, "credit:check", url_for("credit_check.index")) or _page(
        form, BatchForm(formdata=None).fill(), 422)


def _result_path(check_id: int) -> Path:
    return settings().upload_dir / "credit-check" / f"{check_id}.xlsx"


def _workbook(report: credit_check.Report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Credit check")
    sheet.append([_("Unified social credit code"), _("Valid"), _("Restricted"), _("Measure"),
                  _("List"), _("Decision number"), _("Basis"), _("Implementing departments"),
                  _("From"), _("Until")])
    for answer in report.answers:
        if answer.problem:
            sheet.append([answer.uscc, _("No"), None, _("Not a valid code")])
        elif not answer.restrictions:
            sheet.append([answer.uscc, _("Yes"), _("No")])
        for r in answer.restrictions:
            m = r.measure
            sheet.append([answer.uscc, _("Yes"), _("Yes"), m.title, str(LIST_TYPES[m.list_type]),
                          r.decision_number, f"{m.basis_document} {m.basis_clause}",
                          departments(m.implementing_departments), r.starts_on, r.ends_on])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
def batch() -> ResponseReturnValue:
    request.max_content_length = settings().registry_upload_max_bytes + FORM_OVERHEAD_BYTES
    csrf.protect()
    form = BatchForm().fill()
    if form.validate_on_submit():
        try:
            report = credit_check.check_file(database.session(), actor(),
                                             form.file.data.stream, form.action.data,
                                             user().org_unit_id)
        except InvalidInput as exc:
            database.rollback()
            code = (exc.details.get("fields") or {}).get("file", "")
            form.file.errors = [str(FILE_ERRORS.get(code, UNREADABLE))]
        else:
            path = _result_path(report.check_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_workbook(report))
            database.commit()
            return redirect(url_for("credit_check.show", check_id=report.check_id))
    return send_back(form, "credit:batch", url_for("credit_check.index")) or _page(
        CheckForm(formdata=None).fill(), form, 422)


csrf.exempt(batch)


@login_required
def show(check_id: int) -> ResponseReturnValue:
    check, hits = credit_check.get_check(database.session(), user(), check_id)
    has_file = check.origin == "batch" and _result_path(check.id).exists()
    return render_template("credit_check/result.html", check=check, hits=hits,
                           action_label=ACTIONS.get(check.action, check.action),
                           has_file=has_file)


@login_required
def result_file(check_id: int) -> ResponseReturnValue:
    check, _hits = credit_check.get_check(database.session(), user(), check_id)
    path = _result_path(check.id)
    if not path.exists():
        abort(404)
    return send_file(io.BytesIO(path.read_bytes()), as_attachment=True, mimetype=XLSX,
                     download_name=f"credit-check-{check.id}.xlsx")
