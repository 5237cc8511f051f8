"""Lists of dual notices for the pages: a department's notices with their lights, the
registrar's returned notices, every notice of one entity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine import audit, runtime
from engine.calendar import WorkdayCalendar
from engine.dual_notice.history import notice_histories
from engine.dual_notice.lights import Light, light_filter, notice_light
from engine.dual_notice.notices import get_notice, notice_filter
from engine.dual_notice.routing_table import latest_table
from engine.dual_notice.targets import department_kind, routing_targets
from engine.errors import NotFound
from engine.models import (
    DualNotice,
    MarketEntity,
    NoticeState,
    OrgUnit,
    Role,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.org import scope
from engine.org.areas import city_code
from engine.paging import Page, page_of
from engine.work.history import HistoryEntry

Tab = Literal["to_claim", "claimed", "returned", "closed", "all"]
TAB_STATES: dict[str, tuple[NoticeState, ...]] = {
    "to_claim": (NoticeState.PUSHED,),
    "claimed": (NoticeState.CLAIMED, NoticeState.DISPATCHED),
    "returned": (NoticeState.RETURNED,),
    "closed": (NoticeState.CLOSED, NoticeState.REROUTED, NoticeState.TERMINATED),
    "all": tuple(NoticeState),
}


@dataclass(frozen=True)
class NoticeFilter:
    """What a notice list is narrowed to; every field optional."""

    department_org_id: int | None = None
    text: str | None = None  # part of the entity name, or the start of its USCC
    licence_item: str | None = None
    light: Light | None = None  # of notices still waiting for a claim
    pushed_from: date | None = None
    pushed_to: date | None = None


@dataclass(frozen=True)
class NoticeRow:
    notice: DualNotice
    entity_name: str
    uscc: str
    department_name: str
    light: Light
    open_item_id: int | None  # the work item to act on, if the case waits for one


def notice_list(session: Session, user: User, calendar: WorkdayCalendar, tab: Tab = "to_claim",
                filters: NoticeFilter | None = None, page: int = 1, per_page: int = 50
                ) -> Page[NoticeRow]:
    """One page of the notices the user may see in a tab, oldest push first."""
    filters = filters or NoticeFilter()
    query = select(DualNotice).join(MarketEntity, MarketEntity.id == DualNotice.entity_id).where(
        notice_filter(session, user), DualNotice.state.in_(TAB_STATES[tab]),
        *_conditions(filters, calendar))
    result = page_of(session, query, (DualNotice.pushed_at, DualNotice.id), page, per_page)
    return Page(_rows(session, result.rows, calendar), result.total, result.page,
                result.per_page)


def returned_notices(session: Session, user: User, calendar: WorkdayCalendar, page: int = 1,
                     per_page: int = 50) -> Page[NoticeRow]:
    """The registrar's worklist: notices returned by departments, to re-route or terminate."""
    return notice_list(session, user, calendar, "returned", page=page, per_page=per_page)


def entity_notices(session: Session, actor: audit.Actor, entity_id: int,
                   calendar: WorkdayCalendar) -> list[NoticeRow]:
    """Every notice of one entity the actor may see, in the order they were pushed."""
    user = runtime.actor_user(session, actor)
    query = select(DualNotice).where(DualNotice.entity_id == entity_id)
    if user is not None:
        query = query.where(notice_filter(session, user))
    notices = list(session.execute(query.order_by(DualNotice.pushed_at, DualNotice.id))
                   .scalars())
    if session.get(MarketEntity, entity_id) is None:
        raise NotFound(f"no market entity {entity_id}", code="no_such_entity")
    return _rows(session, notices, calendar)


@dataclass(frozen=True)
class RoutingChoices:
    """Pick lists for manual routing and re-routing."""

    licence_items: list[tuple[str, str]]  # code, name
    departments: list[tuple[int, str, str]]  # id, code, name
    items_of: dict[int, list[str]] = field(default_factory=dict)  # department id → its items


