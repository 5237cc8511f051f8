"""Timeliness of enterprise information per department and period, with an Excel export:
entered within 7 working days of the decision, published within 20 (they feed the
assessment of departments); back-filled stock records counted apart."""

from __future__ import annotations

import io

from flask import render_template, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from openpyxl import Workbook

from engine.disclosure import queries
from webapp import database
from webapp.access import MANAGER_ROLES, roles_required, user
from webapp.periods import period


@roles_required(*MANAGER_ROLES)
def index() -> ResponseReturnValue:
    start, end = period()
    rows = queries.timeliness(database.session(), user(), start, end)
    return render_template("records/figures.html", rows=rows, start=start, end=end)


@roles_required(*MANAGER_ROLES)
def export() -> ResponseReturnValue:
    start, end = period()
    rows = queries.timeliness(database.session(), user(), start, end)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Timeliness")
    sheet.append([_("Department"), _("Records"), _("Entered late"), _("Entered on time"),
                  _("Published"), _("Published late"), _("Published on time"),
                  _("Back-filled (apart)")])
    for row in rows:
        sheet.append([row.department, row.records, row.entry_late,
                      round(row.entry_on_time, 4) if row.entry_on_time is not None else None,
                      row.published, row.publication_late,
                      round(row.publication_on_time, 4)
                      if row.publication_on_time is not None else None, row.backfilled])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True,
                     download_name=f"records-timeliness-{start}-{end}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
