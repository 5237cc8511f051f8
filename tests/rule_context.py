"""A rule context over chinese-calendar, for running diagrams without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import chinese_calendar

CST = ZoneInfo("Asia/Shanghai")


class CalendarContext:
    """The rule context with the State Council arrangement, as the engine lends it."""

    area_code = "530502"
    rule_max_years = 100
    rule_max_workdays = 2500

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(CST).date()

    def is_workday(self, day: date) -> bool:
        return chinese_calendar.is_workday(day)

    def end_of_day(self, day: date) -> datetime:
        return datetime.combine(day, time.max, CST).astimezone(UTC)
