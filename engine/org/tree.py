"""The organisation tree as system administrators change it: add a unit under another,
rename it, move it (with everything below it), deactivate it. Each change is audited
with what it was before. A unit with active people or open work is not deactivated:
they are moved first, so that nothing is left without anyone to do it.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import OrgKind, OrgUnit, User, WorkItem, WorkItemStatus

_CODE = re.compile(r"^[0-9a-z][0-9a-z-]{1,63}$")
# A unit's own area code: a county or the city carries one, the rest inherit their parent's.
AREA_KINDS = (OrgKind.CITY, OrgKind.COUNTY)


def units(session: Session) -> list[OrgUnit]:
    """Every unit in tree order (a unit, then what lies below it)."""
    return list(session.execute(select(OrgUnit).order_by(OrgUnit.path)).scalars())


def short_labels(units: list[OrgUnit]) -> dict[int, str]:
    """Each unit named with its parent ("龙阳区 · 市场监管局"), for choices where a name
    alone is ambiguous (every county has its market regulator); `units` holds the parents."""
    names = {u.id: u.name for u in units}
    return {u.id: " · ".join(names[int(i)] for i in u.path.strip("/").split("/")[-2:] if i)
            for u in units}


def unit_by_id(session: Session, unit_id: int) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound(f"no unit {unit_id}", code="no_such_unit")
    return unit


def add_unit(session: Session, actor: audit.Actor, parent: OrgUnit, code: str, name: str,
             kind: OrgKind, area_code: str | None = None) -> OrgUnit:
    """A new unit under `parent` (its area: its own for a county, else the parent's)."""
    code, name = code.strip().lower(), name.strip()
    errors = {}
    if not _CODE.match(code):
        errors["code"] = "bad_code"
    elif session.execute(select(OrgUnit.id).where(OrgUnit.code == code)).scalar():
        errors["code"] = "taken"
    if not name or len(name) > 200:
        errors["name"] = "required"
    area = (area_code or "").strip() if kind in AREA_KINDS else parent.area_code
    if not re.fullmatch(r"\d{6}", area or ""):
        errors["area_code"] = "bad_area"
    if not parent.active:
        errors["parent"] = "inactive"
    if errors:
        raise InvalidInput("the unit has errors", fields=errors)
    unit = OrgUnit(code=code, name=name, kind=kind, area_code=area, parent_id=parent.id,
                   active=True)
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path}{unit.id}/"
    audit.record(session, actor, "unit.create", "org_unit", unit.id, code=code, name=name,
                 kind=kind.value, parent=parent.code)
    return unit


def rename_unit(session: Session, actor: audit.Actor, unit: OrgUnit, name: str) -> OrgUnit:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("a name is needed", fields={"name": "required"})
    before, unit.name = unit.name, name
    audit.record(session, actor, "unit.rename", "org_unit", unit.id, before=before, after=name)
    return unit


def move_unit(session: Session, actor: audit.Actor, unit: OrgUnit, parent: OrgUnit
              ) -> OrgUnit:
    """Move a unit, and everything below it, under another (never under itself)."""
    if parent.path.startswith(unit.path):
        raise InvalidInput("a unit cannot move below itself", fields={"parent": "own_subtree"})
    if unit.parent_id is None:
        raise InvalidInput("the root stays", fields={"parent": "root"})
    old_prefix, new_prefix = unit.path, f"{parent.path}{unit.id}/"
    before = session.get(OrgUnit, unit.parent_id)
    for below in session.execute(select(OrgUnit).where(
            OrgUnit.path.startswith(old_prefix))).scalars():
        below.path = new_prefix + below.path[len(old_prefix):]
    unit.parent_id = parent.id
    if unit.kind not in AREA_KINDS:
        unit.area_code = parent.area_code
    session.flush()
    audit.record(session, actor, "unit.move", "org_unit", unit.id,
                 before=before.code if before else None, after=parent.code)
    return unit


def deactivate_unit(session: Session, actor: audit.Actor, unit: OrgUnit) -> OrgUnit:
    """A unit nobody works in any more: refused while people or open work are in it (or
    below it)."""
    subtree = select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path))
    people = session.execute(select(func.count(User.id)).where(
        User.org_unit_id.in_(subtree), User.active.is_(True))).scalar_one()
    work = session.execute(select(func.count(WorkItem.id)).where(
        WorkItem.candidate_org_id.in_(subtree), WorkItem.status == WorkItemStatus.OPEN)
    ).scalar_one()
    if people or work:
        raise Conflict(f"{people} active people and {work} open work items are in the unit",
                       code="unit_in_use", people=people, work=work)
    for below in session.execute(select(OrgUnit).where(
            OrgUnit.path.startswith(unit.path))).scalars():
        below.active = False
    audit.record(session, actor, "unit.deactivate", "org_unit", unit.id, code=unit.code)
    return unit
