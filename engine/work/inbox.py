"""Inbox queries: a user's work items by tab, filtered in SQL by scope, never loading a workflow."""

from __future__ import annotations

import operator
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any, Literal
from weakref import WeakKeyDictionary

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Row,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from engine import clock
from engine.calendar import WorkdayCalendar
from engine.models import (
    MarketEntity,
    Notification,
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
WORK_TABS: tuple[Tab, ...] = ("mine", "claimable", "overdue", "due_soon")  # work waits there
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
    unread: int | None = None  # the user's unread notifications, read with the counts
    tab: Tab = "mine"

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


Branches = tuple[ColumnElement[bool], ...]
# Statements built once per shape of inbox and run with each user's values: building and
# keying a statement of five counted tabs took as long as running it.
_STATEMENTS: dict[tuple[Any, ...], Any] = {}


@dataclass(frozen=True)
class Tabs:
    """Every tab of one user's inbox as SQL: each tab's branches (disjoint conditions) and
    the values of their parameters. `shape` keys the statements built from them; None when
    they hold this user's own values (a department administrator's watched subtree)."""

    branches: dict[Tab, Branches]
    params: dict[str, Any]
    shape: tuple[Any, ...] | None


def user_tabs(session: Session, user: User, calendar: WorkdayCalendar) -> Tabs:
    """The user's tabs. A branch is what one index finds alone: held by the user, shared
    with them, or in the pool of their units. A tab's count is the sum of its branches'
    counts, each read from its index alone, and its page merges each branch's first rows.
    One OR over a whole tab would make PostgreSQL fetch every matching row from the table
    to count or sort them."""
    now = clock.now()
    roles = candidate_roles(user)
    params = {"user_id": user.id, "units": candidate_units(user), "roles": roles, "now": now,
              "soon_until": due_soon_limit(calendar),
              "since": now - clock.seconds(DONE_DAYS * 86400)}
    watch = _watch(user)
    if watch == "unit":
        return Tabs(_branches(bool(roles), scope.work_item_filter(session, user)), params, None)
    if watch == "areas":
        areas = scope.supervised_areas(session, user)
        watch = "all" if areas is None else watch
        params["areas"] = areas
    shape = (bool(roles), watch)
    return Tabs(_cached(("branches", *shape), lambda: _branches(bool(roles), _WATCHED[watch])),
                params, shape)


def _watch(user: User) -> str:
    """Whose overdue work the user watches: supervisors their area (or all), department
    administrators their unit's subtree, officers their own and their pool's."""
    if user.has_role(Role.SUPERVISOR, Role.SYSADMIN, Role.AUDITOR):
        return "areas"
    return "unit" if user.has_role(Role.DEPT_ADMIN) else "own"


_WATCHED: dict[str, ColumnElement[bool] | None] = {
    "own": None, "all": true(), "areas": WorkItem.area_code.in_(bindparam("areas", expanding=True))}


def _branches(pool_on: bool, watched: ColumnElement[bool] | None) -> dict[Tab, Branches]:
    me = bindparam("user_id", type_=Integer)
    units: BindParameter[int] = bindparam("units", expanding=True)
    roles: BindParameter[str] = bindparam("roles", expanding=True)
    now, when = bindparam("now", type_=WorkItem.due_at.type), WorkItem.due_at.type
    is_open = WorkItem.status == WorkItemStatus.OPEN
    held = and_(is_open, WorkItem.assignee_id == me)
    # A drawn pair's step is shared: in both people's work, and either may act on it.
    shares = select(WorkItemShare.work_item_id).where(WorkItemShare.user_id == me)
    shared = and_(is_open, WorkItem.id.in_(shares),
                  or_(WorkItem.assignee_id.is_(None), WorkItem.assignee_id != me))
    pool = and_(is_open, WorkItem.assignee_id.is_(None), WorkItem.candidate_org_id.in_(units),
                WorkItem.candidate_role.in_(roles))
    # ... once only where they are counted with the pool: a shared step nobody holds yet
    # may be in the user's pool too.
    beyond_pool = and_(shared, or_(
        WorkItem.assignee_id.is_not(None),
        func.coalesce(WorkItem.candidate_org_id, 0).not_in(units),
        func.coalesce(WorkItem.candidate_role, "").not_in(roles)))
    work = (held, beyond_pool, pool) if pool_on else (held, shared)
    soon = (WorkItem.due_at >= now, WorkItem.due_at <= bindparam("soon_until", type_=when))
    late = WorkItem.due_at < now
    # Whoever completes an item also holds it, so the assignee index finds them.
    done = and_(WorkItem.assignee_id == me, WorkItem.status == WorkItemStatus.COMPLETED,
                WorkItem.completed_by_id == me,
                WorkItem.completed_at >= bindparam("since", type_=when))
    return {"mine": (held, shared), "claimable": (pool,) if pool_on else (),
            "due_soon": tuple(and_(branch, *soon) for branch in work),
            "overdue": tuple(and_(branch, late) for branch in work) if watched is None
            else (and_(is_open, late, watched),),
            "done": (done,)}


def _cached(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    found = _STATEMENTS.get(key)
    if found is None:
        found = _STATEMENTS[key] = build()
    return found


def _statement(tabs: Tabs, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    return build() if tabs.shape is None else _cached((*key, *tabs.shape), build)


def _narrowed(filters: InboxFilter, calendar: WorkdayCalendar) -> list[ColumnElement[bool]]:
    """The filter's conditions, added to every branch."""
    found: list[ColumnElement[bool]] = []
    if filters.process_key:
        found.append(WorkItem.process_key == filters.process_key)
    if filters.priority:
        found.append(WorkItem.priority == filters.priority)
    if filters.due_from:
        found.append(WorkItem.due_at > calendar.end_of_day(filters.due_from - ONE_DAY))
    if filters.due_to:
        found.append(WorkItem.due_at <= calendar.end_of_day(filters.due_to))
    if filters.entity and filters.entity.strip():
        text = filters.entity.strip()
        matches = select(MarketEntity.id).where(or_(
            MarketEntity.name.contains(text, autoescape=True),
            MarketEntity.uscc.startswith(text.upper(), autoescape=True)))
        found.append(WorkItem.entity_id.in_(matches))
    return found


def inbox_page(session: Session, user: User, tab: Tab, calendar: WorkdayCalendar,
               filters: InboxFilter | None = None, page: int = 1, per_page: int = 50,
               total: int | None = None, tabs: Tabs | None = None) -> InboxPage:
    """One page of a tab: overdue first, then by due date (undated last); with entity and
    holder names."""
    tabs = tabs or user_tabs(session, user, calendar)
    branches = tabs.branches[tab]
    extra = _narrowed(filters or InboxFilter(), calendar)
    if extra:  # built for this filter alone
        branches = tuple(and_(branch, *extra) for branch in branches)
        tabs = Tabs({tab: branches}, tabs.params, None)
    if total is None:
        total = session.execute(select(_count(branches)), tabs.params).scalar_one()
    page = min(max(page, 1), max(1, -(-total // per_page)))
    offset = (page - 1) * per_page
    found = session.execute(
        _statement(tabs, ("page", tab), lambda: _page_query(tab, branches)),
        {**tabs.params, "page_limit": per_page, "page_offset": offset,
         "branch_limit": offset + per_page}).all() if branches and total else []
    return InboxPage(_rows(found, calendar), total, page, per_page)


def _page_query(tab: Tab, branches: Branches
                ) -> Select[WorkItem, str, str, str]:
    """A page's items with their entity's and holder's names. The page's ids come first,
    from the indexes alone (each branch's first offset + limit in order, merged, and the
    page cut from those); only then are rows read and joined."""
    if tab == "done":
        order: Order = (WorkItem.completed_at.desc(), WorkItem.id.desc())
    else:  # PostgreSQL's indexes keep undated items last, as the inbox shows them
        order = (WorkItem.due_at.asc().nulls_last(), WorkItem.id)
    limit, offset = bindparam("page_limit", type_=Integer), bindparam("page_offset", type_=Integer)
    if len(branches) == 1:
        page = select(WorkItem.id).where(branches[0]).order_by(*order).limit(limit) \
            .offset(offset)
    else:
        firsts = [select(WorkItem.id, WorkItem.due_at).where(branch).order_by(*order)
                  .limit(bindparam("branch_limit", type_=Integer)).subquery()
                  for branch in branches]
        merged = union_all(*(select(first.c.id, first.c.due_at) for first in firsts)).subquery()
        page = select(merged.c.id).order_by(merged.c.due_at.asc().nulls_last(), merged.c.id) \
            .limit(limit).offset(offset)
    return select(WorkItem, MarketEntity.name, MarketEntity.uscc, User.display_name) \
        .outerjoin(MarketEntity, MarketEntity.id == WorkItem.entity_id) \
        .outerjoin(User, User.id == WorkItem.assignee_id) \
        .where(WorkItem.id.in_(page)).order_by(*order)


def _rows(found: Sequence[Row[WorkItem, str, str, str]],
          calendar: WorkdayCalendar) -> list[InboxRow]:
    today = calendar.today()
    return [InboxRow(item, name, uscc, holder, deadline_light(item, calendar),
                     calendar.workdays_between(clock.to_local_date(item.created_at), today))
            for item, name, uscc, holder in found]


def load_inbox(session: Session, user: User, tab: Tab | None, calendar: WorkdayCalendar,
               filters: InboxFilter | None = None, page: int = 1, per_page: int = 50
               ) -> InboxPage:
    """What the inbox page shows: one page of a tab (None: the first of WORK_TABS with
    work in it, else "mine"), the count of every tab and the user's unread notifications."""
    tabs = user_tabs(session, user, calendar)
    counts, unread = _counts(session, tabs)
    shown: Tab = next((t for t in WORK_TABS if counts[t]), "mine") if tab is None else tab
    unfiltered = filters is None or filters == InboxFilter()
    result = inbox_page(session, user, shown, calendar, filters, page, per_page,
                        total=counts[shown] if unfiltered else None, tabs=tabs)
    result.tab, result.counts, result.unread = shown, counts, unread
    return result


def _counts(session: Session, tabs: Tabs) -> tuple[dict[str, int], int]:
    """Every tab's count, and the user's unread notifications (the page's header shows
    them): one statement for every number on the page."""
    statement = _statement(tabs, ("counts",), lambda: select(
        *(_count(tabs.branches[tab]) for tab in TABS),
        select(func.count()).select_from(Notification).where(
            Notification.user_id == bindparam("user_id", type_=Integer),
            Notification.read_at.is_(None)).scalar_subquery()))
    *counts, unread = session.execute(statement, tabs.params).one()
    return dict(zip(TABS, counts, strict=True)), unread


def _count(branches: Branches) -> ColumnElement[int]:
    """The sum of the branches' counts. count(*), not count(id): PostgreSQL can then count
    each branch from its index alone (an index-only scan) without visiting rows."""
    counts = [select(func.count()).select_from(WorkItem).where(branch).scalar_subquery()
              for branch in branches]
    return reduce(operator.add, counts) if counts else literal(0)


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
    """(key, name) of every deployed process, for the process filter. Kept for a minute
    per database in each server process: the list changes only when a process is deployed,
    and the process that deploys forgets it at once (`forget_process_choices`)."""
    bind = session.get_bind()
    kept = _PROCESS_CHOICES.get(bind)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    rows = session.execute(select(ProcessDefinition.key, ProcessDefinition.name)
                           .order_by(ProcessDefinition.key, ProcessDefinition.version)).all()
    choices = list(dict(rows).items())
    _PROCESS_CHOICES[bind] = (time.monotonic() + PROCESS_CHOICES_SECONDS, choices)
    return choices


def forget_process_choices() -> None:
    _PROCESS_CHOICES.clear()


PROCESS_CHOICES_SECONDS = 60.0
_PROCESS_CHOICES: WeakKeyDictionary[Any, tuple[float, list[tuple[str, str]]]] = \
    WeakKeyDictionary()
