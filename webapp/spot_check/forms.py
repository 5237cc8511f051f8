"""The forms of the spot-check pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from webapp.forms import filled, strip


class ActionForm(FlaskForm):
    """A button (CSRF only)."""


class ItemForm(FlaskForm):
    item_id = HiddenField()
    code = StringField(_l("Code"), filters=[strip], validators=[filled(), Length(max=40)])
    name = StringField(_l("Item"), filters=[strip], validators=[filled(), Length(max=200)])
    sub_items = TextAreaField(_l("Sub-items, one a line"), filters=[strip],
                              validators=[Optional(), Length(max=2000)])
    method = StringField(_l("Method"), filters=[strip], validators=[filled(), Length(max=100)])
    qualification = StringField(_l("Qualification needed"), filters=[strip],
                                validators=[Optional(), Length(max=40)])
    legal_basis = TextAreaField(_l("Legal basis"), filters=[strip],
                                validators=[Optional(), Length(max=2000)])
    target_type = StringField(_l("Target type"), filters=[strip],
                              validators=[filled(), Length(max=100)])
    ratio_percent = StringField(_l("Ratio (%)"), filters=[strip],
                                validators=[filled(), Length(max=8)])
    frequency = StringField(_l("Frequency"), filters=[strip],
                            validators=[filled(), Length(max=40)])
    key_item = BooleanField(_l("Key item (no cap)"))


class QualificationForm(FlaskForm):
    officer = SelectField(_l("Officer"), validators=[filled()])
    tag = StringField(_l("Qualification"), filters=[strip],
                      validators=[filled(), Length(max=40)])


class ConflictForm(FlaskForm):
    uscc = StringField(_l("Unified social credit code of the entity"), filters=[strip],
                       validators=[filled(), Length(min=18, max=18)])
    relation = StringField(_l("Relation (relative's business, same household, former "
                              "employer …)"), filters=[strip],
                           validators=[filled(), Length(max=100)])


class PoolForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[filled(), Length(max=200)])
    source = SelectField(_l("Built from"), validators=[filled()], choices=[
        ("", ""), ("supervision_directory", _l("Supervision directory")),
        ("licences", _l("Licence records")), ("filters", _l("Filters")),
        ("upload", _l("Upload"))])
    industries = StringField(_l("Industry codes (prefixes, comma-separated)"), filters=[strip],
                             validators=[Optional(), Length(max=200)])
    types = StringField(_l("Entity types (comma-separated)"), filters=[strip],
                        validators=[Optional(), Length(max=200)])
    risks = SelectMultipleField(_l("Risk classes"), validators=[Optional()],
                                choices=[(r, r) for r in "ABCD"])
    codes = TextAreaField(_l("Unified social credit codes, one a line (pasted from a file)"),
                          filters=[strip], validators=[Optional(), Length(max=200_000)])


class PlanForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    title = StringField(_l("Title"), filters=[strip], validators=[filled(), Length(max=200)])


class DecideForm(FlaskForm):
    decision = SelectField(_l("Decision"), validators=[filled()], choices=[
        ("", ""), ("approve", _l("Approve")), ("return", _l("Return"))])
    reason = TextAreaField(_l("Reason (when returned)"), filters=[strip],
                           validators=[Optional(), Length(max=500)])


RISK_CHOICES = [("", _l("None (clear)")), *((r, r) for r in "ABCD")]


class RiskForm(FlaskForm):
    """One entity's credit risk class, with the reason for the change."""

    uscc = StringField(_l("Unified social credit code of the entity"), filters=[strip],
                       validators=[filled(), Length(min=18, max=18)])
    risk_class = SelectField(_l("Risk class"), choices=RISK_CHOICES, validators=[Optional()])
    reason = StringField(_l("Reason for the change"), filters=[strip],
                         validators=[filled(), Length(max=200)])


class RiskUploadForm(FlaskForm):
    """Many entities' classes from a file: code, class a line."""

    file = FileField(_l("File (CSV: unified social credit code, risk class A–D)"),
                     validators=[FileRequired()])
    reason = StringField(_l("Reason for the change"), filters=[strip],
                         validators=[filled(), Length(max=200)])


class ReviseForm(FlaskForm):
    """A returned plan revised and filed again."""

    title = StringField(_l("Title"), filters=[strip], validators=[filled(), Length(max=200)])


class TaskForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip], validators=[filled(), Length(max=200)])
    items = SelectMultipleField(_l("Items"), coerce=int, validators=[InputRequired()])
    inspection_date = DateField(_l("Inspection date"), validators=[InputRequired()])
    deadline = DateField(_l("Deadline"), validators=[InputRequired()])
    units = SelectMultipleField(_l("Other implementing departments (joint task)"), coerce=int,
                                validators=[Optional()])
    industries = StringField(_l("Industry codes (prefixes, comma-separated)"), filters=[strip],
                             validators=[Optional(), Length(max=200)])
    areas = SelectMultipleField(_l("Areas"), validators=[Optional()])
    types = StringField(_l("Entity types (comma-separated)"), filters=[strip],
                        validators=[Optional(), Length(max=200)])
    risks = SelectMultipleField(_l("Risk classes"), validators=[Optional()],
                                choices=[(r, r) for r in "ABCD"])
    pool = SelectField(_l("Special pool"), validators=[Optional()])
    ratio_percent = StringField(_l("Ratio (%)"), filters=[strip],
                                validators=[Optional(), Length(max=8)])
    target_count = IntegerField(_l("Or a number of targets"),
                                validators=[Optional(), NumberRange(1, 100_000)])
    officers_per_target = IntegerField(_l("Officers per target"), default=2,
                                       validators=[InputRequired(), NumberRange(2, 10)])
    yearly_cap = IntegerField(_l("Inspections per entity and year at most"), default=2,
                              validators=[InputRequired(), NumberRange(1, 20)])


class VoidForm(FlaskForm):
    reason = TextAreaField(_l("Why the draw is voided"), filters=[strip],
                           validators=[filled(), Length(min=4, max=500)])


class RecuseForm(FlaskForm):
    target = SelectField(_l("Officer and target"), validators=[filled()])
    reason = TextAreaField(_l("Reason for the recusal"), filters=[strip],
                           validators=[filled(), Length(min=4, max=500)])
