"""Figures per department and period (they feed the assessment): cases received and
closed, copy-to notices received and answered on time, late or not yet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.calendar import WorkdayCalendar
from engine.models import OrgUnit, UnlicensedCase, UnlicensedCopy, User
from engine.org import scope


@dataclass
class DepartmentFigures:
    department: str
    opened: int = 0
    closed: int = 0
    copies_received: int = 0
    answered_on_time: int = 0
    answered_late: int = 0

    @property
    def unanswered(self) -> int:
        return self.copies_received - self.answered_on_time - self.answered_late

    @property
    def on_time_rate(self) -> float | None:
        return self.answered_on_time / self.copies_received if self.copies_received else None


def figures(session: Session, user: User, start: date, end: date,
            calendar: WorkdayCalendar) -> list[DepartmentFigures]:
    """Per department the user sees, from `start` to `end` (inclusive, local days): cases
    it received (opened) and closed, copy-to notices it received and how it answered."""
    low, high = _bounds(calendar, start, end)
    rows: dict[str, DepartmentFigures] = defaultdict(lambda: DepartmentFigures(""))
    for name, count in _count(session, user, UnlicensedCase.intake_org_id,
                              UnlicensedCase.created_at, low, high):
        rows[name].opened = count
    for name, count in _count(session, user, UnlicensedCase.department_org_id,
                              UnlicensedCase.closed_at, low, high):
        rows[name].closed = count
    answered = session.execute(
        select(OrgUnit.name, func.count(),
               func.count().filter(UnlicensedCopy.on_time.is_(True)),
               func.count().filter(UnlicensedCopy.on_time.is_(False)))
        .select_from(UnlicensedCopy).join(OrgUnit, OrgUnit.id == UnlicensedCopy.to_org_id)
        .where(scope.org_filter(session, user, UnlicensedCopy.to_org_id),
               UnlicensedCopy.sent_at > low, UnlicensedCopy.sent_at <= high)
        .group_by(OrgUnit.name)).all()
    for name, received, on_time, late in answered:
        rows[name].copies_received, rows[name].answered_on_time = received, on_time
        rows[name].answered_late = late
    for name, row in rows.items():
        row.department = name
    return [rows[name] for name in sorted(rows)]


def _count(session: Session, user: User, org_column, moment, low: datetime,  # type: ignore[no-untyped-def]
           high: datetime) -> list[tuple[str, int]]:
    return [(name, count) for name, count in session.execute(
        select(OrgUnit.name, func.count()).select_from(UnlicensedCase)
        .join(OrgUnit, OrgUnit.id == org_column)
        .where(scope.org_filter(session, user, org_column), moment > low, moment <= high)
        .group_by(OrgUnit.name)).all()]


def _bounds(calendar: WorkdayCalendar, start: date, end: date) -> tuple[datetime, datetime]:
    return calendar.end_of_day(start - timedelta(days=1)), calendar.end_of_day(end)
