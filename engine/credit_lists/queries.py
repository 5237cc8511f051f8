"""Reading the lists: entries by type, area, state and text; an entity's list history; the
figures per deciding unit and period (listed, removed, objections)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import (
    CreditListApplication,
    CreditListEntry,
    ListStatus,
    ListType,
    MarketEntity,
    OrgUnit,
)
from engine.paging import Page, page_of


def list_entries(session: Session, *, list_type: ListType | None = None,
                 area_code: str | None = None, status: ListStatus | None = None,
                 text: str | None = None, warned: bool = False, page: int = 1,
                 per_page: int = 50) -> Page[CreditListEntry]:
    """A page of entries, newest first (the lists are read by every signed-in person);
    `warned`: the listings warned of their three years, still listed (they move soon)."""
    query = select(CreditListEntry)
    if warned:
        query = query.where(CreditListEntry.warned_on.is_not(None),
                            CreditListEntry.status == ListStatus.LISTED)
    if list_type is not None:
        query = query.where(CreditListEntry.list_type == list_type)
    if area_code:
        query = query.where(CreditListEntry.area_code == area_code)
    if status is not None:
        query = query.where(CreditListEntry.status == status)
    if text:
        like = f"%{text}%"
        query = query.where(or_(CreditListEntry.party_name.like(like),
                                CreditListEntry.party_uscc == text.upper(),
                                CreditListEntry.decision_number.like(like)))
    return page_of(session, query, (CreditListEntry.id.desc(),), page, per_page)


def entity_history(session: Session, entity_id: int) -> list[CreditListEntry]:
    """Every entry of the entity on either list, newest first."""
    return list(session.execute(select(CreditListEntry).where(
        CreditListEntry.entity_id == entity_id).order_by(CreditListEntry.id.desc())).scalars())


def published_entries(session: Session, entity_id: int) -> list[CreditListEntry]:
    """The entity's entries in force, as the public portal shows them."""
    return list(session.execute(select(CreditListEntry).where(
        CreditListEntry.entity_id == entity_id, CreditListEntry.status == ListStatus.LISTED,
        CreditListEntry.record_id.is_not(None)).order_by(CreditListEntry.listed_on)).scalars())


@dataclass(frozen=True)
class Figures:
    """One deciding unit's figures over a period."""

    unit: str
    area_code: str
    abnormal_listed: int
    serious_listed: int
    removed: int
    moved: int
    objections: int
    objections_upheld: int


def figures(session: Session, start: date, end: date) -> list[Figures]:
    """Per deciding unit: listings, removals and moves in [start, end], objections filed and
    upheld in it."""
    e = CreditListEntry

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    listed_in = and_(e.listed_on >= start, e.listed_on <= end)
    removed_in = and_(e.removed_on >= start, e.removed_on <= end)
    rows = session.execute(select(
        e.org_unit_id,
        count(and_(listed_in, e.list_type == ListType.ABNORMAL)),
        count(and_(listed_in, e.list_type == ListType.SERIOUS)),
        count(and_(removed_in, e.status == ListStatus.REMOVED)),
        count(and_(removed_in, e.status == ListStatus.MOVED)),
    ).group_by(e.org_unit_id)).all()
    a = CreditListApplication
    objections: dict[int, int] = {}
    upheld: dict[int, int] = {}
    for unit_id, status in session.execute(
            select(e.org_unit_id, a.status).select_from(a).join(e, e.id == a.entry_id)
            .where(a.kind == "objection", a.applied_on >= start, a.applied_on <= end)).all():
        objections[unit_id] = objections.get(unit_id, 0) + 1
        upheld[unit_id] = upheld.get(unit_id, 0) + (status == "granted")
    units = {u.id: u for u in session.execute(select(OrgUnit).where(
        OrgUnit.id.in_([r[0] for r in rows]))).scalars()}
    out = [Figures(units[r[0]].name, units[r[0]].area_code, int(r[1]), int(r[2]), int(r[3]),
                   int(r[4]), int(objections.get(r[0], 0)), int(upheld.get(r[0], 0)))
           for r in rows]
    return sorted(out, key=lambda f: f.area_code)


def entity_by_uscc(session: Session, uscc: str) -> MarketEntity:
    """The registered entity of a code (a proposal names it so); NotFound otherwise."""
    entity = session.execute(select(MarketEntity).where(
        MarketEntity.uscc == uscc.strip().upper())).scalar()
    if entity is None:
        raise NotFound(f"no entity {uscc}", code="no_public_entity")
    return entity
