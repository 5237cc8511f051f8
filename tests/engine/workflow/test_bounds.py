"""The timer and loop values SpiffWorkflow would work in proportion to, parsed and bounded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.workflow.bounds import Bounds, OutOfBounds, check_cardinality, check_timer

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
BOUNDS = Bounds()


@pytest.mark.parametrize("kind, value, seen", [
    ("duration", "P9Y11M", "P9Y11M"),
    ("duration", "p3d", "p3d"),
    ("duration", "PT0,5S", "PT0,5S"),
    ("date", "2036-01-01T00:00:00+08:00", "2036-01-01T00:00:00+08:00"),
    ("date", "2001-01-01", "2001-01-01"),
    ("date", "2026-W10-1T10:00:00", "2026-W10-1T10:00:00"),
    ("cycle", "R3/PT1H", "R3/PT1H"),
    ("cycle", "R/P1D", "R1000/P1D"),
    ("cycle", "R2/2026-03-02T00:00:00Z/PT1M", "R2/2026-03-02T00:00:00Z/PT1M"),
    ("cycle", "R2/PT1M/2026-03-09T00:00:00Z", "R2/PT1M/2026-03-09T00:00:00Z"),
])
def test_values_within_the_bounds_reach_spiffworkflow(kind, value, seen):
    assert check_timer(kind, value, BOUNDS, NOW) == seen


@pytest.mark.parametrize("kind, value, reason", [
    ("duration", "P99999999Y", "'P99999999Y' reaches beyond 10 years"),
    ("duration", "PT" + "9" * 5000 + "S", "999...' reaches beyond 10 years"),
    ("duration", "P10Y1D", "reaches beyond 10 years (setting timer_max_years)"),
    ("duration", "P", "'P' is not an ISO 8601 duration"),
    ("duration", "P1DT", "'P1DT' is not an ISO 8601 duration"),
    ("duration", "three days", "is not an ISO 8601 duration such as P3D"),
    ("date", "9999-12-31T00:00:00", "lies more than 10 years ahead"),
    ("date", "P1D", "takes a date and time, not the duration 'P1D'"),
    ("date", "tomorrow", "'tomorrow' is not an ISO 8601 date and time"),
    ("cycle", "R/PT0S", "repeats more often than every 60 seconds"),
    ("cycle", "R5/PT59S", "(setting timer_min_cycle_seconds)"),
    ("cycle", "R1001/PT1H", "repeats more than 1000 times"),
    ("cycle", "R3/PT1H/PT2H", "needs exactly one period"),
    ("cycle", "R3/9999-01-01T00:00:00Z/PT1H", "lies more than 10 years ahead"),
    ("cycle", "every hour", "is not an ISO 8601 cycle"),
    ("duration", 3600, "a timer gives text such as 'PT2H', not int"),
])
def test_values_beyond_the_bounds_are_refused_with_a_reason(kind, value, reason):
    with pytest.raises(OutOfBounds) as caught:
        check_timer(kind, value, BOUNDS, NOW)
    assert reason in str(caught.value)


@pytest.mark.parametrize("value, expected", [(0, 0), (1000, 1000), (3.0, 3)])
def test_cardinalities_within_the_bound(value, expected):
    assert check_cardinality(value, BOUNDS) == expected


@pytest.mark.parametrize("value, reason", [
    (10**6, "1,000,000 is outside 0 to 1,000"),
    (-1, "-1 is outside 0 to 1,000"),
    (2.5, "a whole number, not 2.5"),
    (float("nan"), "a whole number, not nan"),
    ("3", "a whole number, not '3'"),
    (True, "a whole number, not True"),
])
def test_cardinalities_beyond_the_bound_are_refused(value, reason):
    with pytest.raises(OutOfBounds) as caught:
        check_cardinality(value, BOUNDS)
    assert reason in str(caught.value)
