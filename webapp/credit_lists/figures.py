"""The lists' figures per deciding unit and period (listed, removed, moved, objections),
with an Excel export; they feed the assessment of departments."""

from __future__ import annotations

import io
from datetime import date

from flask import render_template, request, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from openpyxl import Workbook

from engine import credit_lists
from webapp import database
from webapp.access import MANAGER_ROLES, roles_required
from webapp.work.inbox import user_calendar


def _period() -> tuple[date, date]:
    """From the `from` and `to` parameters; this year to today by default."""
    today = user_calendar().today()
    try:
        start = date.fromisoformat(request.args.get("from") or "")
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = date.fromisoformat(request.args.get("to") or "")
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


@roles_required(*MANAGER_ROLES)
def index() -> ResponseReturnValue:
    start, end = _period()
    rows = credit_lists.figures(database.session(), start, end)
    return render_template("credit_lists/figures.html", rows=rows, start=start, end=end)


@roles_required(*MANAGER_ROLES)
def export() -> ResponseReturnValue:
    start, end = _period()
    book = Workbook()
    sheet = book.active
    sheet.title = _("Credit lists")
    sheet.append([_("Department"), _("Listed (abnormal)"), _("Listed (serious)"),
                  _("Removed"), _("Moved to the serious list"), _("Objections"),
                  _("Objections upheld")])
    for row in credit_lists.figures(database.session(), start, end):
        sheet.append([row.unit, row.abnormal_listed, row.serious_listed, row.removed,
                      row.moved, row.objections, row.objections_upheld])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=f"credit-lists-{start}-{end}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