def routing_choices(session: Session, area_code: str) -> RoutingChoices:
    """The licence items of the latest routing table, and the departments of the area
    and of the city that license one of them (engine.dual_notice.targets), with the
    items each licenses (a pick list of departments follows the chosen item)."""
    table = latest_table(session)
    units = routing_targets(session, area_code, table)
    city = city_code(session)
    by_kind: dict[str, list[str]] = {}
    for rule in table.rules:
        by_kind.setdefault(rule.outcome.department, []).append(rule.outcome.licence_item)
    return RoutingChoices(
        sorted(table.licence_items().items()),
        [(unit.id, unit.code, unit.name) for unit in units],
        {unit.id: sorted(set(by_kind.get(department_kind(unit, area_code, city) or "", [])))
         for unit in units})


@dataclass(frozen=True)
class NoticeActions:
    """What a user may do on a notice now (the engine checks again when they do it)."""

    claim: bool = False  # claim or return: the department, while pushed
    reroute: bool = False  # re-route or terminate: the registrar, once returned
    dispatch: bool = False  # hand the claimed case on within the department
    outcome: bool = False  # record the licence outcome
    revoke: bool = False  # the department administrator revokes the claim

    @property
    def any(self) -> bool:
        return self.claim or self.reroute or self.dispatch or self.outcome or self.revoke


def notice_actions(session: Session, user: User, notice: DualNotice) -> NoticeActions:
    """The steps of a visible notice that the user may take, from its open work item."""
    items = {item.task_name: item for item in session.execute(select(WorkItem).where(
        WorkItem.instance_id == notice.instance_id, WorkItem.status == WorkItemStatus.OPEN)
    ).scalars()} if notice.instance_id else {}

    def works_on(task: str) -> bool:
        item = items.get(task)
        return item is not None and user.active and (item.assignee_id == user.id or (
            item.assignee_id is None and scope.may_work_on(session, user, item)))

    department = session.get(OrgUnit, notice.department_org_id)
    claimed = notice.state in (NoticeState.CLAIMED, NoticeState.DISPATCHED)
    in_department = department is not None and scope.in_scope(session, user, department.path)
    return NoticeActions(
        claim=notice.state == NoticeState.PUSHED and works_on("claim_or_return"),
        reroute=notice.state == NoticeState.RETURNED and works_on("handle_return"),
        dispatch=claimed and "record_outcome" in items and (works_on("record_outcome") or (
            in_department and bool(user.roles & scope.MANAGERS))),
        outcome=claimed and works_on("record_outcome"),
        revoke=claimed and (user.has_role(Role.SYSADMIN) or (
            user.has_role(Role.DEPT_ADMIN) and in_department)))


@dataclass(frozen=True)
class NoticePage:
    """One notice with what its page shows: entity, units, light, history, actions."""

    notice: DualNotice
    entity: MarketEntity
    department: OrgUnit | None
    registrar: OrgUnit | None
    light: Light
    open_item_id: int | None
    actions: NoticeActions
    history: list[HistoryEntry]


def notice_page(session: Session, actor: audit.Actor, notice_id: int,
                calendar: WorkdayCalendar) -> NoticePage:
    """A notice the actor may see (NotFound otherwise) with its page's contents."""
    notice = get_notice(session, actor, notice_id)
    user = runtime.actor_user(session, actor)
    (row,) = _rows(session, [notice], calendar)
    return NoticePage(
        notice=notice, entity=session.get_one(MarketEntity, notice.entity_id),
        department=session.get(OrgUnit, notice.department_org_id),
        registrar=session.get(OrgUnit, notice.registrar_org_id)
        if notice.registrar_org_id else None,
        light=row.light, open_item_id=row.open_item_id,
        actions=notice_actions(session, user, notice) if user else NoticeActions(),
        history=notice_histories(session, [notice])[notice.id])


def claimable(session: Session, user: User, rows: list[NoticeRow]) -> set[int]:
    """Ids of the listed notices the user may claim now."""
    waiting = [r for r in rows if r.notice.state == NoticeState.PUSHED and r.open_item_id]
    items = {item.id: item for item in session.execute(select(WorkItem).where(
        WorkItem.id.in_([r.open_item_id for r in waiting]),
        WorkItem.task_name == "claim_or_return")).scalars()} if waiting else {}
    return {r.notice.id for r in waiting if r.open_item_id in items and (
        items[r.open_item_id].assignee_id in (None, user.id)) and (
        items[r.open_item_id].assignee_id == user.id
        or scope.may_work_on(session, user, items[r.open_item_id]))}


