"""People from a workbook, for administrators: upload a sheet, read every row's check, then
create the valid accounts and take their one-time passwords as a workbook, once. The routes
of the `people_import` blueprint."""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from engine import people_import
from engine.errors import Conflict, InvalidInput
from engine.paging import Page
from webapp import database
from webapp.access import actor, roles_required
from webapp.downloads import attachment
from webapp.params import page_arg
from webapp.people import ADMINS, ROLE_NAMES
from webapp.prg import recall, send_back
from webapp.registry.messages import file_error, upload_refused
from webapp.registry.messages import row_reason as registry_reason
from webapp.work.tasks.forms import ActionForm

bp = Blueprint("people_import", __name__, url_prefix="/admin/users")
PER_PAGE = 50
PEOPLE_REASONS = [(re.compile(pattern), message) for pattern, message in (
    (r"bad user name: (?P<name>.*)",
     lambda **v: _("%(name)s is not a user name: 3 to 64 lower-case letters, digits, _ . or -",
                   **v)),
    (r"user name taken: (?P<name>.+)", lambda **v: _("The user name %(name)s is taken", **v)),
    (r"user name also on row (?P<n>\d+)",
     lambda **v: _("The same user name as row %(n)s", **v)),
    (r"no active unit: (?P<code>.*)",
     lambda **v: _("No active unit has the code %(code)s (see the organisation page)", **v)),
    (r"unknown role: (?P<text>.*)",
     lambda **v: _("Not roles: %(text)s (write officer, dept_admin, supervisor, sysadmin or "
                   "auditor, separated by commas)", **v)),
    (r"not an e-mail address: (?P<text>.+)",
     lambda **v: _("Not an e-mail address: %(text)s", **v)),
    (r"outside your department", lambda **v: _("A unit outside your department")),
    (r"not yours to give",
     lambda **v: _("Department administrators give the roles of their department only")),
)]


class PeopleFileForm(FlaskForm):
    file = FileField(_l("Sheet of people (XLSX or CSV)"), validators=[FileRequired()])


def row_reason(text: str) -> str:
    for pattern, message in PEOPLE_REASONS:
        match = pattern.fullmatch(text)
        if match:
            return message(**match.groupdict())
    return registry_reason(text)


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*ADMINS)
def import_people() -> ResponseReturnValue:
    form = recall(PeopleFileForm, "people:upload") or PeopleFileForm()
    if not form.is_submitted():
        return render_template("admin/people_import.html", form=form)
    if form.validate():
        try:
            upload = people_import.store_people_file(
                database.session(), actor(), form.file.data.filename, form.file.data.stream)
        except InvalidInput as exc:
            database.rollback()
            form.file.errors = [upload_refused(exc.details)]
        else:
            database.commit()
            return redirect(url_for("people_import.people_file", upload_id=upload.id))
    return send_back(form, "people:upload", url_for("people_import.import_people")) or (
        render_template("admin/people_import.html", form=form), 422)


@bp.get("/import/template.xlsx")
@roles_required(*ADMINS)
def people_template() -> ResponseReturnValue:
    return attachment(people_import.template_workbook(), "people-template.xlsx")


@bp.get("/imports/<int:upload_id>")
@roles_required(*ADMINS)
def people_file(upload_id: int) -> ResponseReturnValue:
    upload = people_import.people_file(database.session(), actor(), upload_id)
    problems = [(r, c, row_reason(why)) for r, c, why in upload.problems or []]
    number = page_arg()
    page = Page(problems[(number - 1) * PER_PAGE:number * PER_PAGE], len(problems), number,
                PER_PAGE)
    return render_template("admin/people_file.html", upload=upload, problems=page,
                           planned=(upload.result or {}).get("planned") or [],
                           error=file_error(upload.error), role_names=ROLE_NAMES,
                           action_form=ActionForm())


@bp.post("/imports/<int:upload_id>/create")
@roles_required(*ADMINS)
def create_people(upload_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("people_import.people_file", upload_id=upload_id))
    try:
        _upload, created = people_import.create_people(database.session(), actor(), upload_id)
    except Conflict as exc:
        database.rollback()
        flash(_("Nothing was created: the sheet no longer checks as it did (a user name was "
                "taken meanwhile?). Upload it again.") if exc.code == "people_file_changed"
              else _("These accounts were already created."), "error")
        return redirect(url_for("people_import.people_file", upload_id=upload_id))
    database.commit()
    return attachment(people_import.passwords_workbook(created),
                      f"one-time-passwords-{upload_id}.xlsx")
