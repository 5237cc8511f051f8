"""The forms of an inspection's page beside its steps' own: the field record, a photo, an
objection."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FloatField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from webapp.forms import filled, strip


class FieldForm(FlaskForm):
    """The findings (the checklist's answers come as answer_<line> beside it)."""

    findings = TextAreaField(_l("Findings"), filters=[strip],
                             validators=[Optional(), Length(max=2000)])
    confirm = BooleanField(_l("I confirm this record"))


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo"))
    lat = FloatField(validators=[Optional(), NumberRange(-90, 90)])
    lon = FloatField(validators=[Optional(), NumberRange(-180, 180)])


class ObjectionForm(FlaskForm):
    objection = TextAreaField(_l("The entity's objection"), filters=[strip],
                              validators=[filled(), Length(min=4, max=1000)])


class ActionForm(FlaskForm):
    """A step that asks nothing (its CSRF token only)."""
