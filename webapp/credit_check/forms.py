"""The forms of the credit-check pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from engine import credit_check
from webapp.credit_check.labels import ACTIONS, DEPARTMENTS, LIST_TYPES

REQUIRED = _l("Required.")


def _actions() -> list[tuple[str, str]]:
    return [("", "")] + [(a, str(ACTIONS[a])) for a in credit_check.ACTIONS]


class CheckForm(FlaskForm):
    uscc = StringField(_l("Unified social credit code"),
                       validators=[InputRequired(REQUIRED), Length(max=40)])
    action = SelectField(_l("Action about to be taken"), validators=[InputRequired(REQUIRED)])
    purpose = StringField(_l("For (file or application number)"),
                          validators=[Optional(), Length(max=200)])

    def fill(self) -> CheckForm:
        self.action.choices = _actions()
        return self


class BatchForm(FlaskForm):
    action = SelectField(_l("Action about to be taken"), validators=[InputRequired(REQUIRED)])
    file = FileField(_l("File of codes (CSV or XLSX, column 统一社会信用代码)"),
                     validators=[FileRequired(message=_l("Choose a file."))])

    def fill(self) -> BatchForm:
        self.action.choices = _actions()
        return self


class MeasureForm(FlaskForm):
    code = StringField(_l("Code"), validators=[InputRequired(REQUIRED), Regexp(
        r"^[A-Z][A-Z0-9-]{0,19}$", message=_l("Capital letters and digits, such as M15."))])
    list_type = SelectField(_l("List"), validators=[InputRequired(REQUIRED)])
    title = StringField(_l("Measure"), validators=[InputRequired(REQUIRED), Length(max=300)])
    basis_document = StringField(_l("Memorandum or regulation"),
                                 validators=[InputRequired(REQUIRED), Length(max=300)])
    basis_clause = StringField(_l("Clause"), validators=[InputRequired(REQUIRED),
                                                        Length(max=100)])
    initiating_department = SelectField(_l("Initiating department"),
                                        validators=[InputRequired(REQUIRED)])
    implementing_departments = SelectMultipleField(_l("Implementing departments"),
                                                   validators=[InputRequired(REQUIRED)])
    actions = SelectMultipleField(_l("Actions it restricts"),
                                  validators=[InputRequired(REQUIRED)])
    period_years = IntegerField(_l("At most this many years of the listing (empty: all of it)"),
                                validators=[Optional(), NumberRange(1, 10)])
    comment = StringField(_l("Why this change (kept with the new version)"),
                          validators=[InputRequired(REQUIRED), Length(max=500)])

    def fill(self) -> MeasureForm:
        departments = [(d, str(DEPARTMENTS[d])) for d in credit_check.DEPARTMENTS]
        self.list_type.choices = [("", "")] + [(k, str(v)) for k, v in LIST_TYPES.items()]
        self.initiating_department.choices = [("", ""), *departments]
        self.implementing_departments.choices = departments
        self.actions.choices = [(a, str(ACTIONS[a])) for a in credit_check.ACTIONS]
        return self


class RemoveForm(FlaskForm):
    code = StringField(validators=[InputRequired(REQUIRED)])
    comment = StringField(_l("Why this measure is removed"),
                          validators=[InputRequired(REQUIRED), Length(max=500)])


class FeedbackForm(FlaskForm):
    outcome = RadioField(_l("What we did"), choices=[
        ("restricted", _l("Restricted")), ("not_applicable", _l("Not applicable"))],
        validators=[InputRequired(REQUIRED)])
    reason = TextAreaField(_l("Reason (required when not applicable)"),
                           validators=[Optional(), Length(max=1000)])
