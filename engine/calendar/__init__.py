"""Working-day calendars per area, with the make-up workdays (调休) of each year."""

from engine.calendar.workdays import (
    LOOKUPS,
    NATIONAL,
    Day,
    WorkdayCalendar,
    calendar_for,
    days_of_year,
    recorded_warnings,
    replace_years,
    seed_from_chinese_calendar,
)

__all__ = [
    "LOOKUPS",
    "NATIONAL",
    "Day",
    "WorkdayCalendar",
    "calendar_for",
    "days_of_year",
    "recorded_warnings",
    "replace_years",
    "seed_from_chinese_calendar",
]
