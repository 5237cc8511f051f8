"""Bounds on what a diagram asks of SpiffWorkflow: timer spans, cycles, loop sizes.

SpiffWorkflow trusts these values and works in proportion to them, outside the sandbox's
time checks: a duration of P99999999Y walks a billion months, a cycle of R/PT0S fires
without end inside one engine step, a loopCardinality of 10**6 builds a million tasks.
So each value is parsed and checked here before SpiffWorkflow sees it: at deploy where
the diagram states it literally, by the script engine where an expression computes it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engine.config import Settings


class OutOfBounds(ValueError):
    """A timer, cycle or loop value that is malformed or beyond the configured bounds."""


@dataclass(frozen=True)
class Bounds:
    """The limits of config.toml's "bounds" block (see there what each means)."""

    timer_max_years: int = 10
    timer_min_cycle_seconds: int = 60
    timer_max_cycle_repetitions: int = 1000
    max_loop_cardinality: int = 1000
    max_engine_steps: int = 10000
    max_command_seconds: float = 30.0

    @classmethod
    def of(cls, settings: Settings) -> Bounds:
        return cls(settings.timer_max_years, settings.timer_min_cycle_seconds,
                   settings.timer_max_cycle_repetitions, settings.max_loop_cardinality,
                   settings.max_engine_steps, settings.max_command_seconds)


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?", re.IGNORECASE)
# Seconds per designator (Y M W D H M S): the longest and the shortest each can mean.
_LONGEST = (366 * 86400, 31 * 86400, 7 * 86400, 86400, 3600, 60, 1)
_SHORTEST = (365 * 86400, 28 * 86400, 7 * 86400, 86400, 3600, 60, 1)
_CYCLE = re.compile(r"R(\d*)/([^/]+)(?:/([^/]+))?", re.IGNORECASE)


@dataclass(frozen=True)
class Duration:
    """An ISO 8601 duration, as the span of seconds it may cover."""

    text: str
    longest: float
    shortest: float


def _quoted(text: str) -> str:
    """A value as a reason quotes it: a diagram's value may be arbitrarily long."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def parse_duration(text: str) -> Duration:
    """`PnYnMnDTnHnMnS` or `PnW`; OutOfBounds for anything else."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or not any(match.groups()) or text.strip().upper().endswith("T"):
        raise OutOfBounds(f"{_quoted(text)} is not an ISO 8601 duration such as P3D or PT2H")
    amounts = [float(g.replace(",", ".")) if g else 0.0 for g in match.groups()]
    return Duration(text, sum(a * s for a, s in zip(amounts, _LONGEST, strict=True)),
                    sum(a * s for a, s in zip(amounts, _SHORTEST, strict=True)))


def check_duration(text: str, bounds: Bounds) -> Duration:
    duration = parse_duration(text)
    if duration.longest > bounds.timer_max_years * _LONGEST[0]:
        raise OutOfBounds(f"the duration {_quoted(text)} reaches beyond {bounds.timer_max_years} "
                          "years (setting timer_max_years)")
    return duration


def check_date(text: str, bounds: Bounds, now: datetime) -> None:
    """A timer date (ISO 8601) may lie in the past, but no further ahead than the bound."""
    if text.strip().upper().startswith("P"):
        raise OutOfBounds(f"a timer date takes a date and time, not the duration {_quoted(text)}")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:  # Python 3.11 reads every ISO 8601 form SpiffWorkflow does, weeks too
        raise OutOfBounds(f"{_quoted(text)} is not an ISO 8601 date and time") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if (moment - now).total_seconds() > bounds.timer_max_years * _LONGEST[0]:
        raise OutOfBounds(f"the date {_quoted(text)} lies more than {bounds.timer_max_years} years "
                          "ahead (setting timer_max_years)")


def check_cycle(text: str, bounds: Bounds, now: datetime) -> str:
    """A cycle `Rn/<start>/<period>` (or `Rn/<period>[/<end>]`) within the bounds.

    Returns the cycle as SpiffWorkflow should see it: an unbounded one (`R/...`) gets
    the most repetitions allowed, so that it ends.
    """
    match = _CYCLE.fullmatch(text.strip().replace("--", "/"))
    if match is None:
        raise OutOfBounds(f"{_quoted(text)} is not an ISO 8601 cycle such as R3/PT1H")
    count, first, second = match.groups()
    periods = [part for part in (first, second) if part and part.upper().startswith("P")]
    if len(periods) != 1:
        raise OutOfBounds(f"the cycle {_quoted(text)} needs exactly one period such as PT1H")
    period = check_duration(periods[0], bounds)
    for part in (first, second):
        if part and part is not periods[0]:
            check_date(part, bounds, now)
    if period.shortest < bounds.timer_min_cycle_seconds:
        raise OutOfBounds(f"the cycle {_quoted(text)} repeats more often than every "
                          f"{bounds.timer_min_cycle_seconds} seconds "
                          "(setting timer_min_cycle_seconds)")
    if count and int(count) > bounds.timer_max_cycle_repetitions:
        raise OutOfBounds(f"the cycle {_quoted(text)} repeats more than "
                          f"{bounds.timer_max_cycle_repetitions} times "
                          "(setting timer_max_cycle_repetitions)")
    rest = "/".join(part for part in (first, second) if part)
    return f"R{count or bounds.timer_max_cycle_repetitions}/{rest}"


def check_timer(kind: str, value: Any, bounds: Bounds, now: datetime) -> str:
    """The value of a timer expression of `kind` ("date", "duration", "cycle"), checked."""
    if not isinstance(value, str):
        raise OutOfBounds(f"a timer gives text such as 'PT2H', not {type(value).__name__}")
    if kind == "duration":
        check_duration(value, bounds)
        return value
    if kind == "cycle":
        return check_cycle(value, bounds, now)
    check_date(value, bounds, now)
    return value


def check_cardinality(value: Any, bounds: Bounds) -> int:
    """How many instances a multi-instance activity makes: a whole number within the bound."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not (math.isfinite(value) and value.is_integer())):
        raise OutOfBounds(f"a loop cardinality is a whole number, not {value!r:.40}")
    if not 0 <= value <= bounds.max_loop_cardinality:
        raise OutOfBounds(f"a loop cardinality of {value:,.0f} is outside 0 to "
                          f"{bounds.max_loop_cardinality:,} (setting max_loop_cardinality)")
    return int(value)


def check_rounds(rounds: int, bounds: Bounds) -> None:
    """A standard loop may run at most as many rounds as a multi-instance has instances."""
    if rounds >= bounds.max_loop_cardinality:
        raise OutOfBounds(f"the loop ran {rounds:,} rounds and its condition still holds "
                          f"(setting max_loop_cardinality: {bounds.max_loop_cardinality:,})")
