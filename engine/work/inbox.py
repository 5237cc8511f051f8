"""Inbox queries: a user's work items by tab, filtered in SQL by scope, never loading a workflow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    case,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from engine import clock
from engine.calendar import WorkdayCalendar
from engine.models import (
    MarketEntity,
    ProcessDefinition,
    Role,
    User,
    WorkItem,
    WorkItemShare,
    WorkItemStatus,
)
from engine.org import scope

Tab = Literal["mine", "claimable", "due_soon", "overdue", "done"]
TABS: tuple[Tab, ...] = ("mine", "claimable", "due_soon", "overdue", "done")
Light = Literal["green", "yellow", "red", "none"]
DONE_DAYS = 30
DUE_SOON_WORKDAYS = 2
ONE_DAY = timedelta(days=1)
Order = tuple[SQLColumnExpression[Any], ...]


@dataclass(frozen=True)
class InboxFilter:
    """What a user narrowed the list to; every field optional."""

    process_key: str | None = None
    entity: str | None = None  # part of a name, or a USCC prefix
    due_from: date | None = None
    due_to: date | None = None
    priority: int | None = None


@dataclass
class InboxRow:
    item: WorkItem
    entity_name: str | None
    entity_uscc: str | None
    holder_name: str | None
    light: Light
    age_workdays: int


@dataclass
class InboxPage:
    rows: list[InboxRow]
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def candidate_units(user: User) -> list[int]:
    """Ids of the user's unit and its ancestors: a task there may be claimed by the user."""
    return [int(part) for part in user.org_unit.path.strip("/").split("/") if part]


def candidate_roles(user: User) -> list[str]:
    return [str(role) for role, allowed in scope.SATISFIES.items() if user.roles & allowed]


def due_soon_limit(calendar: WorkdayCalendar) -> datetime:
    return calendar.end_of_day(calendar.add_workdays(calendar.today(), DUE_SOON_WORKDAYS))


def tab_condition(session: Session, user: User, tab: Tab, calendar: WorkdayCalendar
                  ) -> ColumnElement[bool]:
    """The SQL condition of one tab (scope included)."""
    return tab_conditions(session, user, calendar)[tab]


def tab_conditions(session: Session, user: User, calendar: WorkdayCalendar
                   ) -> dict[Tab, ColumnElement[bool]]:
    """The SQL condition of every tab, built once (a page needs them all for its counts)."""
    now = clock.now()
    is_open = WorkItem.status == WorkItemStatus.OPEN
    # Held by the user, or shared with them (a drawn pair's step: either may act). The few
    # shared ids are read first: `assignee OR id IN (subquery)` makes PostgreSQL scan every
    # open item, where `assignee OR id IN (literals)` combines two index lookups.
    shared = session.scalars(
        select(WorkItemShare.work_item_id).join(WorkItem).where(
            WorkItemShare.user_id == user.id, is_open)).all()
    held = WorkItem.assignee_id == user.id
    mine = and_(is_open, or_(held, WorkItem.id.in_(shared)) if shared else held)
    claimable = and_(is_open, WorkItem.assignee_id.is_(None),
                     WorkItem.candidate_org_id.in_(candidate_units(user)),
                     WorkItem.candidate_role.in_(candidate_roles(user)))
    # The due condition goes inside each branch of an OR: each branch then walks its own
    # index (SQLite's OR optimisation) instead of every open item due in the range.
    soon = and_(WorkItem.due_at >= now, WorkItem.due_at <= due_soon_limit(calendar))
    late = WorkItem.due_at < now
    overdue = (and_(is_open, late, _watched(session, user, mine, claimable))
               if _watches_area(user) else or_(and_(mine, late), and_(claimable, late)))
    since = now - clock.seconds(DONE_DAYS * 86400)
    # Whoever completes an item also holds it, so the assignee index finds them.
    done = and_(WorkItem.assignee_id == user.id, WorkItem.status == WorkItemStatus.COMPLETED,
                WorkItem.completed_by_id == user.id, WorkItem.completed_at >= since)
    return {"mine": mine, "claimable": claimable,
            "due_soon": or_(and_(mine, soon), and_(claimable, soon)),
            "overdue": overdue, "done": done}


def _watches_area(user: User) -> bool:
    return user.has_role(Role.SUPERVISOR, Role.SYSADMIN, Role.AUDITOR, Role.DEPT_ADMIN)


