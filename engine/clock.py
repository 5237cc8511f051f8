"""The one source of "now", so tests can move time with time-machine."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local_zone(name: str = DEFAULT_ZONE) -> ZoneInfo:
    return ZoneInfo(name)


def local_today(zone: str = DEFAULT_ZONE) -> date:
    return now().astimezone(ZoneInfo(zone)).date()


def to_local_date(moment: datetime, zone: str = DEFAULT_ZONE) -> date:
    return as_utc(moment).astimezone(ZoneInfo(zone)).date()


def end_of_day(day: date, zone: str = DEFAULT_ZONE) -> datetime:
    """The last microsecond of a local day, in UTC."""
    local = datetime.combine(day, time.max, ZoneInfo(zone))
    return local.astimezone(UTC)


def start_of_day(day: date, zone: str = DEFAULT_ZONE) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(zone)).astimezone(UTC)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; naive values are taken to be UTC already (as stored)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def seconds(n: float) -> timedelta:
    return timedelta(seconds=n)
