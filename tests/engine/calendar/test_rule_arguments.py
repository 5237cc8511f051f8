"""Rule functions refuse arguments that would walk the calendar for seconds, with a reason."""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import func, select

from engine.calendar import calendar_for
from engine.db import settings_of
from engine.models import CalendarWarning
from rules import REGISTRY, RuleArgumentError
from tests.factories import MONDAY


@pytest.fixture
def rules(session):
    """The rule functions as a diagram calls them, on MONDAY."""
    with time_machine.travel(MONDAY, tick=False):
        yield REGISTRY.bind(calendar_for(session, settings_of(session), "530502"))


@pytest.mark.parametrize("name, argument, reason", [
    ("workdays_since", "0001-01-01", "dates within 100 years of today, not 0001-01-01"),
    ("workdays_since", "9999-12-31T00:00:00", "not 9999-12-31 (setting rule_max_years)"),
    ("workdays_since", "yesterday", "takes an ISO date such as '2026-03-02', not 'yesterday'"),
    ("workdays_since", 20260302, "takes an ISO date such as '2026-03-02', not 20260302"),
    ("is_workday", "3000-01-01", "is_workday() takes dates within 100 years of today"),
    ("workdays_from_today", 3_000_000, "at most 2,500 working days, not 3,000,000"),
    ("workdays_from_today", -3_000_000, "at most 2,500 working days, not -3,000,000"),
    ("workdays_from_today", float("inf"), "counts whole working days, not inf"),
    ("workdays_from_today", "many", "counts whole working days, not 'many'"),
])
def test_an_argument_out_of_bounds_is_refused_and_writes_no_warning(session, rules, name,
                                                                    argument, reason):
    with pytest.raises(RuleArgumentError) as caught:
        rules[name](argument)
    assert str(caught.value).startswith(f"{name}()")
    assert reason in str(caught.value)
    session.flush()
    assert session.execute(select(func.count(CalendarWarning.id))).scalar() == 0


def test_arguments_within_the_bounds_are_counted(rules):
    assert rules["workdays_since"]("2026-02-27") == 2  # Saturday 28 February is 调休
    assert rules["workdays_from_today"](2500).startswith("2036-")
    assert rules["is_workday"]("2026-10-01") is False
    assert rules["workdays_since"]("1990-01-01") > 8000
