"""The pool a task's draw sees, read from the database into a snapshot: the entities its
filters select with the attributes they looked at and this year's inspections of each,
the implementing departments' officers with their certificates and qualifications, and
the conflicts those officers declared."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from engine.models import (
    ConflictOfInterest,
    MarketEntity,
    OfficerQualification,
    OrgUnit,
    Role,
    SpecialPoolMember,
    SpotCheckDraw,
    SpotCheckTarget,
    SpotCheckTask,
    User,
    UserRole,
)
from engine.org import areas
from engine.spot_check.algorithm import ALGORITHM, Snapshot
from engine.spot_check.tasks import task_items, task_units

# Registrations that are no longer there to inspect.
GONE = ("注销", "吊销", "迁出", "已注销", "已吊销", "已迁出")
# Each risk class's ratio as a multiple of the task's: fewer low-risk (A) checks, more
# of the higher risks (C, D), capped at 100%.
RISK_FACTORS = {"A": Fraction(1, 2), "B": Fraction(1), "C": Fraction(2), "D": Fraction(3)}


def risk_ratios(ratio: str | None) -> dict[str, str]:
    """The ratio (percent) per risk class for a task's ratio."""
    if ratio is None:
        return {}
    return {risk: str(min(Fraction(ratio) * factor, Fraction(100)).limit_denominator(10_000))
            for risk, factor in RISK_FACTORS.items()}


def parameters(session: Session, task: SpotCheckTask) -> dict[str, Any]:
    """What the algorithm is told about the task; part of the snapshot, so of its hash."""
    items = task_items(session, task)
    key_only = all(item.key_item for item in items)
    ratio = None if task.ratio_percent is None else str(task.ratio_percent.normalize())
    return {"task_id": task.id, "number": task.number, "year": task.year,
            "filters": task.filters, "pool_id": task.pool_id, "ratio": ratio,
            "risk_ratios": risk_ratios(ratio), "count": task.target_count,
            "per_target": task.officers_per_target,
            # Key items (重点) are not held back by the yearly cap.
            "yearly_cap": None if key_only else task.yearly_cap,
            "inspection_date": task.inspection_date.isoformat(),
            "qualifications": sorted({i.qualification for i in items if i.qualification}),
            "items": [item.code for item in items]}


def entity_conditions(session: Session, task: SpotCheckTask) -> list[ColumnElement[bool]]:
    """SQL: the entities a task may target (its area, its filters, its special pool)."""
    organiser = session.get(OrgUnit, task.organiser_org_id)
    assert organiser is not None
    conditions = filter_conditions(session, organiser, task.filters)
    if task.pool_id is not None:
        conditions.append(MarketEntity.id.in_(select(SpecialPoolMember.entity_id).where(
            SpecialPoolMember.pool_id == task.pool_id)))
    return conditions


def filter_conditions(session: Session, organiser: OrgUnit, filters: dict[str, list[str]]
                      ) -> list[ColumnElement[bool]]:
    """SQL: entities still registered, of the organiser's area (any for the city's
    departments), matching the filters (industry prefixes, areas, types, risk classes)."""
    conditions: list[ColumnElement[bool]] = [MarketEntity.status.notin_(GONE)]
    if organiser.area_code != areas.city_code(session):
        conditions.append(MarketEntity.area_code == organiser.area_code)
    if filters.get("areas"):
        conditions.append(MarketEntity.area_code.in_(filters["areas"]))
    if filters.get("types"):
        conditions.append(MarketEntity.entity_type.in_(filters["types"]))
    if filters.get("risks"):
        conditions.append(MarketEntity.risk_class.in_(filters["risks"]))
    if filters.get("industries"):
        conditions.append(or_(*(MarketEntity.industry_code.startswith(code, autoescape=True)
                                for code in filters["industries"])))
    return conditions


def inspections_this_year(session: Session, year: int) -> dict[int, int]:
    """Entity id → how many standing draws of the year picked it."""
    rows = session.execute(
        select(SpotCheckTarget.entity_id, func.count())
        .join(SpotCheckDraw, SpotCheckDraw.id == SpotCheckTarget.draw_id)
        .where(SpotCheckTarget.year == year, SpotCheckDraw.voided_at.is_(None))
        .group_by(SpotCheckTarget.entity_id))
    return {entity_id: count for entity_id, count in rows}


def officer_rows(session: Session, unit_ids: list[int]
                 ) -> list[tuple[int, bool, str, tuple[str, ...]]]:
    """(id, active, certificate expiry or "", tags) of the officers and administrators
    of the units (and their sections and stations)."""
    paths = session.execute(select(OrgUnit.path).where(OrgUnit.id.in_(unit_ids))).scalars()
    units = select(OrgUnit.id).where(or_(*(OrgUnit.path.startswith(p) for p in paths)))
    users = session.execute(
        select(User.id, User.active, User.certificate_no, User.certificate_expires)
        .where(User.org_unit_id.in_(units), User.id.in_(select(UserRole.user_id).where(
            UserRole.role.in_([Role.OFFICER, Role.DEPT_ADMIN]))))).all()
    tags: dict[int, list[str]] = {}
    for user_id, tag in session.execute(select(
            OfficerQualification.user_id, OfficerQualification.tag).where(
            OfficerQualification.user_id.in_([u.id for u in users]))):
        tags.setdefault(user_id, []).append(tag)
    return [(u.id, bool(u.active),
             u.certificate_expires.isoformat() if u.certificate_no and u.certificate_expires
             else "", tuple(sorted(tags.get(u.id, [])))) for u in users]


def conflict_rows(session: Session, officer_ids: list[int]) -> list[tuple[int, int]]:
    return [(o, e) for o, e in session.execute(select(
        ConflictOfInterest.user_id, ConflictOfInterest.entity_id).where(
        ConflictOfInterest.user_id.in_(officer_ids)))]


def task_snapshot(session: Session, task: SpotCheckTask) -> Snapshot:
    """Everything the task's draw sees, as of now."""
    params = parameters(session, task)
    seen = inspections_this_year(session, task.year)
    # Core rows, not the ORM's: hundreds of thousands of them, read as plain tuples.
    rows = session.connection().execute(select(
        MarketEntity.id, func.coalesce(MarketEntity.industry_code, ""),
        func.coalesce(MarketEntity.area_code, ""), func.coalesce(MarketEntity.entity_type, ""),
        func.coalesce(MarketEntity.risk_class, "")).where(
        *entity_conditions(session, task)).order_by(MarketEntity.id)).all()
    counted = seen.get
    entities = [(i, ind, area, kind, risk, counted(i, 0)) for i, ind, area, kind, risk in rows]
    officers = officer_rows(session, [unit.id for unit in task_units(session, task)])
    conflicts = conflict_rows(session, [o[0] for o in officers])
    return Snapshot(ALGORITHM, params, entities, officers, conflicts)
