"""Date and time arithmetic for scripts and timer expressions, on ISO text.

Diagrams written for plain SpiffWorkflow compute timer dates with `datetime` and
`timedelta`; the sandbox offers no modules, so these functions do the same on ISO
strings, which task data keeps as they are (JSON) and timer expressions accept:

    due = add_days(decision_date, 7)              # '2026-03-09' for '2026-03-02'
    remind_at = in_hours(4)                       # a timeDate: four hours from now
    late = days_between(received_on, today()) > 20

Moments stay within `rule_max_years` of today, like every date a rule accepts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rules.registry import RuleArgumentError, RuleContext, rule

_UNITS = {"days": 86400, "hours": 3600, "minutes": 60}


def moment_of(ctx: RuleContext, name: str, text: object) -> date | datetime:
    """An ISO date, or an ISO datetime (a naive one in the platform's zone), near today."""
    if isinstance(text, datetime | date):
        value: date | datetime = text
    elif isinstance(text, str):
        try:
            value = datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
        except ValueError:
            raise RuleArgumentError(f"{name}() takes an ISO date or datetime such as "
                                    f"'2026-03-02' or '2026-03-02T09:00', not {text!r:.40}"
                                    ) from None
    else:
        raise RuleArgumentError(f"{name}() takes an ISO date or datetime, not {text!r:.40}")
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=ctx.now().tzinfo)
    _near(ctx, name, value)
    return value


def _near(ctx: RuleContext, name: str, value: date | datetime) -> None:
    if abs(value.year - ctx.today().year) > ctx.rule_max_years:
        raise RuleArgumentError(f"{name}() works within {ctx.rule_max_years} years of today, "
                                f"not {value.isoformat()} (setting rule_max_years)")


def _shifted(ctx: RuleContext, name: str, start: date | datetime, n: object, unit: str
             ) -> str:
    if isinstance(n, bool) or not isinstance(n, int | float):
        raise RuleArgumentError(f"{name}() adds a number of {unit}, not {n!r:.40}")
    if abs(n) * _UNITS[unit] > (ctx.rule_max_years + 1) * 366 * 86400:
        raise RuleArgumentError(f"{name}() adds at most {ctx.rule_max_years} years, not "
                                f"{n:,} {unit} (setting rule_max_years)")
    if not isinstance(start, datetime) and unit != "days":
        start = datetime.combine(start, datetime.min.time(), ctx.now().tzinfo)
    result = start + timedelta(**{unit: n})
    _near(ctx, name, result)
    return result.isoformat()


@rule(needs_context=True)
def now(ctx: RuleContext) -> str:
    """The present moment in the platform's zone, ISO."""
    return ctx.now().isoformat()


@rule(needs_context=True)
def in_days(ctx: RuleContext, n: object) -> str:
    """The moment n calendar days from now, ISO (a timer's timeDate)."""
    return _shifted(ctx, "in_days", ctx.now(), n, "days")


@rule(needs_context=True)
def in_hours(ctx: RuleContext, n: object) -> str:
    """The moment n hours from now, ISO (a timer's timeDate)."""
    return _shifted(ctx, "in_hours", ctx.now(), n, "hours")


@rule(needs_context=True)
def in_minutes(ctx: RuleContext, n: object) -> str:
    """The moment n minutes from now, ISO (a timer's timeDate)."""
    return _shifted(ctx, "in_minutes", ctx.now(), n, "minutes")


@rule(needs_context=True)
def add_days(ctx: RuleContext, moment: object, n: object) -> str:
    """An ISO date or datetime n calendar days later (earlier for negative n), as given."""
    return _shifted(ctx, "add_days", moment_of(ctx, "add_days", moment), n, "days")


@rule(needs_context=True)
def add_hours(ctx: RuleContext, moment: object, n: object) -> str:
    """An ISO datetime n hours later (a date counts from its midnight)."""
    return _shifted(ctx, "add_hours", moment_of(ctx, "add_hours", moment), n, "hours")


@rule(needs_context=True)
def add_minutes(ctx: RuleContext, moment: object, n: object) -> str:
    """An ISO datetime n minutes later (a date counts from its midnight)."""
    return _shifted(ctx, "add_minutes", moment_of(ctx, "add_minutes", moment), n, "minutes")


@rule(needs_context=True)
def days_between(ctx: RuleContext, start: object, end: object) -> int:
    """Calendar days from `start` to `end` (negative when `end` is earlier)."""
    first = moment_of(ctx, "days_between", start)
    last = moment_of(ctx, "days_between", end)
    return (_day(last) - _day(first)).days


@rule(needs_context=True)
def date_of(ctx: RuleContext, moment: object) -> str:
    """The ISO date of an ISO datetime (in its own zone), or of a date."""
    return _day(moment_of(ctx, "date_of", moment)).isoformat()


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
