"""Which market entities a registrar (the AMR unit that registered them) works on."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from engine import audit, runtime
from engine.errors import Forbidden, NotFound
from engine.models import MarketEntity, OrgKind, OrgUnit, Role, User
from engine.org import scope


def entity_for_registrar(session: Session, actor: audit.Actor, entity_id: int) -> MarketEntity:
    """An entity the actor's AMR unit registered (or whose area it serves); NotFound else."""
    user = runtime.actor_user(session, actor)
    entity = session.get(MarketEntity, entity_id)
    if entity is None or (user is not None and not _registrar_may_see(session, user, entity)):
        raise NotFound(f"no market entity {entity_id}", code="no_such_entity")
    if user is not None and not (user.has_role(Role.OFFICER, Role.DEPT_ADMIN, Role.SYSADMIN)):
        raise Forbidden("only AMR officers route registrations", code="not_registrar")
    return entity


def _registrar_may_see(session: Session, user: User, entity: MarketEntity) -> bool:
    return session.execute(select(MarketEntity.id).where(
        MarketEntity.id == entity.id, registrar_filter(session, user))).first() is not None


def registrar_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: entities whose registering AMR unit (or, without one, the AMR of their area)
    lies within the user's scope."""
    amr_areas = select(OrgUnit.area_code).where(
        OrgUnit.kind == OrgKind.DEPARTMENT, OrgUnit.code.endswith("-amr"),
        scope.org_filter(session, user, OrgUnit.id))
    return or_(scope.org_filter(session, user, MarketEntity.registrar_org_id),
               and_(MarketEntity.registrar_org_id.is_(None),
                    MarketEntity.area_code.in_(amr_areas)))
