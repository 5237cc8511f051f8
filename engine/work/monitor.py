"""The supervisors' view: overdue and due-soon work by area and department, then the list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.calendar import WorkdayCalendar
from engine.models import MarketEntity, OrgUnit, User, WorkItem, WorkItemStatus
from engine.org import scope
from engine.work.inbox import due_soon_limit
from engine.work.targets import Placement, placements

Kind = Literal["overdue", "due_soon"]
KINDS: tuple[Kind, ...] = ("overdue", "due_soon")
Describe = Callable[[Session, Sequence[WorkItem]], dict[int, tuple[str, str]]]
"""describe(session, items) -> {item id: (code, name) of what the case is about}, e.g. its
licence item."""


@dataclass
class MonitorGroup:
    """Late and nearly late work of one department (or office) of one area."""

    area_code: str
    area_name: str
    department_id: int
    department_name: str
    overdue: int = 0
    due_soon: int = 0


@dataclass
class AreaTotal:
    """Late and nearly late work of one area (the city, a county, a park)."""

    area_code: str
    area_name: str
    overdue: int = 0
    due_soon: int = 0


@dataclass
class MonitorTotals:
    overdue: int
    due_soon: int
    areas: list[AreaTotal]
    departments: list[MonitorGroup]


@dataclass
class MonitorRow:
    """One late item as the supervisor reads it."""

    item: WorkItem
    entity_name: str | None
    subject: str | None  # the licence item, or whatever the case's domain says it is about
    subject_code: str | None
    department_name: str
    area_name: str
    unit_name: str | None  # the unit holding it, when that is not the department itself
    holder_name: str | None
    workdays: int  # working days overdue, or left until due
    manages: bool  # may reassign and urge


@dataclass
class MonitorPage:
    rows: list[MonitorRow]
    total: int
    page: int
    per_page: int
    placed: dict[int, Placement] = field(default_factory=dict)  # the rows' units, placed

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _watched(session: Session, user: User) -> ColumnElement[bool]:
    """Open work of a unit in the user's scope: what the totals and the list both count."""
    return and_(WorkItem.status == WorkItemStatus.OPEN, WorkItem.candidate_org_id.is_not(None),
                scope.work_item_filter(session, user))


def _conditions(session: Session, user: User, calendar: WorkdayCalendar, kind: Kind
                ) -> ColumnElement[bool]:
    now = clock.now()
    late = WorkItem.due_at < now if kind == "overdue" else and_(
        WorkItem.due_at >= now, WorkItem.due_at <= due_soon_limit(calendar))
    return and_(_watched(session, user), late)


def monitor_totals(session: Session, user: User, calendar: WorkdayCalendar) -> MonitorTotals:
    """Overdue and due-soon counts over the user's scope: in all, per area, per department
    (worst first). One grouped query."""
    now, soon = clock.now(), due_soon_limit(calendar)
    rows = session.execute(
        select(WorkItem.candidate_org_id,
               func.sum(case((WorkItem.due_at < now, 1), else_=0)),
               func.sum(case((WorkItem.due_at >= now, 1), else_=0)))
        .where(_watched(session, user), WorkItem.due_at <= soon)
        .group_by(WorkItem.candidate_org_id)).all()
    placed = placements(session, {org_id for org_id, _o, _d in rows})
    groups: dict[int, MonitorGroup] = {}
    areas: dict[str, AreaTotal] = {}
    for org_id, overdue, due_soon in rows:
        _unit, head, area = placed[org_id]
        group = groups.setdefault(head.id, MonitorGroup(area.area_code, area.name, head.id,
                                                        head.name))
        total = areas.setdefault(area.area_code, AreaTotal(area.area_code, area.name))
        for tally in (group, total):
            tally.overdue += int(overdue or 0)
            tally.due_soon += int(due_soon or 0)
    return MonitorTotals(
        sum(a.overdue for a in areas.values()), sum(a.due_soon for a in areas.values()),
        sorted(areas.values(), key=lambda a: a.area_code),
        sorted(groups.values(), key=lambda g: (-g.overdue, -g.due_soon, g.area_code,
                                               g.department_name)))


def monitor_page(session: Session, user: User, calendar: WorkdayCalendar, kind: Kind,
                 department_id: int | None = None, area_code: str | None = None,
                 page: int = 1, per_page: int = 25, describe: Describe | None = None,
                 totals: MonitorTotals | None = None) -> MonitorPage:
    """One page of overdue (or due-soon) items in scope, optionally of one department or
    area, due first; each row with its department, holder and working days overdue (or
    left) by its area's calendar. A fixed number of queries, whatever the page size; the
    unfiltered list takes its count from `totals`, when given."""
    query = select(WorkItem).where(_conditions(session, user, calendar, kind))
    if department_id is not None:
        head = session.get(OrgUnit, department_id)
        subtree = select(OrgUnit.id).where(OrgUnit.path.startswith(head.path if head else "-"))
        query = query.where(WorkItem.candidate_org_id.in_(subtree))
    if area_code:
        query = query.where(WorkItem.area_code == area_code)
    if totals is not None and department_id is None and not area_code:
        total = totals.overdue if kind == "overdue" else totals.due_soon
    else:
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = min(max(page, 1), max(1, -(-total // per_page)))
    items = list(session.execute(query.order_by(WorkItem.due_at, WorkItem.id).limit(per_page)
                                 .offset((page - 1) * per_page)).scalars())
    placed = placements(session, {i.candidate_org_id for i in items if i.candidate_org_id})
    rows = _rows(session, user, calendar, kind, items, placed, describe)
    return MonitorPage(rows, total, page, per_page, placed)


def _rows(session: Session, user: User, calendar: WorkdayCalendar, kind: Kind,
          items: list[WorkItem], placed: dict[int, Placement], describe: Describe | None
          ) -> list[MonitorRow]:
    entity_ids = {i.entity_id for i in items if i.entity_id is not None}
    holder_ids = {i.assignee_id for i in items if i.assignee_id is not None}
    entities = dict(session.execute(select(MarketEntity.id, MarketEntity.name).where(
        MarketEntity.id.in_(entity_ids))).all()) if entity_ids else {}
    holders = dict(session.execute(select(User.id, User.display_name).where(
        User.id.in_(holder_ids))).all()) if holder_ids else {}
    subjects = describe(session, items) if describe and items else {}
    calendars = {calendar.area_code: calendar}
    roots, manager = scope.scope_roots(session, user), user.active and scope.is_manager(user)
    rows = []
    for item in items:
        place = placed.get(item.candidate_org_id or 0)
        unit = place.unit if place else None
        subject = subjects.get(item.id)
        rows.append(MonitorRow(
            item, entities.get(item.entity_id or 0), subject[1] if subject else None,
            subject[0] if subject else None,
            place.department.name if place else "", place.area.name if place else "",
            unit.name if place and unit and unit.id != place.department.id else None,
            holders.get(item.assignee_id or 0),
            _workdays(session, calendars, calendar, item, kind),
            manager and unit is not None and scope.in_roots(roots, unit.path)))
    return rows


def _workdays(session: Session, calendars: dict[str, WorkdayCalendar],
              fallback: WorkdayCalendar, item: WorkItem, kind: Kind) -> int:
    """Working days since the item fell due (or left until it does), by its area's calendar."""
    area = item.area_code or fallback.area_code
    if area not in calendars:
        calendars[area] = WorkdayCalendar(session, area, fallback.settings)
    days = calendars[area]
    if item.due_at is None:
        return 0
    due, today = clock.to_local_date(item.due_at), days.today()
    return days.workdays_between(due, today) if kind == "overdue" else \
        days.workdays_between(today, due)
