"""The lists' figures per deciding unit and period (listed, removed, moved, objections),
with an Excel export; they feed the assessment of departments."""

from __future__ import annotations

import io

from flask import render_template, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from openpyxl import Workbook

from engine import credit_lists
from webapp import database
from webapp.access import MANAGER_ROLES, roles_required
from webapp.periods import period


@roles_required(*MANAGER_ROLES)
def index() -> ResponseReturnValue:
    start, end = period()
    rows = credit_lists.figures(database.session(), start, end)
    return render_template("credit_lists/figures.html", rows=rows, start=start, end=end)


@roles_required(*MANAGER_ROLES)
def export() -> ResponseReturnValue:
    start, end = period()
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
