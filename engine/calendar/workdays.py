"""The working-day calendar (工作日历): national arrangement, local changes, fallback."""

from __future__ import annotations

import functools
import logging
import time
import weakref
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

import chinese_calendar
from sqlalchemy import Connection, Engine, case, delete, event, extract, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from engine import audit, clock
from engine.audit import Actor
from engine.config import Settings
from engine.db import rowcount
from engine.models import CalendarDay, CalendarWarning, CalendarYear
from rules import workdays

log = logging.getLogger(__name__)

NATIONAL = "*"
SEED_SOURCE = "chinese-calendar"

# A year that neither the table nor the chinese-calendar package arranges counts weekends
# plus these (month, day) holidays:
# New Year's Day and the Labour Day (1–5 May) and National Day (1–7 Oct) spans of recent
# arrangements. The lunar holidays (Spring Festival, Qingming, Dragon Boat, Mid-autumn)
# and the make-up workdays (调休) depend on the State Council's yearly choices, so they
# cannot be computed and are not guessed.
FALLBACK_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    [(1, 1)] + [(5, d) for d in range(1, 6)] + [(10, d) for d in range(1, 8)])

# Cross-process staleness: this process drops its cache as soon as it writes calendar data
# (`calendar_changed`). Another process's writes are noticed by comparing a fingerprint
# of both tables (counts, max ids, checksums of days, flags and years, which also move
# when SQLite reuses the ids of replaced rows) at most every RECHECK_SECONDS: for up to a
# minute after another process imports an arrangement, computations may use the old one.
# Arrangements are published weeks ahead, so that is harmless.
RECHECK_SECONDS = 60.0


class _AreaRows(NamedTuple):
    days: dict[date, bool]
    years: frozenset[int]


@dataclass
class _Cached:
    generation: int
    fingerprint: tuple[Any, ...]
    checked_at: float
    areas: dict[str, _AreaRows] = field(default_factory=dict)


# Keyed by engine rather than URL: schemas behind one URL (search_path) must not mix.
_cache: weakref.WeakKeyDictionary[Engine, _Cached] = weakref.WeakKeyDictionary()
_generation = 0


def calendar_changed(session: Session) -> None:
    """Drop this process's cached calendar rows: call after writing calendar data.

    Dropped now (the writer's own transaction then sees its rows) and again when the
    transaction ends, so that neither uncommitted nor rolled-back rows stay cached.
    """
    _bump_generation()
    if not event.contains(session, "after_transaction_end", _after_write_ends):
        event.listen(session, "after_transaction_end", _after_write_ends)


