"""Which market entities a registrar (the AMR unit that registered them) works on."""

from __future__ import annotations

from dataclasses import dataclass

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


OUTSIDE_SCOPE = "outside your registration area"
"""The one reason a write outside the writer's scope is refused with: for an area the
writer does not register, and for an entity another area registered alike, so a refusal
tells no more than that the row is not the writer's to write."""


@dataclass(frozen=True)
class WriteScope:
    """Where a writer may register entities: the same rule as `registrar_filter`, in Python.

    `units` are the org units within the writer's scope (None: every unit, for system
    administrators and the operator's CLI); `amr_areas` the areas whose AMR lies within
    it, for entities that have no registering unit.
    """

    units: frozenset[int] | None = None
    amr_areas: frozenset[str] = frozenset()

    def allows(self, registrar_org_id: int | None, area_code: str | None) -> bool:
        """Whether an entity registered by that unit (or, without one, in that area) is
        the writer's to create or change."""
        if self.units is None:
            return True
        if registrar_org_id is not None:
            return registrar_org_id in self.units
        return area_code in self.amr_areas


def write_scope(session: Session, actor: audit.Actor) -> WriteScope:
    """The actor's write scope; the system and the CLI operator write everywhere."""
    user = runtime.actor_user(session, actor)
    roots = scope.scope_roots(session, user) if user is not None else None
    if roots is None:
        return WriteScope()
    rows = session.execute(select(OrgUnit.id, OrgUnit.kind, OrgUnit.code, OrgUnit.area_code)
                           .where(or_(*(OrgUnit.path.startswith(r) for r in roots)))).all()
    return WriteScope(
        frozenset(row.id for row in rows),
        frozenset(row.area_code for row in rows
                  if row.kind == OrgKind.DEPARTMENT and row.code.endswith("-amr")))
