"""The forms of the entity pages: search, the audited reveal, the signed 承诺书."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from webapp.forms import date_text, filled, required, strip


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Entity name or USCC"), filters=[strip],
                    validators=[Optional(), Length(max=100)])


class RevealForm(FlaskForm):
    reason = TextAreaField(
        _l("Why you need the personal data"), filters=[strip],
        validators=[filled(), Length(min=4, max=200)],
        description=_l("Recorded with your name and the time; the record is kept."))


class CommitmentForm(FlaskForm):
    signed_on = StringField(_l("Signed on"), validators=[required(), date_text],
                            render_kw={"type": "date"})
    scan = FileField(_l("Scan of the signed promise (PDF, OFD, JPEG or PNG)"),
                     validators=[Optional()])
