"""Deadline lights of dual notices, counted in working days since the push."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from engine import clock
from engine.calendar import WorkdayCalendar
from engine.dual_notice.routing import claim_limits
from engine.models import DualNotice, NoticeState

Light = Literal["green", "yellow", "red"]


def notice_light(notice: DualNotice, calendar: WorkdayCalendar) -> Light:
    """Green up to the claim limit (7 working days) after the push, yellow to the
    escalation limit (10), red beyond.

    Counted to the claim or return when there is one (the department's clock
    stops), else to today; the push day itself does not count. The diagram's
    timers turn at the same moments (claim_due, escalate_due).
    """
    stopped = notice.claimed_at or notice.returned_at
    if stopped is None and notice.state in (NoticeState.CLOSED, NoticeState.TERMINATED):
        stopped = notice.closed_at
    end = local_date(calendar, stopped) if stopped else calendar.today()
    days = calendar.workdays_between(local_date(calendar, notice.pushed_at), end)
    claim, escalate = claim_limits(calendar.settings)
    if days <= claim:
        return "green"
    return "yellow" if days <= escalate else "red"


def local_date(calendar: WorkdayCalendar, moment: datetime) -> date:
    """The day a moment falls on in the calendar's zone (zones lie within a day of UTC)."""
    day = clock.as_utc(moment).date()
    if moment > calendar.end_of_day(day):
        return day + timedelta(days=1)
    if moment <= calendar.end_of_day(day - timedelta(days=1)):
        return day - timedelta(days=1)
    return day
