"""One list, two directories (一单两库): the item list, the officers' qualifications and
declared conflicts of interest, and the departments' special target pools."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.errors import InvalidInput, NotFound
from engine.models import (
    ConflictOfInterest,
    MarketEntity,
    OfficerQualification,
    SpecialPool,
    SpecialPoolMember,
    SpotCheckItem,
    User,
)
from engine.org import scope
from engine.spot_check.access import require_regulator_admin

POOL_SOURCES = ("supervision_directory", "licences", "filters", "upload")
RISK_CLASSES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class ItemFields:
    """An item of the list as entered."""

    code: str
    name: str
    sub_items: tuple[str, ...]
    method: str
    qualification: str | None
    legal_basis: str
    target_type: str
    ratio_percent: str
    frequency: str
    key_item: bool


def _checked(fields: ItemFields) -> Decimal:
    errors = {name: "required" for name in ("code", "name", "method", "target_type",
                                            "frequency") if not getattr(fields, name).strip()}
    try:
        ratio = Decimal(fields.ratio_percent)
        if not Decimal(0) < ratio <= Decimal(100):
            errors["ratio_percent"] = "out_of_range"
    except InvalidOperation:
        errors["ratio_percent"] = "not_a_number"
        ratio = Decimal(0)
    if errors:
        raise InvalidInput("the item has errors", fields=errors)
    return ratio


def save_item(session: Session, actor: audit.Actor, fields: ItemFields,
              item_id: int | None = None, owner_org_id: int | None = None) -> SpotCheckItem:
    """Add an item to the list, or change one (by id); the market regulator's
    administrators only. Audited."""
    user = require_regulator_admin(session, actor)
    ratio = _checked(fields)
    taken = session.execute(select(SpotCheckItem.id).where(
        SpotCheckItem.code == fields.code.strip(), SpotCheckItem.id != (item_id or 0))).first()
    if taken:
        raise InvalidInput("the code is taken", fields={"code": "taken"})
    if item_id is None:
        department = scope.department_of(session, user) if user is not None else None
        owner = owner_org_id or (department.id if department is not None else None)
        if owner is None:
            raise InvalidInput("an item needs an owner department",
                               fields={"owner_org_id": "required"})
        item = SpotCheckItem(owner_org_id=owner)
    else:
        item = get_item(session, item_id)
    item.code, item.name = fields.code.strip(), fields.name.strip()
    item.sub_items = [s.strip() for s in fields.sub_items if s.strip()]
    item.method, item.qualification = fields.method.strip(), fields.qualification or None
    item.legal_basis, item.target_type = fields.legal_basis.strip(), fields.target_type.strip()
    item.ratio_percent, item.frequency, item.key_item = ratio, fields.frequency, fields.key_item
    item.updated_by, item.updated_at = actor.name, clock.now()
    session.add(item)
    session.flush()
    audit.record(session, actor, "spot_check.item_saved", "spot_check_item", item.id,
                 code=item.code, key_item=item.key_item, ratio=str(ratio))
    return item


def get_item(session: Session, item_id: int) -> SpotCheckItem:
    item = session.get(SpotCheckItem, item_id)
    if item is None:
        raise NotFound(f"no spot-check item {item_id}", code="no_such_item")
    return item


def list_items(session: Session) -> list[SpotCheckItem]:
    """The whole item list, by code (everyone reads it)."""
    return list(session.execute(select(SpotCheckItem).order_by(SpotCheckItem.code)).scalars())


def grant_qualification(session: Session, actor: audit.Actor, user: User, tag: str) -> None:
    """Tag an officer with a qualification (idempotent). Audited."""
    require_regulator_admin(session, actor)
    tag = tag.strip()
    if not tag:
        raise InvalidInput("a qualification is needed", fields={"tag": "required"})
    known = session.execute(select(OfficerQualification.id).where(
        OfficerQualification.user_id == user.id, OfficerQualification.tag == tag)).first()
    if known is None:
        session.add(OfficerQualification(user_id=user.id, tag=tag, granted_by=actor.name,
                                         granted_at=clock.now()))
        session.flush()
        audit.record(session, actor, "spot_check.qualified", "user", user.id, tag=tag)


def qualifications(session: Session, user_ids: Iterable[int]) -> dict[int, list[str]]:
    """Officer id → their qualification tags, sorted."""
    found: dict[int, list[str]] = {}
    rows = session.execute(select(OfficerQualification.user_id, OfficerQualification.tag)
                           .where(OfficerQualification.user_id.in_(list(user_ids)))
                           .order_by(OfficerQualification.tag))
    for user_id, tag in rows:
        found.setdefault(user_id, []).append(tag)
    return found


def declare_conflict(session: Session, actor: audit.Actor, user: User, entity: MarketEntity,
                     relation: str) -> ConflictOfInterest:
    """Record an officer's relation to an entity (回避): the officer themselves, or an
    administrator, declares it. Audited."""
    declarer = runtime.actor_user(session, actor)
    if declarer is not None and declarer.id != user.id:
        require_regulator_admin(session, actor)
    if not relation.strip():
        raise InvalidInput("the relation is needed", fields={"relation": "required"})
    conflict = session.execute(select(ConflictOfInterest).where(
        ConflictOfInterest.user_id == user.id,
        ConflictOfInterest.entity_id == entity.id)).scalar()
    if conflict is None:
        conflict = ConflictOfInterest(user_id=user.id, entity_id=entity.id)
        session.add(conflict)
    conflict.relation, conflict.declared_by = relation.strip(), actor.name
    conflict.declared_at = clock.now()
    session.flush()
    audit.record(session, actor, "spot_check.conflict_declared", "user", user.id,
                 entity_id=entity.id, relation=conflict.relation)
    return conflict


def declare_by_uscc(session: Session, actor: audit.Actor, user: User, uscc: str,
                    relation: str) -> ConflictOfInterest:
    """declare_conflict for the entity registered under a USCC; InvalidInput when none is."""
    entity = session.execute(select(MarketEntity).where(
        MarketEntity.uscc == uscc.strip().upper())).scalar()
    if entity is None:
        raise InvalidInput("no entity is registered under this code",
                           fields={"uscc": "unknown"})
    return declare_conflict(session, actor, user, entity, relation)


def conflicts_of(session: Session, user_ids: Iterable[int]) -> dict[int, list[ConflictOfInterest]]:
    found: dict[int, list[ConflictOfInterest]] = {}
    rows = session.execute(select(ConflictOfInterest).where(
        ConflictOfInterest.user_id.in_(list(user_ids)))).scalars()
    for row in rows:
        found.setdefault(row.user_id, []).append(row)
    return found


def build_pool(session: Session, actor: audit.Actor, org_unit_id: int, name: str,
               built_by: str, entity_ids: Iterable[int], filters: dict[str, Any] | None = None
               ) -> SpecialPool:
    """A department's special pool of the given entities (the caller found them: from the
    supervision directory, licence records, filters or an upload). Audited."""
    if built_by not in POOL_SOURCES:
        raise InvalidInput(f"no pool source {built_by!r}", fields={"built_by": "not_a_choice"})
    pool = SpecialPool(org_unit_id=org_unit_id, name=name, built_by=built_by,
                       filters=filters or {}, created_by=actor.name, created_at=clock.now())
    session.add(pool)
    session.flush()
    ids = sorted(set(entity_ids))
    session.execute(delete(SpecialPoolMember).where(SpecialPoolMember.pool_id == pool.id))
    if ids:
        session.execute(insert(SpecialPoolMember),
                        [{"pool_id": pool.id, "entity_id": i} for i in ids])
    audit.record(session, actor, "spot_check.pool_built", "special_pool", pool.id,
                 built_by=built_by, members=len(ids))
    return pool
