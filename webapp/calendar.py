"""The working-day calendar for administrators: a year of one area (or the national
arrangement) day by day; one day changed or reset; next year's State Council arrangement
imported from a CSV or JSON file; the years computed by fallback, warned here."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length

from engine.calendar import NATIONAL, recorded_warnings
from engine.calendar.editing import set_day, year_view
from engine.calendar.importer import import_arrangement
from engine.errors import InvalidInput
from engine.models import Role
from engine.org.areas import areas
from webapp import database
from webapp.access import MANAGER_ROLES, actor, roles_required, user
from webapp.work.inbox import user_calendar

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
STATUSES = (("off", _l("Day off (holiday)")), ("workday", _l("Workday (make-up day)")),
            ("reset", _l("As the national arrangement says")))


class DayForm(FlaskForm):
    area = HiddenField()
    day = HiddenField()
    status = SelectField(_l("This day is"), choices=STATUSES)
    note = StringField(_l("Note (e.g. the festival)"), validators=[Length(max=100)])


class ImportForm(FlaskForm):
    area = HiddenField()
    file = FileField(_l("Arrangement file (CSV or JSON: date, workday or holiday, note)"),
                     validators=[FileRequired()])


def _area_and_year() -> tuple[str, int]:
    known = {code for code, _name in areas(database.session())} | {NATIONAL}
    area = request.values.get("area") or NATIONAL
    try:
        year = int(request.values.get("year") or user_calendar().today().year)
    except ValueError:
        year = user_calendar().today().year
    return (area if area in known else NATIONAL), min(max(year, 1990), 2100)


@bp.get("/")
@roles_required(*MANAGER_ROLES)
def index() -> ResponseReturnValue:
    area, year = _area_and_year()
    session = database.session()
    return render_template(
        "calendar/index.html", view=year_view(session, area, year), areas=areas(session),
        national=NATIONAL, warnings=recorded_warnings(session),
        may_edit=user().has_role(Role.SYSADMIN), day_form=DayForm(area=area),
        import_form=ImportForm(area=area))


@bp.post("/day")
@roles_required(Role.SYSADMIN)
def change_day() -> ResponseReturnValue:
    form = DayForm()
    area, _year = _area_and_year()
    try:
        day = date.fromisoformat(form.day.data or "")
    except ValueError:
        day = None
    if not form.validate_on_submit() or day is None:
        flash(_("Choose a day and what it is."), "error")
        return redirect(url_for("calendar.index", area=area))
    status = {"off": False, "workday": True}.get(form.status.data)
    try:
        set_day(database.session(), actor(), area, day, status, form.note.data or "")
    except InvalidInput:
        database.rollback()
        flash(_("This day cannot be changed here."), "error")
        return redirect(url_for("calendar.index", area=area, year=day.year))
    database.commit()
    flash(_("%(day)s saved.", day=day.isoformat()), "success")
    return redirect(url_for("calendar.index", area=area, year=day.year,
                            _anchor=f"d{day.isoformat()}"))


@bp.post("/import")
@roles_required(Role.SYSADMIN)
def import_file() -> ResponseReturnValue:
    form = ImportForm()
    area, year = _area_and_year()
    if not form.validate_on_submit():
        flash(_("Choose a CSV or JSON file."), "error")
        return redirect(url_for("calendar.index", area=area, year=year))
    upload = form.file.data
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in (".csv", ".json"):
        flash(_("Choose a CSV or JSON file."), "error")
        return redirect(url_for("calendar.index", area=area, year=year))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.filename).name
        upload.save(path)
        try:
            result = import_arrangement(database.session(), actor(), path, area)
        except InvalidInput as exc:
            database.rollback()
            rows = exc.details.get("fields") or {}
            listed = "; ".join(f"{where}: {why}" for where, why in list(rows.items())[:10])
            flash(_("Nothing was imported: %(n)d problem(s). %(rows)s", n=len(rows),
                    rows=listed), "error")
            return redirect(url_for("calendar.index", area=area, year=year))
    database.commit()
    flash(_("Imported %(years)s: %(n)d day(s) stored.",
            years=", ".join(map(str, result.years)), n=result.stored), "success")
    return redirect(url_for("calendar.index", area=area, year=result.years[0]))
