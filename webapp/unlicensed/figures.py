"""Unlicensed-operation figures per department and period, with an Excel export: cases
received and closed, copy-to notices received and answered on time (they feed the
assessment of departments)."""

from __future__ import annotations

import io
from datetime import date

from flask import render_template, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from openpyxl import Workbook

from engine import unlicensed
from webapp import database
from webapp.access import MANAGER_ROLES, roles_required, user
from webapp.periods import period
from webapp.work.inbox import user_calendar


def _rows(start: date, end: date) -> list[unlicensed.DepartmentFigures]:
    return unlicensed.figures(database.session(), user(), start, end, user_calendar())


@roles_required(*MANAGER_ROLES)
def index() -> ResponseReturnValue:
    start, end = period()
    return render_template("unlicensed/figures.html", rows=_rows(start, end), start=start,
                           end=end)


@roles_required(*MANAGER_ROLES)
def export() -> ResponseReturnValue:
    start, end = period()
    book = Workbook()
    sheet = book.active
    sheet.title = _("Unlicensed operation")
    sheet.append([_("Department"), _("Cases received"), _("Cases closed"),
                  _("Copy-to notices received"), _("Answered on time"), _("Answered late"),
                  _("Not answered"), _("On-time rate")])
    for row in _rows(start, end):
        sheet.append([row.department, row.opened, row.closed, row.copies_received,
                      row.answered_on_time, row.answered_late, row.unanswered,
                      round(row.on_time_rate, 4) if row.on_time_rate is not None else None])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True,
                     download_name=f"unlicensed-figures-{start}-{end}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