def _after_write_ends(_session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        _bump_generation()


def _bump_generation() -> None:
    global _generation
    _generation += 1


def _area_rows(session: Session, area_code: str) -> _AreaRows:
    # No lock: a race only loads the same rows twice, while a lock held across a query
    # could wait for SQLite's write lock held by a thread that waits for this lock.
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    cached, now, generation = _cache.get(engine), time.monotonic(), _generation
    if (cached is None or cached.generation != generation
            or now - cached.checked_at > RECHECK_SECONDS):
        fingerprint = _fingerprint(session)
        if (cached is None or cached.generation != generation
                or cached.fingerprint != fingerprint):
            cached = _Cached(generation, fingerprint, now)
            _cache[engine] = cached
        cached.checked_at = now
    if area_code not in cached.areas:
        days = session.execute(select(CalendarDay.day, CalendarDay.is_workday)
                               .where(CalendarDay.area_code == area_code)).all()
        years = session.scalars(select(CalendarYear.year)
                                .where(CalendarYear.area_code == area_code))
        cached.areas[area_code] = _AreaRows(dict(days), frozenset(years))
    return cached.areas[area_code]


def _fingerprint(session: Session) -> tuple[Any, ...]:
    day = CalendarDay
    days = select(func.count(), func.max(day.id),
                  func.sum(extract("month", day.day) * 32 + extract("day", day.day)),
                  func.sum(case((day.is_workday, day.id), else_=0)))
    years = select(func.count(), func.max(CalendarYear.id), func.sum(CalendarYear.year))
    return tuple(session.execute(days).one()) + tuple(session.execute(years).one())


_BETWEEN_CACHE = 4096

LOOKUPS: dict[str, Callable[..., Any]] = {}
"""name → service(session, *args): the engine's answers a rule may ask for through its
context (`RuleContext.lookup`); the composition (engine.domains) fills it."""


class WorkdayCalendar:
    """The working days of one area: its local changes over the national arrangement.

    A `rules.registry.RuleContext`, cheap to build (rows come from a per-process cache).
    The national arrangement of a year is the table's where the year is loaded, else the
    chinese-calendar package's, so a fresh database needs no `calendar seed`. Never raises
    for missing data: a day in a year neither has falls back to FALLBACK_HOLIDAYS, and the
    year is logged and recorded in CalendarWarning once per calendar object.
    """

    def __init__(self, session: Session, area_code: str, settings: Settings) -> None:
        self.area_code = area_code
        self._session = session
        self._zone = settings.timezone
        self.settings = settings
        self._national = _area_rows(session, NATIONAL)
        self._package = _package_rows()
        self._local = _area_rows(session, area_code) if area_code != NATIONAL else None
        self._fallback_years: set[int] = set()
        # Lists count the same spans over and over (ages, lights): counted once each.
        self._between: dict[tuple[date, date], int] = {}

    @property
    def rule_max_years(self) -> int:
        return self.settings.rule_max_years

    @property
    def rule_max_workdays(self) -> int:
        return self.settings.rule_max_workdays

    @property
    def warnings(self) -> tuple[int, ...]:
        """The years that fell back to the weekend rule during this object's life."""
        return tuple(sorted(self._fallback_years))

    def has_arrangement(self, year: int) -> bool:
        """Whether `year` has a national arrangement: loaded, or the package's."""
        return year in self._national.years or year in self._package.years

    def is_workday(self, day: date) -> bool:
        """The area's row, else the national row, else the package's, else the weekend rule."""
        arranged = self.has_arrangement(day.year)
        if not arranged:
            self._fall_back(day.year)
        if self._local is not None and day in self._local.days:
            return self._local.days[day]
        if day in self._national.days:
            return self._national.days[day]
        if day.year not in self._national.years and day in self._package.days:
            return self._package.days[day]
        return day.weekday() < 5 and (arranged or (day.month, day.day) not in FALLBACK_HOLIDAYS)

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after `start` (see `rules.workdays.add_workdays`)."""
        return workdays.add_workdays(start, n, self.is_workday)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        key = (start, end)
        found = self._between.get(key)
        if found is None:
            if len(self._between) >= _BETWEEN_CACHE:
                self._between.clear()
            found = self._between[key] = workdays.workdays_between(start, end, self.is_workday)
        return found

    def lookup(self, name: str, *args: Any) -> Any:
        """A registered engine service's answer, in this calendar's transaction."""
        service = LOOKUPS.get(name)
        if service is None:
            raise RuntimeError(f"no engine service {name!r} is registered for rules")
        return service(self._session, *args)

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        return clock.now()

    def today(self) -> date:
        """Today in the platform's zone."""
        return clock.local_today(self._zone)

    def local_date(self, moment: datetime) -> date:
        """The day a moment falls on in the platform's zone."""
        return clock.to_local_date(moment, self._zone)

    def end_of_day(self, day: date) -> datetime:
        """The last microsecond of `day` in the platform's zone, in UTC."""
        return clock.end_of_day(day, self._zone)

    def _fall_back(self, year: int) -> None:
        if year in self._fallback_years:
            return
        self._fallback_years.add(year)
        message = (f"no national working-day arrangement for {year} in the table or the "
                   f"chinese-calendar package: area {self.area_code} counted weekends and "
                   "fixed-date holidays only")
        log.warning(message)
        # ON CONFLICT keeps one row per (area, year) when two processes warn at once.
        at = clock.now()
        insert = (postgresql.insert if self._session.get_bind().dialect.name == "postgresql"
                  else sqlite.insert)
        self._session.execute(insert(CalendarWarning).values(
            area_code=self.area_code, year=year, message=message, first_seen=at, last_seen=at,
            count=1,
        ).on_conflict_do_update(
            index_elements=["area_code", "year"],
            set_={"message": message, "last_seen": at, "count": CalendarWarning.count + 1}))


def calendar_for(session: Session, settings: Settings,
                 area_code: str | None = None) -> WorkdayCalendar:
    """The calendar of `area_code`, or of the configured default area."""
    return WorkdayCalendar(session, area_code or settings.default_area, settings)


class Day(NamedTuple):
    """One stored day of an arrangement."""

    day: date
    is_workday: bool
    note: str | None


@functools.cache
def _package_days() -> tuple[Day, ...]:
    """The chinese-calendar package's days that differ from the weekend rule, named."""
    holidays = [Day(day, False, _holiday_name(name))
                for day, name in chinese_calendar.holidays.items() if day.weekday() < 5]
    return tuple(holidays + [Day(day, True, f"{_holiday_name(name)}调休上班")
                             for day, name in chinese_calendar.workdays.items()
                             if day.weekday() >= 5])


@functools.cache
def _package_rows() -> _AreaRows:
    """The package's days, and every year from its first to its last as arranged."""
    days = _package_days()
    first, last = min(d.day.year for d in days), max(d.day.year for d in days)
    return _AreaRows({d.day: d.is_workday for d in days}, frozenset(range(first, last + 1)))


def seed_from_chinese_calendar(session: Session, actor: Actor) -> int:
    """Store the national arrangement of every year the chinese-calendar package covers.

    Computations use the package for years the table lacks, so this is not needed for
    right answers: it makes the package's days visible and editable as table rows.
    Only days that differ from the weekend rule are stored, named after their holiday.
    A year already holding the package's days is left as it is, and so is a year an
    administrator imported. Returns the days written: 0, with no audit event, on a rerun.
    """
    wanted = _package_days()
    sources = dict(session.execute(select(CalendarYear.year, CalendarYear.source)
                                   .where(CalendarYear.area_code == NATIONAL)).all())
    stored: dict[int, set[Day]] = defaultdict(set)
    for row in session.execute(select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.note)
                               .where(CalendarDay.area_code == NATIONAL)).all():
        stored[row[0].year].add(Day(*row))
    by_year: dict[int, set[Day]] = defaultdict(set)
    for day in wanted:
        by_year[day.day.year].add(day)
    years = [year for year in sorted(_package_rows().years) if sources.get(year) is None
             or (sources[year] == SEED_SOURCE and by_year[year] != stored[year])]
    days = [day for day in wanted if day.day.year in years]
    if years:
        replace_years(session, NATIONAL, years, days, SEED_SOURCE)
        audit.record(session, actor, "calendar.seed", "calendar", NATIONAL,
                     years=years, days_written=len(days))
    return len(days)


