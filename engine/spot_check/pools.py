"""Building a department's special pool (特定对象库): from its supervision directory, from
its licence records, by filters, or from a list of codes (an upload)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import InvalidInput
from engine.models import (
    DisclosureRecord,
    MarketEntity,
    OrgUnit,
    RecordStatus,
    SpecialPool,
    SupervisionEntry,
)
from engine.spot_check.access import organising_department
from engine.spot_check.directory import POOL_SOURCES, RISK_CLASSES, build_pool
from engine.spot_check.snapshot import filter_conditions

LICENCES_IN_FORCE = (RecordStatus.RECORDED, RecordStatus.PUBLISHED)


def make_pool(session: Session, actor: audit.Actor, name: str, source: str,
              filters: dict[str, list[str]] | None = None, codes: Sequence[str] = (),
              org_unit_id: int | None = None) -> SpecialPool:
    """A special pool of the actor's department (the CLI names one), built from `source`;
    InvalidInput naming the codes no entity is registered under."""
    department = organising_department(session, actor) or session.get(
        OrgUnit, org_unit_id or 0)
    if department is None or not name.strip() or source not in POOL_SOURCES:
        raise InvalidInput("the pool has errors", fields={
            "name": "required"} if not name.strip() else {"source": "not_a_choice"})
    filters = {k: sorted(set(v)) for k, v in (filters or {}).items() if v}
    if not set(filters.get("risks", [])) <= set(RISK_CLASSES):
        raise InvalidInput("unknown risk class", fields={"risks": "not_a_choice"})
    query = select(MarketEntity.id)
    if source == "supervision_directory":
        query = query.join(SupervisionEntry, SupervisionEntry.entity_id == MarketEntity.id
                           ).where(SupervisionEntry.department_org_id == department.id,
                                   SupervisionEntry.active)
    elif source == "licences":
        query = query.join(DisclosureRecord, DisclosureRecord.entity_id == MarketEntity.id
                           ).where(DisclosureRecord.source_org_id == department.id,
                                   DisclosureRecord.category == "licence",
                                   DisclosureRecord.status.in_(LICENCES_IN_FORCE))
    elif source == "filters":
        query = query.where(*filter_conditions(session, department, filters))
    else:
        wanted = {code.strip().upper() for code in codes if code.strip()}
        found = dict(session.execute(select(MarketEntity.uscc, MarketEntity.id).where(
            MarketEntity.uscc.in_(wanted))).all())
        unknown = sorted(wanted - found.keys())
        if unknown or not wanted:
            raise InvalidInput("codes not registered", fields={"codes": "unknown"},
                               unknown=unknown[:20])
        query = query.where(MarketEntity.id.in_(found.values()))
    ids = session.execute(query.distinct()).scalars().all()
    return build_pool(session, actor, department.id, name.strip(), source, ids,
                      filters if source == "filters" else {})
