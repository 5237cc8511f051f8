"""Lists of dual notices for the pages: a department's notices with their lights, the
registrar's returned notices, every notice of one entity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, runtime
from engine.calendar import WorkdayCalendar
from engine.errors import NotFound
from engine.models import (
    DualNotice,
    MarketEntity,
    NoticeState,
    OrgKind,
    OrgUnit,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.notice_lights import Light, notice_light
from engine.notices import notice_filter
from engine.paging import Page, page_of
from engine.routing import claim_limits
from engine.routing_table import latest_table
from engine.seed_data import CITY

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
        raise NotFound(f"no market entity {entity_id}")
    return _rows(session, notices, calendar)


@dataclass(frozen=True)
class RoutingChoices:
    """Pick lists for manual routing and re-routing."""

    licence_items: list[tuple[str, str]]  # code, name
    departments: list[tuple[int, str, str]]  # id, code, name


def routing_choices(session: Session, area_code: str) -> RoutingChoices:
    """The licence items of the latest routing table, and the departments of the area
    and of the city."""
    items = sorted(latest_table(session).licence_items().items())
    departments = session.execute(
        select(OrgUnit.id, OrgUnit.code, OrgUnit.name)
        .where(OrgUnit.kind == OrgKind.DEPARTMENT, OrgUnit.area_code.in_([area_code, CITY[0]]))
        .order_by(OrgUnit.area_code.desc(), OrgUnit.code)).all()
    return RoutingChoices(items, [(row[0], row[1], row[2]) for row in departments])


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
                      items.get(n.instance_id)) for n in notices]


def _conditions(filters: NoticeFilter, calendar: WorkdayCalendar) -> list:  # type: ignore[type-arg]
    conditions = []
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
        conditions.extend(_light_conditions(filters.light, calendar))
    return conditions


def _light_conditions(light: Light, calendar: WorkdayCalendar) -> list:  # type: ignore[type-arg]
    """Unclaimed notices whose push lies in the light's band of working days before today."""
    claim, escalate = claim_limits(calendar.settings)
    yellow_by = calendar.end_of_day(_last_day_over(calendar, claim))
    red_by = calendar.end_of_day(_last_day_over(calendar, escalate))
    waiting = DualNotice.state == NoticeState.PUSHED
    if light == "red":
        return [waiting, DualNotice.pushed_at <= red_by]
    if light == "yellow":
        return [waiting, DualNotice.pushed_at <= yellow_by, DualNotice.pushed_at > red_by]
    return [waiting, DualNotice.pushed_at > yellow_by]


def _last_day_over(calendar: WorkdayCalendar, workdays: int) -> date:
    """The latest push day from which more than `workdays` working days have passed today."""
    today = calendar.today()
    day = calendar.add_workdays(today, -workdays)
    while calendar.workdays_between(day, today) <= workdays:
        day -= timedelta(days=1)
    return day


def _end_of_day_before(calendar: WorkdayCalendar, day: date) -> datetime:
    return calendar.end_of_day(day - timedelta(days=1))
