"""Entering a record and changing a draft or returned one: the category's form, checked by
the form and then by the engine (the registry match), kept on failure (PRG)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm

from engine import disclosure
from engine.errors import InvalidInput
from webapp import database
from webapp.access import actor
from webapp.disclosure.forms import entry_definition, entry_form
from webapp.forms import submitted_values
from webapp.prg import recall, send_back

# The engine's refusals of a field, as the form says them.
REFUSALS = {
    "bad_uscc": _l("This is not a valid unified social credit code."),
    "not_registered": _l("No registered market entity has this code."),
    "required": _l("This field is required."),
}


@login_required
def new(category: str) -> ResponseReturnValue:
    if category not in disclosure.CATEGORIES:
        abort(404)
    key = f"record:new:{category}"
    department = disclosure.entering_department(database.session(), actor())
    form = recall(type(entry_form(category)), key) or entry_form(category, {
        "backfilled": "no", "authority_name": department.name})
    if request.method == "POST":
        form = entry_form(category)
        return _save(form, category, key, url_for("records.new", category=category), None)
    return render_template("records/form.html", form=form, category=category, record=None)


@login_required
def edit(record_id: int) -> ResponseReturnValue:
    session = database.session()
    record = disclosure.get_record(session, actor(), record_id)
    disclosure.require_issuer(session, actor(), record)
    key = f"record:{record_id}:edit"
    if request.method == "POST":
        return _save(entry_form(record.category), record.category, key,
                     url_for("records.edit", record_id=record_id), record_id)
    form = (recall(type(entry_form(record.category)), key)
            or entry_form(record.category, disclosure.form_values(record)))
    if request.args.get("check"):  # sent back from "send for review": mark what is missing
        form.validate()
    return render_template("records/form.html", form=form, category=record.category,
                           record=record)


def _save(form: FlaskForm, category: str, key: str, again: str, record_id: int | None
          ) -> ResponseReturnValue:
    """Check, create or change, and, when asked, send it for review at once."""
    if not form.validate_on_submit():
        return send_back(form, key, again) or _render_failed(form, category)
    session, who = database.session(), actor()
    raw = submitted_values(form, entry_definition(category))
    try:
        if record_id is None:
            record = disclosure.new_record(session, who, category, raw,
                                           department=disclosure.entering_department(session,
                                                                                     who))
        else:
            record = disclosure.change_record(session, who,
                                              disclosure.get_record(session, who, record_id), raw)
        if request.form.get("then") == "submit":
            disclosure.submit(session, who, record.id)
    except InvalidInput as exc:
        database.rollback()
        _engine_errors(form, exc)
        return send_back(form, key, again) or _render_failed(form, category)
    database.commit()
    flash(_("Sent for review.") if request.form.get("then") == "submit"
          else _("Saved as a draft."), "success")
    return redirect(url_for("records.show", record_id=record.id))


def _engine_errors(form: FlaskForm, exc: InvalidInput) -> None:
    for name, code in (exc.details.get("fields") or {}).items():  # type: ignore[union-attr]
        if name not in form:
            continue
        if code == "name_mismatch":
            text = _("The registry names this entity “%(registered)s”, not “%(entered)s”.",
                     registered=exc.details.get("registered_name"),
                     entered=exc.details.get("entered_name"))
        else:
            text = str(REFUSALS.get(code, _("This value is not accepted.")))
        form[name].errors = [*form[name].errors, text]


def _render_failed(form: FlaskForm, category: str) -> ResponseReturnValue:
    return render_template("records/form.html", form=form, category=category, record=None), 422
