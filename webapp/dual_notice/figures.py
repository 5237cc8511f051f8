"""Dual-notice figures per department and period, on a page and as an Excel workbook."""

from __future__ import annotations

import io
from datetime import date

from flask import render_template, request, send_file
from flask.typing import ResponseReturnValue

from engine.dual_notice import figures as notice_figures
from engine.dual_notice.figures import FigureReport
from engine.dual_notice.lights import claim_limits
from engine.org.areas import areas
from webapp import database
from webapp.access import MANAGER_ROLES, roles_required, user
from webapp.config import settings
from webapp.downloads import XLSX
from webapp.dual_notice.forms import ANY, FiguresForm, day_of
from webapp.work.inbox import user_calendar


def period_form() -> tuple[FiguresForm, date, date, str | None]:
    """The form, and the period and area it asks for (this month so far by default)."""
    form = FiguresForm(request.args)
    form.area.choices = [("", ANY), *areas(database.session())]
    today = user_calendar().today()
    valid = form.validate()
    start = (day_of(form.start.data) if valid else None) or today.replace(day=1)
    end = (day_of(form.end.data) if valid else None) or today
    form.start.data, form.end.data = start.isoformat(), end.isoformat()
    return form, start, end, (form.area.data or None) if valid else None


def report() -> tuple[FiguresForm, FigureReport]:
    form, start, end, area = period_form()
    return form, notice_figures.notice_figures(database.session(), user(), start, end, area)


@roles_required(*MANAGER_ROLES)
def index() -> ResponseReturnValue:
    form, figures = report()
    args = {"start": form.start.data, "end": form.end.data,
            **({"area": form.area.data} if form.area.data else {})}
    return render_template("notices/figures.html", form=form, figures=figures, args=args,
                           claim_days=claim_limits(settings())[0])


@roles_required(*MANAGER_ROLES)
def export() -> ResponseReturnValue:
    _form, figures = report()
    out = io.BytesIO()
    notice_figures.export_figures_xlsx(figures, out)
    out.seek(0)
    name = f"dual-notice-figures-{figures.start.isoformat()}-{figures.end.isoformat()}.xlsx"
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=name, max_age=0)
