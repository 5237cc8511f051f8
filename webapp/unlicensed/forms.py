"""The triage form of the case page: the licence items to choose from are those of the
dual-notice routing table, by name in the page's language (codes stay behind)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from engine.dual_notice import latest_table
from webapp.forms import filled, strip
from webapp.i18n import select_locale
from webapp.unlicensed.labels import MISSING


def licence_names(session: Session) -> dict[str, str]:
    """Licence item code → its name in the page's language."""
    table = latest_table(session)
    names = table.licence_items()
    if select_locale().startswith("en"):
        names.update(table.english_names())
    return names


class TriageForm(FlaskForm):
    missing = SelectField(_l("What is missing"), choices=[("", ""), *MISSING.items()],
                          validators=[filled()])
    licence_item = SelectField(_l("The licence item it lacks (no permit, or neither)"),
                               validators=[Optional()], validate_choice=False)
    triage_note = TextAreaField(_l("Reasons"), filters=[strip],
                                validators=[filled(), Length(min=2, max=1000)])


def triage_form(session: Session, kept: dict[str, object] | None = None) -> TriageForm:
    """The triage form with its licence items (first empty): from the request, or with
    the values `kept` from a failed post."""
    form = TriageForm() if kept is None else TriageForm(formdata=None, data=kept)
    form.licence_item.choices = [("", ""), *sorted(licence_names(session).items(),
                                                   key=lambda pair: pair[0])]
    return form
