"""Date arithmetic for scripts: ISO in, ISO out, bounded like every rule argument."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from rules import REGISTRY, RuleArgumentError
from tests.rule_context import CST, CalendarContext

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=CST)


@pytest.fixture
def f():
    with time_machine.travel(MONDAY_9, tick=False):
        yield REGISTRY.bind(CalendarContext())


def test_dates_move_by_calendar_days_and_keep_their_form(f):
    assert f["add_days"]("2026-03-02", 7) == "2026-03-09"
    assert f["add_days"]("2026-03-02T09:00:00+08:00", -2) == "2026-02-28T09:00:00+08:00"
    assert f["add_hours"]("2026-03-02T23:30:00+08:00", 1) == "2026-03-03T00:30:00+08:00"
    assert f["days_between"]("2026-03-02", "2026-04-01") == 30
    assert f["date_of"]("2026-03-02T23:30:00+08:00") == "2026-03-02"


def test_moments_from_now_are_timer_dates(f):
    assert datetime.fromisoformat(f["in_hours"](2)) == MONDAY_9.replace(hour=11)
    assert datetime.fromisoformat(f["in_days"](1)) == MONDAY_9.replace(day=3)
    assert datetime.fromisoformat(f["now"]()) == MONDAY_9


@pytest.mark.parametrize(("name", "args", "says"), [
    ("add_days", ("2026-02-30", 1), "ISO date"),
    ("add_days", ("2026-03-02", "7"), "a number of days"),
    ("add_days", ("2026-03-02", 10**9), "at most 100 years"),
    ("in_minutes", (10**12,), "at most 100 years"),
    ("days_between", ("0001-01-01", "2026-03-02"), "within 100 years"),
])
def test_bad_or_far_arguments_are_refused_with_the_reason(f, name, args, says):
    with pytest.raises(RuleArgumentError, match=says):
        f[name](*args)
