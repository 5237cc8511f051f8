"""Where work may be handed: the department holding an item, its units and the people whose
roles can work it, grouped by unit and labelled with the area (county) it lies in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import BindParameter, bindparam, or_, select
from sqlalchemy.orm import Session

from engine.models import OrgKind, OrgUnit, User, UserRole, WorkItem
from engine.org import scope

# In the order a list shows them: the department (or office), its sections, its stations.
ASSIGNABLE_KINDS = (OrgKind.DEPARTMENT, OrgKind.JOINT_OFFICE, OrgKind.SECTION, OrgKind.STATION)
AREA_KINDS = (OrgKind.CITY, OrgKind.COUNTY, OrgKind.PARK)
MAX_TARGETS = 300


class Unit(NamedTuple):
    """An org unit as lists need it (read as plain rows: lists hold many)."""

    id: int
    name: str
    kind: OrgKind
    path: str
    area_code: str


class Placement(NamedTuple):
    """A unit, the department (or joint-meeting office) it belongs to, and its area."""

    unit: Unit
    department: Unit
    area: Unit


class Person(NamedTuple):
    id: int
    name: str


@dataclass(frozen=True)
class TargetGroup:
    """One unit of the department and those of its people who may take the item: an
    optgroup labelled with the area and the unit ("隆阳区 · 登记注册科")."""

    area_name: str
    unit: Unit
    people: list[Person]


def placements(session: Session, unit_ids: set[int]) -> dict[int, Placement]:
    """For each unit: itself, its department (or office) and its area. Two queries."""
    columns = (OrgUnit.id, OrgUnit.name, OrgUnit.kind, OrgUnit.path, OrgUnit.area_code)
    units = [Unit(*row) for row in session.execute(
        select(*columns).where(OrgUnit.id.in_(_ids(unit_ids))))] if unit_ids else []
    chains = {u.id: [int(p) for p in u.path.strip("/").split("/") if p] for u in units}
    wanted = {i for chain in chains.values() for i in chain}
    ancestors = {row[0]: Unit(*row) for row in session.execute(
        select(*columns).where(OrgUnit.id.in_(_ids(wanted))))} if wanted else {}
    found = {}
    for unit in units:
        line = [ancestors[i] for i in chains[unit.id] if i in ancestors] or [unit]
        head = next((u for u in reversed(line) if u.kind in scope.HEAD_KINDS), line[-1])
        area = next((u for u in reversed(line) if u.kind in AREA_KINDS), line[0])
        found[unit.id] = Placement(unit, head, area)
    return found


def _ids(ids: set[int]) -> BindParameter[list[int]]:
    """A list of ids written into the statement: a city's hundreds of units as bound
    parameters cost PostgreSQL more to plan than to read."""
    return bindparam("ids", sorted(ids), expanding=True, literal_execute=True)


def reassign_choices(session: Session, user: User, items: Sequence[WorkItem],
                     placed: dict[int, Placement] | None = None
                     ) -> dict[int, list[TargetGroup]]:
    """For each item, where it may go: the units of the department (or office) holding it,
    each with its people whose roles can work the item, within the user's scope.

    Three or four queries for any number of items; a department's choices are built once per lane
    role and shared by its items. The runtime refuses anything else (`outside_department`,
    `cannot_work_task`).
    """
    if placed is None:  # a list that placed its items already passes them
        placed = placements(session, {i.candidate_org_id for i in items if i.candidate_org_id})
    if not placed:
        return {}
    paths = {p.department.path for p in placed.values()}
    roots = scope.scope_roots(session, user)
    where = [or_(*(OrgUnit.path.startswith(p) for p in paths))]
    if roots is not None:
        where.append(or_(*(OrgUnit.path.startswith(r) for r in roots)))
    units = [Unit(*row) for row in session.execute(
        select(OrgUnit.id, OrgUnit.name, OrgUnit.kind, OrgUnit.path, OrgUnit.area_code)
        .where(*where, OrgUnit.kind.in_(ASSIGNABLE_KINDS)).order_by(OrgUnit.id))]
    units.sort(key=lambda u: (u.path.count("/"), ASSIGNABLE_KINDS.index(u.kind), u.id))
    people: dict[int, list[tuple[Person, set[str]]]] = {}
    roles: dict[int, set[str]] = {}
    for user_id, name, unit_id, role in session.execute(
            select(User.id, User.display_name, User.org_unit_id, UserRole.role)
            .join(OrgUnit, OrgUnit.id == User.org_unit_id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(*where, User.active).order_by(User.display_name, User.id)):
        if user_id not in roles:
            roles[user_id] = set()
            people.setdefault(unit_id, []).append((Person(user_id, name), roles[user_id]))
        roles[user_id].add(str(role))
    area_names = _area_names(session, {u.area_code for u in units})
    built: dict[tuple[int, str | None], list[TargetGroup]] = {}
    found = {}
    for item in items:
        if item.candidate_org_id not in placed:
            continue
        department = placed[item.candidate_org_id].department
        key = (department.id, item.candidate_role)
        if key not in built:
            allowed = {str(r) for r in scope.SATISFIES.get(
                item.candidate_role or "officer", frozenset())}
            built[key] = [TargetGroup(
                area_names.get(unit.area_code, unit.area_code), unit,
                [person for person, held in people.get(unit.id, []) if held & allowed]
                [:MAX_TARGETS]) for unit in units if unit.path.startswith(department.path)]
        found[item.id] = built[key]
    return found


def _area_names(session: Session, codes: set[str]) -> dict[str, str]:
    """The name of each area code (its city, county or park unit)."""
    return dict(session.execute(select(OrgUnit.area_code, OrgUnit.name).where(
        OrgUnit.area_code.in_(codes), OrgUnit.kind.in_(AREA_KINDS[:2]))).all()) if codes else {}
