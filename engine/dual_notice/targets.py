"""Where a registrar may send a notice by hand: the licensing departments of the entity's area.

Automatic routing only ever pushes an item to the department the routing table names
for it, in the entity's area or else the city's. Manual routing and re-routing take a
department and an item from the registrar; both must satisfy the same rule, checked
here on the server, so a registrar cannot hand an entity (and with it the sight of its
data) to a department of another area, or push an item to a department that does not
license it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dual_notice.routing_table import RoutingTable, latest_table
from engine.errors import InvalidInput
from engine.models import MarketEntity, OrgKind, OrgUnit
from engine.org.areas import city_code

NOT_A_TARGET = "not_a_target"
MAX_ID = 2**31 - 1  # ids are INTEGER columns: larger numbers name no unit


def department_kind(department: OrgUnit, area_code: str, city: str | None) -> str | None:
    """The department's kind (its code's suffix: "530502-health" → "health") when it is
    a department of the area or of the city; None for any other unit."""
    if department.kind != OrgKind.DEPARTMENT:
        return None
    for area in (area_code, city):
        if area and department.area_code == area and department.code.startswith(f"{area}-"):
            return department.code.removeprefix(f"{area}-")
    return None


def routing_targets(session: Session, area_code: str,
                    table: RoutingTable | None = None) -> list[OrgUnit]:
    """The departments an item of an entity of the area may be pushed to by hand: those
    of the area and of the city whose kind licenses an item of the routing table."""
    table = table or latest_table(session)
    kinds = {rule.outcome.department for rule in table.rules}
    city = city_code(session)
    units = session.execute(select(OrgUnit).where(
        OrgUnit.kind == OrgKind.DEPARTMENT,
        OrgUnit.area_code.in_([area for area in (area_code, city) if area]))
        .order_by(OrgUnit.area_code.desc(), OrgUnit.code)).scalars()
    return [unit for unit in units if department_kind(unit, area_code, city) in kinds]


def item_targets(session: Session, area_code: str, licence_item: str) -> list[OrgUnit]:
    """The departments that license the item for an entity of the area (for a hint)."""
    table = latest_table(session)
    licensing = {rule.outcome.department for rule in table.rules
                 if rule.outcome.licence_item == licence_item}
    city = city_code(session)
    return [unit for unit in routing_targets(session, area_code, table)
            if department_kind(unit, area_code, city) in licensing]


def routing_target(session: Session, entity: MarketEntity, licence_item: str,
                   department_org_id: int | None, *, field: str = "department_org_id",
                   table: RoutingTable | None = None) -> OrgUnit:
    """The department to push the entity's licence item to, checked: a department of the
    entity's area (or of the city) that the routing table names for the item.

    Raises InvalidInput with code `not_department` for a unit that is no department at
    all, and `not_a_target` for a department of another area or one that does not
    license the item; the message names neither the other area nor its units.
    """
    known = department_org_id is not None and 0 < department_org_id <= MAX_ID
    department = session.get(OrgUnit, department_org_id) if known else None
    if department is None or department.kind != OrgKind.DEPARTMENT:
        raise InvalidInput("choose a department", fields={field: "not_department"})
    table = table or latest_table(session)
    kind = department_kind(department, entity.area_code, city_code(session))
    licensing = {rule.outcome.department for rule in table.rules
                 if rule.outcome.licence_item == licence_item}
    if kind is None or kind not in licensing:
        raise InvalidInput("that department does not license this item for the entity's area",
                           code="not_a_target", fields={field: NOT_A_TARGET})
    return department
