"""The light of a case's open step from its due day, in working days (the lights of the
dual notice and of the records): green up to two working days before, yellow to the
day, red beyond. A closed case, or one waiting for a guidance deadline, has none."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from engine.calendar import WorkdayCalendar

Light = Literal["green", "yellow", "red"]
WARNING_DAYS = 2


def step_light(due_at: datetime | None, calendar: WorkdayCalendar) -> Light | None:
    """The light of a step due at `due_at` (None: it has no due day)."""
    if due_at is None:
        return None
    today, due = calendar.today(), calendar.local_date(due_at)
    if today > due:
        return "red"
    left = calendar.workdays_between(today, due)
    return "yellow" if left <= WARNING_DAYS else "green"
