"""Deadline lights of dual notices: one rule, in Python for a notice and in SQL for lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, and_

from engine import clock
from engine.calendar import WorkdayCalendar
from engine.config import Settings
from engine.models import DualNotice, NoticeState

Light = Literal["green", "yellow", "red"]


def claim_limits(settings: Settings) -> tuple[int, int]:
    """Working days to claim (green up to it, then yellow and a reminder) and to
    escalation (red beyond it), from the settings (7 and 10 by default)."""
    return settings.notice_claim_workdays, settings.notice_escalate_workdays


def days_waited(calendar: WorkdayCalendar, pushed_day: date, day: date) -> int:
    """Working days a notice pushed on `pushed_day` has waited on `day` (the push day
    itself never counts)."""
    return calendar.workdays_between(pushed_day, day)


def light_after(workdays: int, settings: Settings) -> Light:
    """The light of a notice that has waited `workdays` working days."""
    claim, escalate = claim_limits(settings)
    if workdays <= claim:
        return "green"
    return "yellow" if workdays <= escalate else "red"


def notice_light(notice: DualNotice, calendar: WorkdayCalendar) -> Light:
    """Green up to the claim limit (7 working days) after the push, yellow to the
    escalation limit (10), red beyond.

    Counted to the claim or return when there is one (the department's clock
    stops), else to today. The diagram's timers turn at the same moments
    (`light_deadlines`); `light_filter` selects the same notices in SQL.
    """
    stopped = notice.claimed_at or notice.returned_at
    if stopped is None and notice.state in (NoticeState.CLOSED, NoticeState.TERMINATED):
        stopped = notice.closed_at
    end = local_date(calendar, stopped) if stopped else calendar.today()
    days = days_waited(calendar, local_date(calendar, notice.pushed_at), end)
    return light_after(days, calendar.settings)


def light_deadlines(calendar: WorkdayCalendar, pushed_day: date) -> tuple[datetime, datetime]:
    """When a notice pushed on `pushed_day` turns yellow and red, if still unclaimed: the
    start of the first working day beyond each limit (claim_due, escalate_due, in UTC)."""
    claim, escalate = claim_limits(calendar.settings)
    return (_start_of(calendar, calendar.add_workdays(pushed_day, claim + 1)),
            _start_of(calendar, calendar.add_workdays(pushed_day, escalate + 1)))


def light_filter(light: Light, calendar: WorkdayCalendar) -> ColumnElement[bool]:
    """The notices still waiting for a claim whose light is `light` today: the SQL form of
    `notice_light`, comparing the push with one cut-off per limit."""
    yellow_by, red_by = push_cutoffs(calendar)
    waiting = DualNotice.state == NoticeState.PUSHED
    if light == "red":
        return and_(waiting, DualNotice.pushed_at <= red_by)
    if light == "yellow":
        return and_(waiting, DualNotice.pushed_at <= yellow_by, DualNotice.pushed_at > red_by)
    return and_(waiting, DualNotice.pushed_at > yellow_by)


def push_cutoffs(calendar: WorkdayCalendar) -> tuple[datetime, datetime]:
    """The last moments a notice waiting today can have been pushed and be past the claim
    limit (yellow or red), and past the escalation limit (red), in the calendar's area."""
    claim, escalate = claim_limits(calendar.settings)
    return (calendar.end_of_day(_last_push_day_past(calendar, claim)),
            calendar.end_of_day(_last_push_day_past(calendar, escalate)))


def _last_push_day_past(calendar: WorkdayCalendar, limit: int) -> date:
    """The latest push day from which more than `limit` working days have been waited today."""
    today = calendar.today()
    day = calendar.add_workdays(today, -limit)
    while days_waited(calendar, day, today) <= limit:
        day -= timedelta(days=1)
    return day


def _start_of(calendar: WorkdayCalendar, day: date) -> datetime:
    return clock.start_of_day(day, calendar.settings.timezone)


def local_date(calendar: WorkdayCalendar, moment: datetime) -> date:
    """The day a moment falls on in the calendar's zone (zones lie within a day of UTC)."""
    day = clock.as_utc(moment).date()
    if moment > calendar.end_of_day(day):
        return day + timedelta(days=1)
    if moment <= calendar.end_of_day(day - timedelta(days=1)):
        return day - timedelta(days=1)
    return day
