"""The forms of the list pages: a proposal, a step's decision and reply, an application."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from engine import credit_lists
from engine.models import WorkItem
from engine.runtime.forms import FormDefinition
from webapp import database
from webapp.credit_lists.labels import CHOICES, CONDITIONS, REASONS, REMOVAL_REASONS
from webapp.forms import filled, strip, task_form_class
from webapp.i18n import select_locale


class ProposeForm(FlaskForm):
    list_type = SelectField(_l("List"), choices=[
        ("", ""), ("abnormal", _l("Abnormal operations list")),
        ("serious", _l("Serious illegal and dishonest list"))], validators=[filled()])
    uscc = StringField(_l("Unified social credit code"), filters=[strip],
                       validators=[filled(), Length(min=18, max=18)])
    reason = SelectField(_l("Reason (abnormal list)"), choices=[("", "")] + [
        (code, REASONS[code]) for code in ("1", "2", "3", "4")], validators=[Optional()])
    trigger_date = DateField(_l("Trigger or penalty date"), validators=[filled()])
    text = TextAreaField(_l("Facts, or the serious violation"), filters=[strip],
                         validators=[filled(), Length(min=2, max=1000)])
    penalty = TextAreaField(_l("The heavy penalty (serious list)"), filters=[strip],
                            validators=[Optional(), Length(max=1000)])
    source_record = HiddenField(validators=[Optional()])  # the penalty record it follows


def step_form(task_name: str) -> type[FlaskForm]:
    """The form of a step: its decision (when it has one) and the reply or reason."""

    class StepForm(FlaskForm):
        reply = TextAreaField(_l("Reason or written reply"), filters=[strip],
                              validators=[Optional(), Length(max=1000)])

    if task_name in CHOICES:
        StepForm.decision = RadioField(_l("Decision"), choices=CHOICES[task_name],
                                       validators=[filled()])
    if task_name == "review_early_removal":
        for code, label in CONDITIONS.items():
            setattr(StepForm, code, RadioField(label, choices=[("yes", _l("Yes")),
                                                               ("no", _l("No"))],
                                               validators=[filled()]))
    return StepForm


def item_form(item: WorkItem) -> tuple[type[FlaskForm], FormDefinition | None]:
    """The form of an open step: its declarative form when it has one (the warning's), else
    the list page's own decision and reply."""
    definition = credit_lists.step_form_of(database.session(), item)
    if definition is None:
        return step_form(item.task_name), None
    return task_form_class(definition, select_locale()), definition


class RemovalForm(FlaskForm):
    reason = SelectField(_l("Removal reason"), choices=[("", "")] + [
        (code, REMOVAL_REASONS[code]) for code in ("report_filed", "obligation_fulfilled",
                                                   "corrected", "address_changed",
                                                   "contact_restored")], validators=[filled()])
    text = TextAreaField(_l("The entity's application"), filters=[strip],
                         validators=[filled(), Length(min=2, max=1000)])


class ApplicationForm(FlaskForm):
    text = TextAreaField(_l("The entity's statement"), filters=[strip],
                         validators=[filled(), Length(min=2, max=1000)])
