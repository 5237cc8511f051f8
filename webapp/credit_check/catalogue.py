"""The joint punishment catalogue: read by everyone, edited by administrators (each change
a new version with who, when and why), and its version history."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine import credit_check
from engine.errors import Forbidden, InvalidInput, NotFound
from webapp import database
from webapp.access import actor, user
from webapp.credit_check.forms import MeasureForm, RemoveForm
from webapp.params import arg_int
from webapp.prg import recall, send_back


@login_required
def index() -> ResponseReturnValue:
    session = database.session()
    history = credit_check.versions(session)
    wanted = arg_int("version")
    shown = next((v for v in history if v.number == wanted), history[0] if history else None)
    catalogue = credit_check.catalogue_version(session, shown.id) if shown else None
    return render_template("credit_check/catalogue.html", catalogue=catalogue, shown=shown,
                           history=history, newest=history[0] if history else None,
                           may_edit=credit_check.may_edit(user()), remove_form=RemoveForm())


def _editor() -> None:
    if not credit_check.may_edit(user()):
        raise Forbidden("only administrators edit the catalogue", code="catalogue_editors")


def _measure_values(code: str) -> dict[str, Any]:
    current = credit_check.current_catalogue(database.session())
    found = next((m for m in current.measures if m.code == code), None)
    if found is None:
        raise NotFound(f"no measure {code!r}", code="no_measure")
    return {"code": found.code, "list_type": found.list_type.value, "title": found.title,
            "basis_document": found.basis_document, "basis_clause": found.basis_clause,
            "initiating_department": found.initiating_department,
            "implementing_departments": list(found.implementing_departments),
            "actions": list(found.actions), "period_years": found.period_years}


@login_required
def measure() -> ResponseReturnValue:
    _editor()
    code = request.args.get("code", "")
    if request.method == "GET":
        form = recall(MeasureForm, "credit:measure") or (
            MeasureForm(data=_measure_values(code)) if code else MeasureForm())
        return render_template("credit_check/measure.html", form=form.fill(), code=code)
    form = MeasureForm().fill()
    if form.validate_on_submit():
        values = {name: form[name].data for name in (
            "code", "list_type", "title", "basis_document", "basis_clause",
            "initiating_department", "implementing_departments", "actions", "period_years")}
        try:
            version = credit_check.save_measure(database.session(), actor(), user(), values,
                                                form.comment.data)
        except InvalidInput as exc:
            database.rollback()
            for name in (exc.details.get("fields") or {}):
                if name in form:
                    form[name].errors = [_("Check this value.")]
        else:
            database.commit()
            flash(_("Saved as catalogue version %(n)d.", n=version.number), "success")
            return redirect(url_for("credit_check.catalogue"))
    return send_back(form, "credit:measure", url_for("credit_check.measure", code=code)) or (
        render_template("credit_check/measure.html", form=form, code=code), 422)


@login_required
def remove() -> ResponseReturnValue:
    _editor()
    form = RemoveForm()
    if not form.validate_on_submit():
        flash(_("Say why the measure is removed."), "error")
        return redirect(url_for("credit_check.catalogue"))
    version = credit_check.remove_measure(database.session(), actor(), user(), form.code.data,
                                          form.comment.data)
    database.commit()
    flash(_("Removed; catalogue version %(n)d.", n=version.number), "success")
    return redirect(url_for("credit_check.catalogue"))
