"""Entering a lead of unlicensed operation (a spot check's finding, data analysis): the
case opens at the officer's department and starts with triage."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from engine import unlicensed
from engine.errors import InvalidInput
from engine.org.areas import areas
from webapp import database
from webapp.access import actor
from webapp.forms import filled, strip
from webapp.prg import recall, send_back

KEY = "unlicensed:new"
REFUSALS = {
    "not_registered": _l("No registered market entity has this code."),
    "required": _l("This field is required."),
    "not_a_choice": _l("Choose one of the list."),
}


class LeadForm(FlaskForm):
    source = SelectField(_l("Where the lead comes from"), choices=[
        ("", ""), ("inspection", _l("Spot check or inspection")),
        ("data", _l("Data analysis"))], validators=[filled()])
    uscc = StringField(_l("USCC, when the operator is registered"), filters=[strip],
                       validators=[Optional(), Length(max=18)])
    name = StringField(_l("Operator's name or shop sign"), filters=[strip],
                       validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), filters=[strip], validators=[Optional(), Length(max=300)])
    area_code = SelectField(_l("Area"), validators=[Optional()])
    summary = TextAreaField(_l("What was found"), filters=[strip],
                            validators=[filled(), Length(min=10, max=2000)])


def _form(formdata: object = None) -> LeadForm:
    form = recall(LeadForm, KEY) if formdata is None else LeadForm()
    form = form or LeadForm()
    form.area_code.choices = [("", ""), *areas(database.session())]
    return form


@login_required
def new() -> ResponseReturnValue:
    here = url_for("unlicensed.new")
    unlicensed.lead_department(database.session(), actor())  # refused up front, not on send
    if request.method == "GET":
        return render_template("unlicensed/new.html", form=_form())
    form = _form(request.form)
    if form.validate_on_submit():
        try:
            case = unlicensed.enter_lead(
                database.session(), actor(), source=form.source.data, summary=form.summary.data,
                uscc=form.uscc.data, name=form.name.data, address=form.address.data,
                area_code=form.area_code.data or None)
        except InvalidInput as exc:
            database.rollback()
            for name, code in (exc.details.get("fields") or {}).items():  # type: ignore[union-attr]
                if name in form:
                    form[name].errors = [*form[name].errors, REFUSALS.get(str(code), _(
                        "This value is not accepted."))]
        else:
            database.commit()
            flash(_("Case %(number)s opened: triage is due within 5 working days.",
                    number=case.number), "success")
            return redirect(url_for("unlicensed.show", case_id=case.id), 303)
    return send_back(form, KEY, here) or (render_template("unlicensed/new.html", form=form), 422)
