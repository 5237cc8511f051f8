"""The supervisors' view: overdue and due-soon work by area and department, then the list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.calendar import WorkdayCalendar
from engine.models import OrgKind, OrgUnit, User, WorkItem, WorkItemStatus
from engine.org import scope
from engine.work.inbox import InboxPage, due_soon_limit, page_of

Kind = Literal["overdue", "due_soon"]
KINDS: tuple[Kind, ...] = ("overdue", "due_soon")
AREA_KINDS = (OrgKind.CITY, OrgKind.COUNTY, OrgKind.PARK)
HEAD_KINDS = (OrgKind.DEPARTMENT, OrgKind.JOINT_OFFICE)


@dataclass
class MonitorGroup:
    """Late and nearly late work of one department (or office) of one area."""

    area_code: str
    area_name: str
    department_id: int
    department_name: str
    overdue: int = 0
    due_soon: int = 0


def _conditions(session: Session, user: User, calendar: WorkdayCalendar, kind: Kind
                ) -> ColumnElement[bool]:
    now = clock.now()
    late = WorkItem.due_at < now if kind == "overdue" else and_(
        WorkItem.due_at >= now, WorkItem.due_at <= due_soon_limit(calendar))
    return and_(WorkItem.status == WorkItemStatus.OPEN, late,
                scope.work_item_filter(session, user))


def monitor_groups(session: Session, user: User, calendar: WorkdayCalendar
                   ) -> list[MonitorGroup]:
    """Counts per department, worst first, over the user's scope."""
    now, soon = clock.now(), due_soon_limit(calendar)
    rows = session.execute(
        select(WorkItem.candidate_org_id,
               func.sum(case((WorkItem.due_at < now, 1), else_=0)),
               func.sum(case((WorkItem.due_at >= now, 1), else_=0)))
        .where(WorkItem.status == WorkItemStatus.OPEN, WorkItem.due_at <= soon,
               WorkItem.candidate_org_id.is_not(None), scope.work_item_filter(session, user))
        .group_by(WorkItem.candidate_org_id)).all()
    heads = _heads(session, [org_id for org_id, _o, _d in rows])
    groups: dict[int, MonitorGroup] = {}
    for org_id, overdue, due_soon in rows:
        head, area = heads[org_id]
        group = groups.setdefault(head.id, MonitorGroup(area.area_code, area.name, head.id,
                                                        head.name))
        group.overdue += int(overdue or 0)
        group.due_soon += int(due_soon or 0)
    return sorted(groups.values(), key=lambda g: (-g.overdue, -g.due_soon, g.area_code,
                                                  g.department_name))


def _heads(session: Session, unit_ids: list[int]) -> dict[int, tuple[OrgUnit, OrgUnit]]:
    """For each unit: the department (or office) it belongs to, and its area."""
    units = session.execute(select(OrgUnit).where(OrgUnit.id.in_(unit_ids))).scalars().all()
    chains = {u.id: [int(p) for p in u.path.strip("/").split("/")] for u in units}
    ancestors = {a.id: a for a in session.execute(select(OrgUnit).where(
        OrgUnit.id.in_({i for chain in chains.values() for i in chain}))).scalars()}
    found = {}
    for unit_id, chain in chains.items():
        line = [ancestors[i] for i in chain if i in ancestors]
        head = next((u for u in reversed(line) if u.kind in HEAD_KINDS), line[-1])
        area = next((u for u in reversed(line) if u.kind in AREA_KINDS), line[0])
        found[unit_id] = (head, area)
    return found


def monitor_items(session: Session, user: User, calendar: WorkdayCalendar, kind: Kind,
                  department_id: int | None = None, area_code: str | None = None,
                  page: int = 1, per_page: int = 50) -> InboxPage:
    """The overdue (or due-soon) items in scope, optionally of one department or area."""
    query = select(WorkItem).where(_conditions(session, user, calendar, kind))
    if department_id is not None:
        head = session.get(OrgUnit, department_id)
        subtree = select(OrgUnit.id).where(OrgUnit.path.startswith(head.path if head else "-"))
        query = query.where(WorkItem.candidate_org_id.in_(subtree))
    if area_code:
        query = query.where(WorkItem.area_code == area_code)
    order = (WorkItem.due_at, WorkItem.id)
    return page_of(session, query, calendar, order, page, per_page)
