"""The forms of the registry pages: a registration file, manual routing, the shared search."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from engine.dual_notice.queries import RoutingChoices
from webapp.dual_notice.forms import CHOOSE, department_choices
from webapp.dual_notice.labels import local_items
from webapp.forms import date_text, filled, required, strip
from webapp.params import ID


class RegistryFileForm(FlaskForm):
    file = FileField(_l("Registration file (CSV or XLSX)"),
                     validators=[FileRequired(message=_l("Choose a file."))])


class ManualRouteForm(FlaskForm):
    licence_item = SelectField(_l("Licence item"), validators=[required()],
                               validate_choice=False)
    department = SelectField(_l("Department"), validate_choice=False, validators=[
        required(), Regexp(rf"^{ID}$", message=_l("Choose one of the options."))])

    def fill(self, choices: RoutingChoices) -> ManualRouteForm:
        self.licence_item.choices = [("", CHOOSE), *(
            (code, f"{name} ({code})") for code, name in local_items(choices.licence_items))]
        self.department.choices = department_choices(choices)
        return self


class NoNoticeForm(FlaskForm):
    reason = TextAreaField(_l("Why no notice is needed"), filters=[strip],
                           validators=[filled(), Length(min=2, max=500)])


class SharedSearchForm(FlaskForm):
    """A search of the registry shared with departments; every field optional."""

    class Meta:
        csrf = False

    name = StringField(_l("Name contains"), filters=[strip],
                       validators=[Optional(), Length(max=100)])
    uscc = StringField(_l("USCC or its start"), filters=[strip],
                       validators=[Optional(), Length(max=18)])
    entity_type = SelectField(_l("Entity type"), validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=False)
    township = StringField(_l("Township or street"), filters=[strip],
                           validators=[Optional(), Length(max=100)])
    area = SelectField(_l("Area"), validators=[Optional()], validate_choice=False)
    established_from = StringField(_l("Established from"), validators=[Optional(), date_text],
                                   render_kw={"type": "date"})
    established_to = StringField(_l("Established until"), validators=[Optional(), date_text],
                                 render_kw={"type": "date"})