def _watched(session: Session, user: User, mine: ColumnElement[bool],
             claimable: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whose overdue work a user watches: supervisors their area (an indexed
    area_code match), department administrators their unit's subtree, officers
    their own and their unit's claimable items."""
    if user.has_role(Role.SUPERVISOR, Role.SYSADMIN, Role.AUDITOR):
        areas = scope.supervised_areas(session, user)
        return true() if areas is None else WorkItem.area_code.in_(areas)
    if user.has_role(Role.DEPT_ADMIN):
        return scope.work_item_filter(session, user)
    return or_(mine, claimable)


def _filtered(query: Select[WorkItem], filters: InboxFilter, calendar: WorkdayCalendar
              ) -> Select[WorkItem]:
    if filters.process_key:
        query = query.where(WorkItem.process_key == filters.process_key)
    if filters.priority:
        query = query.where(WorkItem.priority == filters.priority)
    if filters.due_from:
        query = query.where(WorkItem.due_at > calendar.end_of_day(filters.due_from - ONE_DAY))
    if filters.due_to:
        query = query.where(WorkItem.due_at <= calendar.end_of_day(filters.due_to))
    if filters.entity and filters.entity.strip():
        text = filters.entity.strip()
        matches = select(MarketEntity.id).where(or_(
            MarketEntity.name.contains(text, autoescape=True),
            MarketEntity.uscc.startswith(text.upper(), autoescape=True)))
        query = query.where(WorkItem.entity_id.in_(matches))
    return query


def inbox_page(session: Session, user: User, tab: Tab, calendar: WorkdayCalendar,
               filters: InboxFilter | None = None, page: int = 1, per_page: int = 50,
               total: int | None = None, condition: ColumnElement[bool] | None = None
               ) -> InboxPage:
    """One page of a tab: overdue first, then by due date; with entity and holder names."""
    filters = filters or InboxFilter()
    if condition is None:
        condition = tab_condition(session, user, tab, calendar)
    base = _filtered(select(WorkItem).where(condition), filters, calendar)
    if tab == "done":
        order: Order = (WorkItem.completed_at.desc(), WorkItem.id.desc())
    elif tab in ("overdue", "due_soon"):  # due_at is set: a plain order can walk an index
        order = (WorkItem.due_at, WorkItem.id)
    else:
        order = (case((WorkItem.due_at.is_(None), 1), else_=0), WorkItem.due_at, WorkItem.id)
    return page_of(session, base, calendar, order, page, per_page, total)


def page_of(session: Session, base: Select[WorkItem], calendar: WorkdayCalendar, order: Order,
            page: int, per_page: int, total: int | None = None) -> InboxPage:
    """A page of work items (a select of WorkItem) as inbox rows, with the total count.

    The page is cut first and only its rows are joined to entities and holders:
    joining before the limit makes the database match every candidate row.
    """
    if total is None:
        total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    page = min(max(page, 1), max(1, -(-total // per_page)))
    items = session.execute(base.order_by(*order).limit(per_page)
                            .offset((page - 1) * per_page)).scalars().all()
    entity_ids = {i.entity_id for i in items if i.entity_id is not None}
    holder_ids = {i.assignee_id for i in items if i.assignee_id is not None}
    entities = {row.id: row for row in session.execute(select(
        MarketEntity.id, MarketEntity.name, MarketEntity.uscc).where(
        MarketEntity.id.in_(entity_ids)))} if entity_ids else {}
    holders = dict(session.execute(select(User.id, User.display_name).where(
        User.id.in_(holder_ids))).all()) if holder_ids else {}
    today = calendar.today()
    rows = []
    for item in items:
        entity = entities.get(item.entity_id) if item.entity_id is not None else None
        holder = holders.get(item.assignee_id) if item.assignee_id is not None else None
        rows.append(InboxRow(
            item, entity.name if entity else None, entity.uscc if entity else None,
            holder, deadline_light(item, calendar),
            calendar.workdays_between(clock.to_local_date(item.created_at), today)))
    return InboxPage(rows, total, page, per_page)


def load_inbox(session: Session, user: User, tab: Tab, calendar: WorkdayCalendar,
               filters: InboxFilter | None = None, page: int = 1, per_page: int = 50,
               counts: dict[str, int] | None = None) -> InboxPage:
    """What the inbox page shows: one page of a tab, and the count of every tab (`counts`
    when the caller has them already, from `tab_counts` in this request)."""
    conditions = tab_conditions(session, user, calendar)
    if counts is None:
        counts = _counts(session, conditions)
    unfiltered = filters is None or filters == InboxFilter()
    result = inbox_page(session, user, tab, calendar, filters, page, per_page,
                        total=counts[tab] if unfiltered else None, condition=conditions[tab])
    result.counts = counts
    return result


def tab_counts(session: Session, user: User, calendar: WorkdayCalendar) -> dict[str, int]:
    """How many items each tab holds."""
    return _counts(session, tab_conditions(session, user, calendar))


def _counts(session: Session, conditions: dict[Tab, ColumnElement[bool]]) -> dict[str, int]:
    """One statement with a count subquery per tab. count(*), not count(id): PostgreSQL
    can then count from the tab's index alone (an index-only scan) without visiting rows."""
    counts = [select(func.count()).select_from(WorkItem).where(conditions[tab]).scalar_subquery()
              for tab in TABS]
    return dict(zip(TABS, session.execute(select(*counts)).one(), strict=True))


def deadline_light(item: WorkItem, calendar: WorkdayCalendar) -> Light:
    """Red when overdue, yellow when due within DUE_SOON_WORKDAYS working days, else green."""
    if item.due_at is None or item.status != WorkItemStatus.OPEN:
        return "none"
    now = clock.now()
    if item.due_at < now:
        return "red"
    left = calendar.workdays_between(calendar.today(), clock.to_local_date(item.due_at))
    return "yellow" if left <= DUE_SOON_WORKDAYS else "green"


def process_choices(session: Session) -> list[tuple[str, str]]:
    """(key, name) of every deployed process, for the process filter."""
    rows = session.execute(select(ProcessDefinition.key, ProcessDefinition.name)
                           .order_by(ProcessDefinition.key, ProcessDefinition.version)).all()
    return list(dict(rows).items())
