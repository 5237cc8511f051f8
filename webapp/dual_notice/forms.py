"""The forms of the dual-notice pages: the steps of a notice, and the list filters."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from engine.dual_notice.queries import RoutingChoices
from engine.models import OrgUnit, User
from webapp.dual_notice.labels import OUTCOMES, RETURN_REASONS, local_items
from webapp.forms import ShownIf, date_text, filled, required, show_if, strip
from webapp.params import ID

CHOOSE = _l("— choose —")
GRANTED = ("granted",)
ANY = _l("Any")


class ReturnNoticeForm(FlaskForm):
    reason = SelectField(_l("Reason"), validators=[required()], validate_choice=False,
                         choices=[("", CHOOSE), *RETURN_REASONS.items()])
    note = TextAreaField(_l("Note"), filters=[strip],
                         validators=[filled(), Length(min=2, max=500)])


class DispatchForm(FlaskForm):
    target = SelectField(_l("Dispatch to"), validate_choice=False, validators=[
        required(), Regexp(rf"^(user|unit):{ID}$", message=_l("Choose one of the options."))])

    def fill(self, users: list[User], units: list[OrgUnit]) -> DispatchForm:
        # Starts on "choose": a preselected first person or unit was one click from a
        # dispatch nobody meant.
        self.target.choices = {
            "": [("", str(CHOOSE))],
            str(_l("Units")): [(f"unit:{u.id}", u.name) for u in units],
            str(_l("People")): [(f"user:{u.id}", f"{u.display_name} ({u.username})")
                                for u in users]}
        return self

    def parsed(self) -> dict[str, int]:
        kind, _sep, number = (self.target.data or "").partition(":")
        return {"user_id" if kind == "user" else "org_unit_id": int(number)}


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), validators=[required()], validate_choice=False,
                          choices=[("", CHOOSE), *OUTCOMES.items()])
    licence_no = StringField(_l("Licence number"), filters=[strip],
                             validators=[ShownIf("outcome", GRANTED), Optional(),
                                         Length(max=100)],
                             render_kw=show_if("outcome", *GRANTED),
                             description=_l("Required when the licence was granted."))
    licence_date = StringField(_l("Licence date"),
                               validators=[ShownIf("outcome", GRANTED), Optional(), date_text],
                               render_kw={"type": "date", **show_if("outcome", *GRANTED)},
                               description=_l("Required when the licence was granted."))
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=500)])


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Why the claim is revoked"), filters=[strip],
                           validators=[filled(), Length(min=2, max=500)])


class RerouteForm(FlaskForm):
    licence_item = SelectField(_l("Licence item"), validators=[required()],
                               validate_choice=False)
    department = SelectField(_l("Department"), validate_choice=False, validators=[
        required(), Regexp(rf"^{ID}$", message=_l("Choose one of the options."))])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=500)])

    def fill(self, choices: RoutingChoices, licence_item: str | None = None) -> RerouteForm:
        self.licence_item.choices = [("", CHOOSE), *(
            (code, f"{name} ({code})") for code, name in local_items(choices.licence_items))]
        self.department.choices = department_choices(choices)
        self.department.render_kw = {"data-depends-on": "licence_item"}
        self.licence_item.render_kw = {"data-filter": str(_l("Search the licence items"))}
        if licence_item and not self.licence_item.data:
            self.licence_item.data = licence_item
        return self


def department_choices(choices: RoutingChoices) -> list[SelectChoice]:
    """The departments, each option naming the licence items it licenses (data-items):
    app.js offers only those of the chosen item; the server checks the same rule."""
    return [SelectChoice("", str(CHOOSE)), *(
        SelectChoice(str(unit_id), name,
                     render_kw={"data-items": " ".join(choices.items_of.get(unit_id, []))})
        for unit_id, _code, name in choices.departments)]


class TerminateForm(FlaskForm):
    note = TextAreaField(_l("Why the push ends"), filters=[strip],
                         validators=[filled(), Length(min=2, max=500)])


class NoticeFilterForm(FlaskForm):
    class Meta:
        csrf = False

    text = StringField(_l("Entity name or USCC"), filters=[strip],
                       validators=[Optional(), Length(max=100)])
    licence_item = SelectField(_l("Licence item"), validators=[Optional()],
                               validate_choice=False)
    light = SelectField(_l("Light"), validators=[Optional()], validate_choice=False)
    department = SelectField(_l("Department"), validators=[Optional()], validate_choice=False)


class DirectoryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    text = StringField(_l("Entity name or USCC"), filters=[strip],
                       validators=[Optional(), Length(max=100)])
    department = SelectField(_l("Department"), validators=[Optional()], validate_choice=False)
    licence_item = SelectField(_l("Licence item"), validators=[Optional()],
                               validate_choice=False)
    area = SelectField(_l("Area"), validators=[Optional()], validate_choice=False)
    joined_from = StringField(_l("Joined from"), validators=[Optional(), date_text],
                              render_kw={"type": "date"})
    joined_to = StringField(_l("Joined until"), validators=[Optional(), date_text],
                            render_kw={"type": "date"})
    inactive = BooleanField(_l("Also entities that left the directory"))


class FiguresForm(FlaskForm):
    class Meta:
        csrf = False

    start = StringField(_l("From"), validators=[Optional(), date_text],
                        render_kw={"type": "date"})
    end = StringField(_l("Until"), validators=[Optional(), date_text],
                      render_kw={"type": "date"})
    area = SelectField(_l("Area"), validators=[Optional()], validate_choice=False)


def day_of(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
