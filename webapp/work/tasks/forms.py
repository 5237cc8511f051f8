"""The small forms of the task page: assign, return, comment, upload, urge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from engine.models import OrgUnit, User
from webapp.forms import filled, required, strip
from webapp.params import ID

REASON_LABELS = {
    "0": _l("0 · No such licence item in the business scope"),
    "1": _l("1 · The business scope is not in our remit"),
    "2": _l("2 · The address is not in our jurisdiction"),
    "9": _l("9 · Other reason"),
}


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class AssignForm(FlaskForm):
    target = SelectField(_l("Hand to"), validate_choice=False, validators=[
        required(), Regexp(rf"^(user|unit):{ID}$", message=_l("Choose one of the options."))])

    def fill(self, users: list[User], units: list[OrgUnit]) -> AssignForm:
        people = [(f"user:{u.id}", f"{u.display_name} ({u.username})") for u in users]
        groups = [(f"unit:{u.id}", u.name) for u in units]
        # Starts on "choose", never on the first person listed.
        self.target.choices = {"": [("", str(_l("— choose —")))], str(_l("People")): people,
                               str(_l("Units")): groups}
        return self

    def parsed(self) -> dict[str, int]:
        kind, _sep, number = (self.target.data or "").partition(":")
        return {"user_id" if kind == "user" else "org_unit_id": int(number)}


class ReturnForm(FlaskForm):
    reason = SelectField(_l("Reason"), validators=[required()],
                         choices=[("", _l("— choose —")), *REASON_LABELS.items()],
                         validate_choice=False)
    note = TextAreaField(_l("Note"), filters=[strip], validators=[filled(), Length(max=500)])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), filters=[strip],
                         validators=[filled(), Length(max=2000)])


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))])


class UrgeForm(FlaskForm):
    note = TextAreaField(_l("Message"), validators=[Optional(), Length(max=500)])
