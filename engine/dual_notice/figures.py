"""Dual-notice figures per department and period, and their Excel export (assessment input).

For the notices pushed to a department within the period (local days, both
ends included):

- received: notices pushed; claimed: of those, claimed (a revoked claim does not
  count); returned: of those, returned to the registrar; waiting: still unclaimed;
- claim rate = claimed / received;
- on-time claim rate = claimed within 7 working days of the push / received
  (late claims and notices never claimed both count against it);
- median working days to claim, over the claimed notices (the push day does not count).

Working days are those of the department's area.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.calendar import WorkdayCalendar, calendar_for
from engine.db import settings_of
from engine.dual_notice.lights import days_waited, light_after, local_date
from engine.errors import InvalidInput
from engine.models import DualNotice, NoticeState, OrgUnit, User
from engine.org import scope


@dataclass(frozen=True)
class DepartmentFigures:
    department_org_id: int
    department_code: str
    department_name: str
    area_code: str
    received: int
    claimed: int
    returned: int
    waiting: int
    claimed_on_time: int
    median_days_to_claim: float | None
    days_to_claim: tuple[int, ...] = field(default=(), repr=False)

    @property
    def claim_rate(self) -> float | None:
        return self.claimed / self.received if self.received else None

    @property
    def on_time_claim_rate(self) -> float | None:
        return self.claimed_on_time / self.received if self.received else None


@dataclass(frozen=True)
class FigureReport:
    start: date
    end: date
    rows: list[DepartmentFigures]

    @property
    def total(self) -> DepartmentFigures:
        """All departments together (the median over every claimed notice)."""
        return _total(self.rows)


# pushed_at, claimed_at, returned_at and state of one notice
_Notice = tuple[datetime, datetime | None, datetime | None, NoticeState]


def notice_figures(session: Session, user: User | None, start: date, end: date,
                   area_code: str | None = None) -> FigureReport:
    """The figures of each department in the user's scope (all for None) with notices
    pushed from `start` to `end`, ordered by area and department code."""
    if end < start:
        raise InvalidInput("the period ends before it starts", fields={"end": "before_start"})
    settings = settings_of(session)
    query = (select(DualNotice.department_org_id, DualNotice.pushed_at, DualNotice.claimed_at,
                    DualNotice.returned_at, DualNotice.state)
             .where(DualNotice.pushed_at >= clock.start_of_day(start, settings.timezone),
                    DualNotice.pushed_at <= clock.end_of_day(end, settings.timezone)))
    if user is not None:
        query = query.where(scope.org_filter(session, user, DualNotice.department_org_id))
    by_department: dict[int, list[_Notice]] = defaultdict(list)
    for department_id, pushed, claimed, returned, state in session.execute(query):
        by_department[department_id].append((pushed, claimed, returned, state))
    units = {u.id: u for u in session.execute(
        select(OrgUnit).where(OrgUnit.id.in_(by_department))).scalars()}
    if area_code:
        units = {k: u for k, u in units.items() if u.area_code == area_code}
    calendars: dict[str, WorkdayCalendar] = {}
    rows = []
    for unit in sorted(units.values(), key=lambda u: (u.area_code, u.code)):
        if unit.area_code not in calendars:
            calendars[unit.area_code] = calendar_for(session, settings, unit.area_code)
        rows.append(_figures(unit, by_department[unit.id], calendars[unit.area_code]))
    return FigureReport(start, end, rows)


def _figures(unit: OrgUnit, notices: list[_Notice], calendar: WorkdayCalendar
             ) -> DepartmentFigures:
    days_to_claim = [
        days_waited(calendar, local_date(calendar, pushed), local_date(calendar, claimed))
        for pushed, claimed, _returned, _state in notices if claimed is not None]
    on_time = [d for d in days_to_claim if light_after(d, calendar.settings) == "green"]
    return DepartmentFigures(
        department_org_id=unit.id, department_code=unit.code, department_name=unit.name,
        area_code=unit.area_code, received=len(notices), claimed=len(days_to_claim),
        returned=sum(1 for n in notices if n[2] is not None),
        waiting=sum(1 for n in notices if n[3] == NoticeState.PUSHED),
        claimed_on_time=len(on_time),
        median_days_to_claim=float(statistics.median(days_to_claim)) if days_to_claim
        else None, days_to_claim=tuple(days_to_claim))


def _total(rows: list[DepartmentFigures]) -> DepartmentFigures:
    days = [d for row in rows for d in row.days_to_claim]
    return DepartmentFigures(
        department_org_id=0, department_code="", department_name="合计 Total", area_code="",
        received=sum(r.received for r in rows), claimed=sum(r.claimed for r in rows),
        returned=sum(r.returned for r in rows), waiting=sum(r.waiting for r in rows),
        claimed_on_time=sum(r.claimed_on_time for r in rows),
        median_days_to_claim=float(statistics.median(days)) if days else None,
        days_to_claim=tuple(days))


COLUMNS = [
    ("地区 Area", 10), ("部门代码 Code", 16), ("部门 Department", 26), ("推送 Received", 10),
    ("认领 Claimed", 10), ("退回 Returned", 10), ("待认领 Waiting", 10),
    ("认领率 Claim rate", 12), ("按时认领率 On-time claim rate", 16),
    ("认领用时中位数（工作日） Median WD to claim", 18),
]


def export_figures_xlsx(figures: FigureReport, path_or_stream: str | Path | BinaryIO) -> None:
    """Write the figures as an Excel workbook: one sheet, a header, one row per department,
    a total row; rates as percentages."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one sheet, and it is active
    sheet.title = "双告知认领 Dual notices"
    sheet.append([f"双告知认领情况 Dual-notice claims {figures.start.isoformat()} — "
                  f"{figures.end.isoformat()}"])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([title for title, _width in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in [*figures.rows, figures.total]:
        sheet.append([row.area_code, row.department_code, row.department_name, row.received,
                      row.claimed, row.returned, row.waiting, row.claim_rate,
                      row.on_time_claim_rate, row.median_days_to_claim])
        for column in (8, 9):
            sheet.cell(sheet.max_row, column).number_format = "0.0%"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, (_title, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    book.save(path_or_stream)


def period_of(month: str) -> tuple[date, date]:
    """The first and last day of a month given as YYYY-MM (a common period for pages)."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise InvalidInput("a month is YYYY-MM", fields={"month": "invalid"}) from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)
