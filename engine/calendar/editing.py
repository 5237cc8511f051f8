"""The calendar as administrators see and change it: a year of one area day by day, with
where each day's status comes from, and one day set or reset (audited, before and after).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.calendar.workdays import NATIONAL, calendar_changed, days_of_year
from engine.db import settings_of
from engine.errors import InvalidInput
from engine.models import CalendarDay, CalendarYear

Kind = Literal["workday", "weekend", "holiday", "makeup"]
MAX_NOTE = 100


@dataclass(frozen=True)
class DayView:
    day: date
    is_workday: bool
    kind: Kind  # a holiday on a weekday, a make-up workday on a weekend, or the plain rule
    note: str | None
    local: bool  # set for this area, not nationally


@dataclass(frozen=True)
class YearView:
    area_code: str
    year: int
    months: list[list[DayView]]  # twelve months, each its days in order
    loaded: bool  # the year's arrangement is loaded (nationally or for the area)
    holidays: int
    makeups: int
    workdays: int


def year_view(session: Session, area_code: str, year: int) -> YearView:
    """Every day of `year` in `area_code` (the national arrangement and the area's own)."""
    special = {row.day: row for row in days_of_year(session, year, area_code)}
    months: list[list[DayView]] = [[] for _ in range(12)]
    day = date(year, 1, 1)
    while day.year == year:
        row = special.get(day)
        weekday = day.weekday() < 5
        is_workday = row.is_workday if row is not None else weekday
        if is_workday == weekday:
            kind: Kind = "workday" if weekday else "weekend"
        else:
            kind = "makeup" if is_workday else "holiday"
        months[day.month - 1].append(DayView(day, is_workday, kind, row.note if row else None,
                                             row is not None and row.area_code != NATIONAL))
        day += timedelta(days=1)
    flat = [d for month in months for d in month]
    loaded = session.scalar(select(CalendarYear.id).where(
        CalendarYear.area_code.in_({NATIONAL, area_code}), CalendarYear.year == year)) is not None
    return YearView(area_code, year, months, loaded or bool(special),
                    sum(d.kind == "holiday" for d in flat), sum(d.kind == "makeup" for d in flat),
                    sum(d.is_workday for d in flat))


def set_day(session: Session, actor: audit.Actor, area_code: str, day: date,
            is_workday: bool | None, note: str = "") -> DayView:
    """Make `day` a workday or a day off in the area (a local festival, a make-up day), or
    with `is_workday` None reset it to what the national arrangement says."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput("note too long", fields={"note": "too_long"})
    if not 0 < len(area_code) <= 12:
        raise InvalidInput("bad area code", fields={"area_code": "bad_area"})
    max_years = settings_of(session).rule_max_years
    if abs(day.year - clock.local_today().year) > max_years:
        raise InvalidInput("day out of range", fields={"day": "out_of_range"})
    before = _status(session, area_code, day)
    session.execute(delete(CalendarDay).where(CalendarDay.area_code == area_code,
                                              CalendarDay.day == day))
    if is_workday is not None:
        session.add(CalendarDay(area_code=area_code, day=day, is_workday=is_workday,
                                note=note or None, source="admin"))
    session.flush()
    calendar_changed(session)
    after = _status(session, area_code, day)
    audit.record(session, actor, "calendar.day", "calendar", area_code, day=day.isoformat(),
                 before=before.kind, after=after.kind, note=note or None)
    return after


def _status(session: Session, area_code: str, day: date) -> DayView:
    month = year_view(session, area_code, day.year).months[day.month - 1]
    return month[day.day - 1]
