"""The credit-check log for administrators, supervisors and auditors: every check with who,
when, what and the result, filtered in the address, paged, exported to Excel."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from engine import credit_check
from engine.audit.log import MAX_EXPORT_ROWS
from webapp import database
from webapp.access import MANAGER_ROLES, roles_required, user
from webapp.audit_trail.views import asked_args, workbook, zone
from webapp.credit_check.labels import ACTIONS, ORIGINS
from webapp.forms import date_text, strip, uscc_text
from webapp.params import page_arg, parse_day

PER_PAGE = 50
KEYS = ("from", "to", "action", "origin", "result", "checked_by", "uscc")
RESULTS = {"restricted": _l("Restricted"), "clear": _l("No restriction")}


class LogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    start = StringField(_l("Checked from"), validators=[Optional(), date_text],
                        render_kw={"type": "date"}, name="from")
    end = StringField(_l("Until"), validators=[Optional(), date_text],
                      render_kw={"type": "date"}, name="to")
    action = SelectField(_l("Action type"), choices=[("", "")] + list(ACTIONS.items()),
                         validators=[Optional()])
    origin = SelectField(_l("Where from"), choices=[("", "")] + list(ORIGINS.items()),
                         validators=[Optional()])
    result = SelectField(_l("Result"), choices=[("", "")] + list(RESULTS.items()),
                         validators=[Optional()])
    checked_by = StringField(_l("User name"), filters=[strip],
                             validators=[Optional(), Length(max=64)])
    uscc = StringField(_l("Entity's USCC"), filters=[strip], validators=[Optional(), uscc_text])

    def log_filter(self) -> credit_check.LogFilter:
        """What was asked (nothing when the form is invalid)."""
        if not self.validate():
            return credit_check.LogFilter()
        return credit_check.LogFilter(
            start=parse_day(self.start.data), end=parse_day(self.end.data),
            action=self.action.data or None, origin=self.origin.data or None,
            result=self.result.data or None, checked_by=self.checked_by.data or None,
            uscc=self.uscc.data or None)


@roles_required(*MANAGER_ROLES)
def index() -> ResponseReturnValue:
    form = LogFilterForm(request.args)
    page = credit_check.check_log(database.session(), user(), form.log_filter(), page_arg(),
                                  PER_PAGE)
    args = asked_args(KEYS)
    return render_template("credit_check/log.html", form=form, page=page, args=args,
                           filtered=bool(args), results=RESULTS, max_export=MAX_EXPORT_ROWS)


@roles_required(*MANAGER_ROLES)
def export() -> ResponseReturnValue:
    form = LogFilterForm(request.args)
    headers = [_("No."), _("Time"), _("User name"), _("Name"), _("Department"), _("Where from"),
               _("Action type"), _("USCC"), _("Codes checked"), _("Invalid"), _("Restricted"),
               _("Measures applied"), _("Result"), _("Purpose")]
    labels = {"actions": {k: str(v) for k, v in ACTIONS.items()},
              "origins": {k: str(v) for k, v in ORIGINS.items()},
              "results": {k: str(v) for k, v in RESULTS.items()}}
    return workbook("credit-checks", "credit_check.log", KEYS, lambda out: credit_check.export_log(
        database.session(), user(), form.log_filter(), headers, labels, zone(), out))
