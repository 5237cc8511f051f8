"""Working-day calendar rows and the warnings of computations past the data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class CalendarDay(Base):
    """A day whose status differs from the plain weekend rule in one area.

    Holidays on weekdays and make-up workdays (调休) on weekends are stored;
    `area_code` "*" holds the national arrangement, other codes local changes.
    """

    __tablename__ = "calendar_day"
    __table_args__ = (UniqueConstraint("area_code", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12))
    day: Mapped[date] = mapped_column(Date)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(40))


class CalendarYear(Base):
    """A year whose arrangement is loaded for an area ("*" for national)."""

    __tablename__ = "calendar_year"
    __table_args__ = (UniqueConstraint("area_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(40))


class CalendarWarning(Base):
    """A computation reached a year without data and fell back to the weekend rule."""

    __tablename__ = "calendar_warning"
    __table_args__ = (UniqueConstraint("area_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(300))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=1)
