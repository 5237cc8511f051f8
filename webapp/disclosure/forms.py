"""The forms of the record pages: the entry form drawn from the envelope's and the
category's definitions, and the notes a step asks for."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from engine.disclosure import record_form
from engine.runtime.forms import FormDefinition
from webapp import database
from webapp.forms import filled, strip, task_form_class
from webapp.i18n import select_locale


def entry_definition(category: str) -> FormDefinition:
    """One form: the envelope every record carries, then the category's own fields, as the
    form-version store holds them (what the form editor shows)."""
    form = record_form(database.session(), category)
    return FormDefinition(form.own.key, form.own.title_zh, form.own.title_en, form.fields)


def entry_form(category: str, data: dict[str, Any] | None = None) -> FlaskForm:
    form_class = task_form_class(entry_definition(category), select_locale())
    return form_class(data=data) if data is not None else form_class()


class RevokedForm(FlaskForm):
    reason = TextAreaField(_l("What was revoked or changed, and by which decision"),
                           filters=[strip], validators=[filled(), Length(min=4, max=500)])


class RepairForm(FlaskForm):
    statement = TextAreaField(_l("The entity's application (what it corrected, what it paid)"),
                              filters=[strip], validators=[filled(), Length(min=4, max=1000)])


class ActionForm(FlaskForm):
    """A step that asks nothing (its CSRF token only)."""
