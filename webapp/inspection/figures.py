"""Spot-check figures per department and period, with an Excel export: plan completion,
targets drawn and checked, problems found by result code, results published on time."""

from __future__ import annotations

import io

from flask import render_template, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from openpyxl import Workbook

from engine import inspection
from webapp import database
from webapp.access import MANAGER_ROLES, roles_required, user
from webapp.inspection.labels import pick
from webapp.periods import period


def _rate(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


@roles_required(*MANAGER_ROLES)
def index() -> ResponseReturnValue:
    start, end = period()
    rows = inspection.spot_check_figures(database.session(), user(), start, end)
    return render_template("inspection/figures.html", rows=rows, start=start, end=end,
                           codes=pick(inspection.RESULT_CODES))


@roles_required(*MANAGER_ROLES)
def export() -> ResponseReturnValue:
    start, end = period()
    rows = inspection.spot_check_figures(database.session(), user(), start, end)
    codes = pick(inspection.RESULT_CODES)
    problem_codes = [c for c in codes if c != "no_problem"]
    book = Workbook()
    sheet = book.active
    sheet.title = _("Spot checks")
    sheet.append([_("Department"), _("Tasks"), _("Tasks completed"), _("Plan completion"),
                  _("Targets drawn"), _("Targets checked"), _("Results published"),
                  _("Published on time"), _("Published on time (share)"),
                  *(codes[c] for c in problem_codes)])
    for row in rows:
        sheet.append([row.department, row.tasks, row.tasks_done, _rate(row.completion),
                      row.drawn, row.checked, row.published, row.published_on_time,
                      _rate(row.on_time_rate), *(row.problems.get(c, 0) for c in problem_codes)])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True,
                     download_name=f"spot-checks-{start}-{end}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
