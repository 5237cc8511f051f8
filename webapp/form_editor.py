"""The form editor: the forms with their versions and the processes that use them, and one
form's fields edited with a live preview drawn by the macro that draws task forms; a save is
the form's next version. System administrators change; department administrators read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from engine.disclosure.categories import CATEGORIES, ENVELOPE_FORM
from engine.errors import DeploymentError, InvalidInput
from engine.models import Role
from engine.runtime import form_catalogue, form_versions
from engine.runtime.forms import FIELD_TYPES, parse_form, shipped_raw
from webapp import database
from webapp.access import actor, roles_required, user
from webapp.form_rows import Row, definition_of, problems_by_input, rows_of, rows_typed
from webapp.forms import task_form_class
from webapp.i18n import select_locale
from webapp.processes import FIELD_KINDS, READERS

bp = Blueprint("form_editor", __name__, url_prefix="/processes/forms")
# The enterprise-information records' forms: their fields are the national standard's and
# the import templates' columns, read by the records pages, not by a diagram; read only here.
STANDARD = frozenset({ENVELOPE_FORM, *(c.form_key for c in CATEGORIES.values())})
PROBLEMS = {
    "required": _l("Fill this in."),
    "bad_name": _l("Use small letters, digits and _, starting with a letter."),
    "duplicate_name": _l("Another field above has this name."),
    "bad_type": _l("Choose a kind of field."),
    "no_choices": _l("A choice field needs choices, one per line."),
    "choice_incomplete": _l("Each choice needs a value and a Chinese label."),
    "duplicate_choice": _l("Two choices have the same value."),
    "min_above_max": _l("The largest is smaller than the smallest."),
    "negative": _l("Enter zero or more."),
    "whole_number": _l("Enter a whole number."),
    "not_a_number": _l("Enter a number."),
    "no_earlier_choice": _l("Choose a choice field above this one."),
    "not_offered": _l("Use values that field offers."),
    "no_fields": _l("A form needs at least one field."),
    "too_long": _l("This is too long."),
    "invalid": _l("This form cannot be read: check the fields."),
    "bad_key": _l("Use small letters, digits and _, starting with a letter."),
    "taken": _l("A form already has this key: choose another."),
}
NEW_ENTRIES = ("key", "title_zh", "title_en")

ENTRIES = {
    "name": _l("Name (small letters, digits, _)"), "type": _l("Kind"),
    "label_zh": _l("Label in Chinese"), "label_en": _l("Label in English"),
    "choices": _l("Choices (for one or several choices)"),
    "min_length": _l("Fewest characters"), "max_length": _l("Most characters"),
    "min_value": _l("Smallest number"), "max_value": _l("Largest number"),
    "show_if_field": _l("Shown only when the field (name)"),
    "show_if_values": _l("has one of the values"), "title_zh": _l("Title in Chinese"),
    "title_en": _l("Title in English"), "comment": _l("What this version changes"),
}


def _may_edit() -> bool:
    return user().has_role(Role.SYSADMIN)


def _refused(form_key: str) -> ResponseReturnValue | None:
    """Back to the form, saying why, when it is one of the records' standard forms."""
    if form_key not in STANDARD:
        return None
    flash(_("The fields of enterprise-information records follow the national standard and "
            "the import templates: they cannot be changed here."), "error")
    return redirect(url_for("form_editor.edit", form_key=form_key), 303)


@bp.get("/")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    return _index()


@bp.post("/new")
@roles_required(Role.SYSADMIN)
def create() -> ResponseReturnValue:
    """A new form, version 1 with one field; then its editor. "new" is this address."""
    typed = {name: request.form.get(name, "") for name in NEW_ENTRIES}
    try:
        if typed["key"].strip() == "new":
            raise InvalidInput("the editor's own address", fields={"key": "taken"})
        row = form_versions.create_form(database.session(), actor(), typed["key"],
                                        typed["title_zh"], typed["title_en"], _("New form"))
    except InvalidInput as exc:
        database.rollback()
        return _index(typed, exc.details.get("fields") or {}, status=422)
    database.commit()
    flash(_("Form %(key)s made as version 1: give it its fields, then save.", key=row.key),
          "success")
    return redirect(url_for("form_editor.edit", form_key=row.key), 303)


@bp.get("/<form_key>")
@roles_required(*READERS)
def edit(form_key: str) -> ResponseReturnValue:
    form = form_catalogue.summary(database.session(), form_key)
    if not _may_edit() or form_key in STANDARD:
        return render_template("processes/form.html", definition=form.definition,
                               locale=select_locale(), kinds=FIELD_KINDS,
                               standard=form_key in STANDARD)
    raw = form.latest.definition if form.latest else _raw_of(form_key)
    return _editor(form_key, raw.get("title_zh", ""), raw.get("title_en", ""), rows_of(raw))


