"""The supervision directory (监管对象名录库): the entities each department supervises.

An entity joins a department's directory when the department claims one of
its dual notices; it is the target pool of the department's spot checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import clock
from engine.models import (
    DualNotice,
    MarketEntity,
    NoticeState,
    OrgUnit,
    SupervisionEntry,
    User,
)
from engine.org import scope
from engine.paging import Page, page_of

# Notice states in which the department holds the entity (claimed, or claimed and closed).
HELD = (NoticeState.CLAIMED, NoticeState.DISPATCHED, NoticeState.CLOSED)


def join_directory(session: Session, notice: DualNotice) -> None:
    """Add the notice's entity to its department's directory (again, if it had left)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(SupervisionEntry).values(
        department_org_id=notice.department_org_id, entity_id=notice.entity_id,
        notice_id=notice.id, licence_item=notice.licence_item, joined_at=clock.now(),
        active=True)
    session.execute(insert.on_conflict_do_update(
        index_elements=["department_org_id", "entity_id"],
        set_={"active": True},
        where=SupervisionEntry.__table__.c.active.is_(False)))


def leave_directory_if_unclaimed(session: Session, notice: DualNotice) -> None:
    """After a revoked claim: the entity leaves the directory unless another notice of
    the same department still holds it."""
    session.flush()
    held = session.execute(select(DualNotice.id).where(
        DualNotice.entity_id == notice.entity_id,
        DualNotice.department_org_id == notice.department_org_id,
        DualNotice.state.in_(HELD))).first()
    if held is None:
        entry = session.execute(select(SupervisionEntry).where(
            SupervisionEntry.entity_id == notice.entity_id,
            SupervisionEntry.department_org_id == notice.department_org_id)).scalar()
        if entry is not None:
            entry.active = False


@dataclass(frozen=True)
class DirectoryFilter:
    """What a directory list is narrowed to; every field optional."""

    department_org_id: int | None = None
    text: str | None = None  # part of the name, or the start of the USCC
    licence_item: str | None = None
    area_code: str | None = None
    joined_from: date | None = None
    joined_to: date | None = None
    include_inactive: bool = False


@dataclass(frozen=True)
class DirectoryRow:
    entry_id: int
    department_org_id: int
    department_name: str
    entity_id: int
    uscc: str
    name: str
    address: str | None
    area_code: str
    status: str
    licence_item: str | None
    joined_at: datetime
    active: bool


def directory_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: directory entries the user may see — of departments in scope, and of the
    user's own department (its sections and stations supervise the same entities)."""
    own = scope.department_of(session, user)
    visible = scope.org_filter(session, user, SupervisionEntry.department_org_id)
    return or_(visible, SupervisionEntry.department_org_id == own.id) if own else visible


def directory(session: Session, user: User, filters: DirectoryFilter | None = None,
              page: int = 1, per_page: int = 50) -> Page[DirectoryRow]:
    """One page of the supervision directory, newest entries first, filtered in SQL."""
    filters = filters or DirectoryFilter()
    query = (select(SupervisionEntry.id, SupervisionEntry.department_org_id, OrgUnit.name,
                    MarketEntity.id, MarketEntity.uscc, MarketEntity.name, MarketEntity.address,
                    MarketEntity.area_code, MarketEntity.status, SupervisionEntry.licence_item,
                    SupervisionEntry.joined_at, SupervisionEntry.active)
             .join(MarketEntity, MarketEntity.id == SupervisionEntry.entity_id)
             .join(OrgUnit, OrgUnit.id == SupervisionEntry.department_org_id)
             .where(directory_filter(session, user), *_conditions(filters)))
    result = page_of(session, query, (SupervisionEntry.joined_at.desc(),
                                      SupervisionEntry.id.desc()), page, per_page)
    return Page([DirectoryRow(*row) for row in result.rows], result.total, result.page,
                result.per_page)


def _conditions(filters: DirectoryFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if not filters.include_inactive:
        conditions.append(SupervisionEntry.active.is_(True))
    if filters.department_org_id is not None:
        conditions.append(SupervisionEntry.department_org_id == filters.department_org_id)
    if filters.text:
        text = filters.text.strip()
        conditions.append(or_(MarketEntity.name.contains(text, autoescape=True),
                              MarketEntity.uscc.startswith(text.upper(), autoescape=True)))
    if filters.licence_item:
        item = filters.licence_item
        conditions.append(or_(SupervisionEntry.licence_item == item, exists().where(and_(
            DualNotice.entity_id == SupervisionEntry.entity_id,
            DualNotice.department_org_id == SupervisionEntry.department_org_id,
            DualNotice.licence_item == item, DualNotice.state.in_(HELD)))))
    if filters.area_code:
        conditions.append(MarketEntity.area_code == filters.area_code)
    if filters.joined_from:
        conditions.append(SupervisionEntry.joined_at >= clock.start_of_day(filters.joined_from))
    if filters.joined_to:
        conditions.append(SupervisionEntry.joined_at <= clock.end_of_day(filters.joined_to))
    return conditions


def directory_departments(session: Session, user: User) -> list[tuple[int, str]]:
    """(id, name) of the departments whose directory the user may see, for a filter."""
    rows = session.execute(
        select(OrgUnit.id, OrgUnit.name).join(
            SupervisionEntry, SupervisionEntry.department_org_id == OrgUnit.id)
        .where(directory_filter(session, user)).group_by(OrgUnit.id, OrgUnit.name)
        .order_by(OrgUnit.name)).all()
    return [(row[0], row[1]) for row in rows]


def directory_size(session: Session, department_org_id: int) -> int:
    """Active entities in one department's directory (the spot-check pool size)."""
    return session.execute(select(func.count()).where(
        SupervisionEntry.department_org_id == department_org_id,
        SupervisionEntry.active.is_(True))).scalar_one()