def dispatch_targets(session: Session, notice: DualNotice, limit: int = 300
                     ) -> tuple[list[User], list[OrgUnit]]:
    """The people and units (sections, stations) of the notice's department, to dispatch
    its case to."""
    department = session.get(OrgUnit, notice.department_org_id)
    if department is None:
        return [], []
    below = OrgUnit.path.startswith(department.path)
    users = session.execute(select(User).join(OrgUnit, OrgUnit.id == User.org_unit_id)
                            .where(below, User.active).order_by(OrgUnit.path, User.username)
                            .limit(limit)).unique().scalars().all()
    units = session.execute(select(OrgUnit).where(below, OrgUnit.id != department.id)
                            .order_by(OrgUnit.path).limit(limit)).scalars().all()
    return list(users), list(units)


def _rows(session: Session, notices: list[DualNotice], calendar: WorkdayCalendar
          ) -> list[NoticeRow]:
    if not notices:
        return []
    entities = {row.id: row for row in session.execute(
        select(MarketEntity.id, MarketEntity.name, MarketEntity.uscc).where(
            MarketEntity.id.in_({n.entity_id for n in notices})))}
    departments = dict(session.execute(select(OrgUnit.id, OrgUnit.name).where(
        OrgUnit.id.in_({n.department_org_id for n in notices}))).all())
    items = dict(session.execute(select(WorkItem.instance_id, WorkItem.id).where(
        WorkItem.instance_id.in_({n.instance_id for n in notices if n.instance_id}),
        WorkItem.status == WorkItemStatus.OPEN, WorkItem.task_name != "urge_claim")).all())
    return [NoticeRow(n, entities[n.entity_id].name, entities[n.entity_id].uscc,
                      departments.get(n.department_org_id, ""), notice_light(n, calendar),
                      items.get(n.instance_id) if n.instance_id is not None else None)
            for n in notices]


def _conditions(filters: NoticeFilter, calendar: WorkdayCalendar
                ) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.department_org_id is not None:
        conditions.append(DualNotice.department_org_id == filters.department_org_id)
    if filters.text:
        text = filters.text.strip()
        conditions.append(MarketEntity.name.contains(text, autoescape=True)
                          | MarketEntity.uscc.startswith(text.upper(), autoescape=True))
    if filters.licence_item:
        conditions.append(DualNotice.licence_item == filters.licence_item)
    if filters.pushed_from:
        conditions.append(DualNotice.pushed_at > _end_of_day_before(calendar, filters.pushed_from))
    if filters.pushed_to:
        conditions.append(DualNotice.pushed_at <= calendar.end_of_day(filters.pushed_to))
    if filters.light:
        conditions.append(light_filter(filters.light, calendar))
    return conditions


def _end_of_day_before(calendar: WorkdayCalendar, day: date) -> datetime:
    return calendar.end_of_day(day - timedelta(days=1))


@dataclass(frozen=True)
class RoutingResult:
    """Where one imported entity went: its routing state and its notices."""

    entity_id: int
    routing_state: str
    notices: list[tuple[int, str, str, str, str]]  # id, item code and name, department, state


def routing_results(session: Session, usccs: list[str]) -> dict[str, RoutingResult]:
    """The routing of these entities now, by USCC (the rows of an import, as they went)."""
    if not usccs:
        return {}
    entities = session.execute(select(MarketEntity.id, MarketEntity.uscc,
                                      MarketEntity.routing_state)
                               .where(MarketEntity.uscc.in_(usccs))).all()
    by_id = {entity_id: uscc for entity_id, uscc, _state in entities}
    notices: dict[int, list[tuple[int, str, str, str, str]]] = {}
    rows = session.execute(
        select(DualNotice.id, DualNotice.entity_id, DualNotice.licence_item,
               DualNotice.licence_item_name,
               OrgUnit.name, DualNotice.state)
        .join(OrgUnit, OrgUnit.id == DualNotice.department_org_id)
        .where(DualNotice.entity_id.in_(list(by_id))).order_by(DualNotice.id)).all()
    for notice_id, entity_id, code, item, department, state in rows:
        notices.setdefault(entity_id, []).append((notice_id, code, item, department,
                                                  state.value))
    return {uscc: RoutingResult(entity_id, state, notices.get(entity_id, []))
            for entity_id, uscc, state in entities}
