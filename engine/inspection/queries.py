"""The inspections a user sees, in SQL: those of the units in their scope (which covers
the drawn officers of a department's own units), and the entities they are about."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from engine.inspection.vocabulary import DONE
from engine.models import Inspection, MarketEntity, User
from engine.org import scope


def inspection_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: inspections of a unit within the user's scope."""
    return scope.org_filter(session, user, Inspection.unit_id)


def entity_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: entities an inspection the user sees is about (the officers' target card)."""
    return exists(select(Inspection.id).where(Inspection.entity_id == MarketEntity.id,
                                              inspection_filter(session, user)))


def inspections_for(session: Session, user: User, *, open_only: bool = True,
                    limit: int = 200) -> list[tuple[Inspection, MarketEntity]]:
    """The inspections the user sees, the user's own drawn ones first, then by date."""
    query = select(Inspection, MarketEntity).join(
        MarketEntity, MarketEntity.id == Inspection.entity_id).where(
        inspection_filter(session, user))
    if open_only:
        query = query.where(Inspection.status.not_in(DONE))
    rows = [(i, e) for i, e in session.execute(
        query.order_by(Inspection.inspection_date.desc(), Inspection.id).limit(limit))]
    return sorted(rows, key=lambda row: user.id not in row[0].officer_ids)


def entity_inspections(session: Session, user: User, entity_id: int) -> list[Inspection]:
    """The entity's inspections the user sees, newest first (its history of checks)."""
    return list(session.execute(select(Inspection).where(
        Inspection.entity_id == entity_id, inspection_filter(session, user)).order_by(
        Inspection.inspection_date.desc(), Inspection.id.desc())).scalars())