def _holiday_name(english: str) -> str:
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


def replace_years(session: Session, area_code: str, years: list[int], days: list[Day],
                   source: str) -> int:
    """Replace an area's rows of `years` (and of `days` outside them); mark the years."""
    removed = session.execute(delete(CalendarDay).where(
        CalendarDay.area_code == area_code,
        or_(CalendarDay.day.in_([d.day for d in days if d.day.year not in years]),
            *(CalendarDay.day.between(date(y, 1, 1), date(y, 12, 31)) for y in years))))
    session.add_all(CalendarDay(area_code=area_code, day=d.day, is_workday=d.is_workday,
                                note=d.note, source=source) for d in days)
    marked = {row.year: row for row in session.scalars(select(CalendarYear).where(
        CalendarYear.area_code == area_code, CalendarYear.year.in_(years)))}
    for year in years:
        if year in marked:
            marked[year].source = source
        else:
            session.add(CalendarYear(area_code=area_code, year=year, source=source))
    session.flush()
    calendar_changed(session)
    return rowcount(removed)


def days_of_year(session: Session, year: int, area_code: str = NATIONAL) -> list[CalendarDay]:
    """A year's days that differ from the weekend rule, as `is_workday` counts them.

    The national rows (for a year not loaded, the package's days as unsaved rows, under
    any stored ones), replaced by the area's own where it has any.
    """
    loaded = session.scalar(select(CalendarYear.id).where(
        CalendarYear.area_code == NATIONAL, CalendarYear.year == year))
    merged = {} if loaded is not None else {
        d.day: CalendarDay(area_code=NATIONAL, day=d.day, is_workday=d.is_workday, note=d.note,
                           source=SEED_SOURCE) for d in _package_days() if d.day.year == year}
    for row in session.scalars(select(CalendarDay).where(
            CalendarDay.area_code.in_({NATIONAL, area_code}),
            CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))):
        if row.day not in merged or merged[row.day].area_code == NATIONAL:
            merged[row.day] = row
    return [merged[day] for day in sorted(merged)]


def recorded_warnings(session: Session) -> list[CalendarWarning]:
    """Every (area, year) that computations reached without data, most recent first."""
    return list(session.scalars(select(CalendarWarning).order_by(
        CalendarWarning.last_seen.desc(), CalendarWarning.area_code, CalendarWarning.year)))
