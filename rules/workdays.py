"""Working-day arithmetic (工作日), pure over an `is_workday` predicate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from rules.registry import RuleArgumentError, RuleContext, rule

IsWorkday = Callable[[date], bool]

# A year of consecutive holidays would be an error in the data, not a calendar.
_MAX_SCAN_DAYS = 366


def add_workdays(start: date, n: int, is_workday: IsWorkday) -> date:
    """The n-th working day after `start` (the start day itself never counts).

    n = 0 gives `start` when it is a working day, else the next working day.
    Negative n counts backwards.
    """
    if n == 0:
        return next_workday(start, is_workday, include_start=True)
    step = timedelta(days=1 if n > 0 else -1)
    day, remaining, scanned = start, abs(n), 0
    while remaining:
        day += step
        scanned += 1
        if is_workday(day):
            remaining -= 1
            scanned = 0
        elif scanned > _MAX_SCAN_DAYS:
            raise ValueError(f"no working day within a year of {day.isoformat()}")
    return day


def next_workday(start: date, is_workday: IsWorkday, include_start: bool = False) -> date:
    day = start if include_start else start + timedelta(days=1)
    for _ in range(_MAX_SCAN_DAYS):
        if is_workday(day):
            return day
        day += timedelta(days=1)
    raise ValueError(f"no working day within a year of {start.isoformat()}")


def workdays_between(start: date, end: date, is_workday: IsWorkday) -> int:
    """Working days after `start` up to and including `end` (negative if end < start)."""
    if end < start:
        return -workdays_between(end, start, is_workday)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


@rule(needs_context=True)
def workdays_from_today(ctx: RuleContext, n: int) -> str:
    """ISO end of the n-th working day after today: a timer's `timeDate` expression."""
    count = workday_count(ctx, "workdays_from_today", n)
    return ctx.end_of_day(add_workdays(ctx.today(), count, ctx.is_workday)).isoformat()


@rule(needs_context=True)
def workdays_since(ctx: RuleContext, moment: str) -> int:
    """Working days elapsed from an ISO date or datetime until today."""
    start = day_of(ctx, "workdays_since", moment)
    return workdays_between(start, ctx.today(), ctx.is_workday)


@rule(needs_context=True)
def is_workday(ctx: RuleContext, day: str) -> bool:
    """Whether an ISO date is a working day in the case's area."""
    return ctx.is_workday(day_of(ctx, "is_workday", day))


def workday_count(ctx: RuleContext, name: str, n: object) -> int:
    """A whole number of working days within the bound: counting walks the calendar day by
    day, so a huge count would hold the engine far longer than any script may run."""
    if isinstance(n, bool) or not isinstance(n, (int, float, str)):
        raise RuleArgumentError(f"{name}() counts whole working days, not {n!r:.40}")
    try:
        count = int(n)
    except (ValueError, OverflowError):
        raise RuleArgumentError(f"{name}() counts whole working days, not {n!r:.40}") from None
    if abs(count) > ctx.rule_max_workdays:
        raise RuleArgumentError(f"{name}() counts at most {ctx.rule_max_workdays:,} working "
                                f"days, not {count:,} (setting rule_max_workdays)")
    return count


def day_of(ctx: RuleContext, name: str, text: object) -> date:
    """An ISO date (or datetime) within the bound around today: a day far away walks the
    calendar through every year between and warns about each year it has no data for."""
    if not isinstance(text, str):
        raise RuleArgumentError(f"{name}() takes an ISO date such as '2026-03-02', "
                                f"not {text!r:.40}")
    try:
        day = datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        raise RuleArgumentError(f"{name}() takes an ISO date such as '2026-03-02', "
                                f"not {text!r:.40}") from None
    if abs(day.year - ctx.today().year) > ctx.rule_max_years:
        raise RuleArgumentError(f"{name}() takes dates within {ctx.rule_max_years} years of "
                                f"today, not {day.isoformat()} (setting rule_max_years)")
    return day


@rule(needs_context=True)
def today(ctx: RuleContext) -> str:
    """Today's date in the platform's zone, ISO."""
    return ctx.today().isoformat()