@bp.post("/<form_key>")
@roles_required(Role.SYSADMIN)
def save(form_key: str) -> ResponseReturnValue:
    form_catalogue.summary(database.session(), form_key)
    if refused := _refused(form_key):
        return refused
    rows = rows_typed(request.form)
    raw, unreadable = definition_of(request.form.get("title_zh", ""),
                                    request.form.get("title_en", ""), rows)
    comment = request.form.get("comment", "")
    try:
        if unreadable:  # and every other problem with them
            form_versions.check(raw, comment)
            raise InvalidInput("unreadable entries", fields={})
        row, created = form_versions.save_form(database.session(), actor(), form_key, raw,
                                               comment)
    except InvalidInput as exc:
        database.rollback()
        problems = {**unreadable, **problems_by_input(rows, exc.details.get("fields") or {})}
        return _editor(form_key, raw["title_zh"], raw["title_en"], rows, problems, comment,
                       status=422)
    database.commit()
    flash(_("Saved as version %(n)d.", n=row.version) if created
          else _("Nothing changed: version %(n)d stays.", n=row.version), "success")
    return redirect(url_for("form_editor.edit", form_key=form_key), 303)


@bp.post("/<form_key>/preview")
@roles_required(Role.SYSADMIN)
def preview(form_key: str) -> ResponseReturnValue:
    """The form as typed, drawn as a task shows it; or what keeps it from being drawn."""
    if refused := _refused(form_key):
        return refused
    rows = rows_typed(request.form)
    raw, unreadable = definition_of(request.form.get("title_zh", ""),
                                    request.form.get("title_en", ""), rows)
    problems = unreadable or problems_by_input(rows, form_versions.form_problems(raw))
    return render_template("forms/_preview.html", preview=None if problems else _drawn(
        form_key, raw), preview_problems=_listed(rows, problems)), 422 if problems else 200


@bp.post("/<form_key>/redeploy")
@roles_required(Role.SYSADMIN)
def redeploy(form_key: str) -> ResponseReturnValue:
    if refused := _refused(form_key):
        return refused
    try:
        deployed = form_catalogue.redeploy_users(database.session(), actor(), form_key)
    except DeploymentError:
        database.rollback()
        flash(_("A process using this form could not be deployed again: open it in the "
                "modeler to see why."), "error")
        return redirect(url_for("form_editor.edit", form_key=form_key), 303)
    database.commit()
    flash(_("Deployed again: %(names)s. New cases start with this form version; running "
            "cases keep theirs.", names=", ".join(f"{d.key} v{d.version}" for d in deployed))
          if deployed else _("Every process already uses the latest version."), "success")
    return redirect(url_for("form_editor.edit", form_key=form_key), 303)


def _index(typed: dict[str, str] | None = None, problems: dict[str, str] | None = None,
           status: int = 200) -> ResponseReturnValue:
    return render_template(
        "forms/index.html", forms=form_catalogue.catalogue(database.session()),
        locale=select_locale(), may_edit=_may_edit(), standard=STANDARD, csrf=FlaskForm(),
        typed=typed or {}, problems={k: PROBLEMS.get(v, PROBLEMS["invalid"])
                                     for k, v in (problems or {}).items()}), status


def _editor(form_key: str, title_zh: str, title_en: str, rows: list[Row],
            problems: dict[str, str] | None = None, comment: str = "", status: int = 200
            ) -> ResponseReturnValue:
    form = form_catalogue.summary(database.session(), form_key)
    problems = problems or {}
    raw, _unreadable = definition_of(title_zh, title_en, rows)
    drawn = None if form_versions.form_problems(raw) else _drawn(form_key, raw)
    return render_template(
        "forms/edit.html", form=form, title_zh=title_zh, title_en=title_en,
        rows=[*rows, Row(str(_next_id(rows)))], problems={k: PROBLEMS.get(v, PROBLEMS[
            "invalid"]) for k, v in problems.items()}, comment=comment, preview=drawn,
        kinds=[(kind, FIELD_KINDS[kind]) for kind in FIELD_KINDS if kind in FIELD_TYPES],
        versions=form_versions.versions(database.session(), form_key), csrf=FlaskForm(),
        locale=select_locale(), next_row=_next_id(rows) + 1, template_row=Row("__N__")), status


def _listed(rows: list[Row], problems: dict[str, str]) -> list[str]:
    """Each problem as a line naming its field and entry: "Field 3 · Label in English: ..."."""
    numbers = {row.id: n for n, row in enumerate(rows, 1)}
    lines = []
    for input_id, code in problems.items():
        said = str(PROBLEMS.get(code, PROBLEMS["invalid"]))
        parts = input_id.split("-", 2)
        if len(parts) == 3 and parts[1] in numbers:
            entry = ENTRIES.get(parts[2], parts[2])
            lines.append(_("Field %(n)s", n=numbers[parts[1]]) + f" · {entry}: {said}")
        else:
            lines.append(f"{ENTRIES.get(input_id, '')}: {said}" if input_id in ENTRIES
                         else said)
    return lines


def _drawn(form_key: str, raw: dict[str, Any]) -> FlaskForm:
    definition = parse_form(form_key, raw)
    return task_form_class(definition, select_locale())(formdata=None, meta={"csrf": False})


def _raw_of(form_key: str) -> dict[str, Any]:
    return shipped_raw(form_key) or {}


def _next_id(rows: list[Row]) -> int:
    return max((int(row.id) for row in rows), default=-1) + 1
