"""Registration data shared with departments (互联共享): whose registry a user reads, the
search over it, and the changes feed other systems page through.

Who reads which area: officers and department administrators of any department (the
market regulator's registrars among them) read the registry of their unit's area; a unit
of the city reads the whole city, a county's unit (its sections, stations and parks alike)
its county. Supervisors, system administrators and auditors have pages of their own and
read the registry only where another rule lets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true
from sqlalchemy.orm import Session

from engine.errors import Forbidden
from engine.models import MarketEntity, Role, User
from engine.org.areas import city_code

SHARING_ROLES = (Role.OFFICER, Role.DEPT_ADMIN)


@dataclass(frozen=True)
class RegistryFilter:
    """What a search of the shared registry asks for; None asks nothing."""

    name: str | None = None  # a part of the name
    uscc: str | None = None  # the code or its start
    entity_type: str | None = None
    status: str | None = None
    township: str | None = None  # a part of the township or street
    established_from: date | None = None
    established_to: date | None = None
    area_code: str | None = None  # one county, for readers of the whole city

    def asked(self) -> dict[str, str]:
        """The filter as text, without what it does not ask (for the audit trail)."""
        return {name: str(value) for name, value in vars(self).items() if value}


def shared_areas(session: Session, user: User) -> list[str] | None:
    """The area codes whose registry the user reads: None for the whole city, [] for none."""
    if not user.active or not user.has_role(*SHARING_ROLES):
        return []
    area = user.org_unit.area_code
    return None if area == city_code(session) else [area]


def shares_registry(session: Session, user: User) -> bool:
    """Whether the user reads the registry of some area."""
    return shared_areas(session, user) != []


def shared_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: entities registered in an area whose registry the user reads (an entity filter:
    the user may open their pages)."""
    areas = shared_areas(session, user)
    if areas is None:
        return true()
    return MarketEntity.area_code.in_(areas) if areas else false()


def registry_query(session: Session, user: User, asked: RegistryFilter
                   ) -> Select[MarketEntity]:
    """The entities of the user's registry that match; Forbidden for users who read none."""
    if not shares_registry(session, user):
        raise Forbidden("the registry is shared with departments' officers",
                        code="registry_not_shared")
    query = select(MarketEntity).where(shared_filter(session, user))
    conditions = []
    if asked.name:
        conditions.append(MarketEntity.name.contains(asked.name, autoescape=True))
    if asked.uscc:
        conditions.append(MarketEntity.uscc.startswith(asked.uscc.upper(), autoescape=True))
    if asked.entity_type:
        conditions.append(MarketEntity.entity_type == asked.entity_type)
    if asked.status:
        conditions.append(MarketEntity.status == asked.status)
    if asked.township:
        conditions.append(MarketEntity.township.contains(asked.township, autoescape=True))
    if asked.established_from:
        conditions.append(MarketEntity.established_on >= asked.established_from)
    if asked.established_to:
        conditions.append(MarketEntity.established_on <= asked.established_to)
    if asked.area_code:
        conditions.append(MarketEntity.area_code == asked.area_code)
    return query.where(*conditions)


REGISTRY_ORDER = (MarketEntity.id.desc(),)  # newest registrations first


def changed_after(session: Session, user: User, after: tuple[datetime, int] | None,
                  since: datetime | None, limit: int) -> list[MarketEntity]:
    """Up to `limit` entities of the user's registry in the order they last changed, each
    once: those after the position `after` (a change time and an id, from the last page),
    else those changed at or after `since`, else from the first."""
    if not shares_registry(session, user):
        raise Forbidden("the registry is shared with departments' officers",
                        code="registry_not_shared")
    changed = MarketEntity.updated_at
    query = select(MarketEntity).where(shared_filter(session, user), changed.is_not(None))
    if after is not None:
        moment, entity_id = after
        query = query.where(or_(changed > moment,
                                and_(changed == moment, MarketEntity.id > entity_id)))
    elif since is not None:
        query = query.where(changed >= since)
    query = query.order_by(changed, MarketEntity.id).limit(limit)
    return list(session.execute(query).scalars())
