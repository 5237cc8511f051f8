"""Routing registrations to licensing departments (双告知分流) and pushing the notices.

A registration (新设) or a change of business scope (变更) is matched against the
latest routing table; each (licence item, department) it needs becomes a
DualNotice with its own `dual_notice` process instance, unless a live notice
for that (entity, item, department) already exists: never push twice. The
department is the unit AREA-SUFFIX of the entity's area, else the city's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from engine import audit, clock, runtime
from engine.calendar import calendar_for
from engine.config import PROJECT_DIR
from engine.db import settings_of
from engine.dual_notice.lights import light_deadlines
from engine.dual_notice.routing_table import LicenceMatch, latest_table
from engine.dual_notice.targets import routing_target
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import (
    DualNotice,
    MarketEntity,
    NoticeState,
    OrgKind,
    OrgUnit,
    RoutingState,
    User,
)
from engine.org.areas import city_code
from engine.paging import Page, page_of
from engine.registry import entity_for_registrar, registrar_filter
from engine.runtime.deploy import deploy_shipped

PROCESS_KEY = "dual_notice"
DIAGRAM = PROJECT_DIR / "bpmn" / "dual_notice.bpmn"
ROUTED_STATES = (RoutingState.AUTO_ROUTED, RoutingState.MANUALLY_ROUTED)


class EntityChange(Protocol):
    """What the registry hands over per imported entity (see engine.registry.EntityChange)."""

    @property
    def entity(self) -> MarketEntity: ...

    @property
    def trigger(self) -> str: ...  # "new" (新设) or "change" (变更)

    @property
    def old_scope(self) -> str | None: ...


@dataclass(frozen=True)
class Push:
    """One notice to push: an item of an entity to a department unit."""

    entity: MarketEntity
    licence_item: str
    licence_item_name: str
    department: OrgUnit
    trigger: str
    routed: str  # "auto" or "manual"
    previous_id: int | None = None


def route_entities(session: Session, actor: audit.Actor, changes: Iterable[EntityChange]
                   ) -> int:
    """Route each entity's scope and push the notices it needs; returns how many were started.

    A new registration gets every (item, department) its scope matches; a
    change only the pairs its old scope did not. Each entity's routing state
    becomes auto_routed, or routing_failed (the AMR pool) when nothing matched.
    """
    changes = list(changes)
    if not changes:
        return 0
    session.flush()  # new entities need their ids
    table = latest_table(session)
    units = DepartmentUnits(session)
    pushes: list[Push] = []
    outcomes: list[tuple[EntityChange, list[LicenceMatch], list[str]]] = []
    for change in changes:
        matches = table.evaluate(change.entity.business_scope)
        if change.trigger == "change":
            before = {(m.licence_item, m.department) for m in table.evaluate(change.old_scope)}
            wanted = [m for m in matches if (m.licence_item, m.department) not in before]
        else:
            wanted = matches
        unresolved = []
        for match in wanted:
            department = units.department(change.entity.area_code, match.department)
            if department is None:
                unresolved.append(match.licence_item)
                continue
            pushes.append(Push(change.entity, match.licence_item, match.licence_item_name,
                               department, change.trigger, "auto"))
        outcomes.append((change, matches, unresolved))
    pushed = push_notices(session, actor, pushes, units)
    _record_outcomes(session, actor, outcomes, pushed, table.version)
    return len(pushed)


def preview_routes(session: Session, records: list[dict[str, Any]]
                   ) -> list[list[tuple[str, str, str | None]]]:
    """Where registrations with these values (area_code, business_scope) would be pushed:
    (licence item code, its name, department name, or None when the area has no such
    department), without writing anything. A dry run of the registry shows it."""
    table, units = latest_table(session), DepartmentUnits(session)
    found = []
    for record in records:
        targets = []
        for match in table.evaluate(record.get("business_scope")):
            unit = units.department(record["area_code"], match.department)
            targets.append((match.licence_item, match.licence_item_name,
                            unit.name if unit else None))
        found.append(targets)
    return found


def _record_outcomes(session: Session, actor: audit.Actor,
                     outcomes: list[tuple[EntityChange, list[LicenceMatch], list[str]]],
                     pushed: list[DualNoticeKey], table_version: int) -> None:
    now = clock.now()
    items_by_entity: dict[int, list[str]] = {}
    for entity_id, item, _department in pushed:
        items_by_entity.setdefault(entity_id, []).append(item)
    events = []
    for change, matches, unresolved in outcomes:
        entity = change.entity
        new_items = items_by_entity.get(entity.id, [])
        before = entity.routing_state
        if new_items or (matches and before not in ROUTED_STATES):
            entity.routing_state = RoutingState.AUTO_ROUTED.value
        elif not matches and before not in ROUTED_STATES:
            entity.routing_state = RoutingState.ROUTING_FAILED.value
        if new_items or entity.routing_state != before:
            entity.routed_at = now
        events.append(("entity.route", "market_entity", entity.id, {
            "trigger": change.trigger, "state": entity.routing_state,
            "matched": [m.licence_item for m in matches], "pushed": new_items,
            "table_version": table_version,
            **({"no_department": unresolved} if unresolved else {})}))
    audit.record_many(session, actor, events)


DualNoticeKey = tuple[int, str, int]  # entity id, licence item, department org id


def push_notices(session: Session, actor: audit.Actor, pushes: Sequence[Push],
                 units: DepartmentUnits | None = None) -> list[DualNoticeKey]:
    """Insert the notices that are not live yet and start one process instance each.

    The insert skips any (entity, item, department) that already has a live
    notice — also one a concurrent transaction just pushed — so a triple is
    never pushed twice. Returns the keys of the notices started.
    """
    units = units or DepartmentUnits(session)
    wanted: dict[DualNoticeKey, Push] = {}
    for push in pushes:
        wanted.setdefault((push.entity.id, push.licence_item, push.department.id), push)
    if not wanted:
        return []
    now = clock.now()
    rows = [dict(entity_id=p.entity.id, licence_item=p.licence_item,
                 licence_item_name=p.licence_item_name, department_org_id=p.department.id,
                 registrar_org_id=getattr(units.registrar(p.entity), "id", None),
                 trigger=p.trigger, routed=p.routed, state=NoticeState.PUSHED, live=True,
                 pushed_at=now, previous_id=p.previous_id) for p in wanted.values()]
    inserted = {(row.entity_id, row.licence_item, row.department_org_id): row.id
                for row in session.execute(_insert_new(session), rows)}
    started = [(key, wanted[key]) for key in wanted if key in inserted]
    if not started:
        return []
    ensure_deployed(session)
    deadlines = _Deadlines(session)
    requests = [runtime.StartRequest(
        data=_case_data(push, units, deadlines), entity_id=push.entity.id,
        business_key=f"{push.entity.uscc}:{push.licence_item}:{push.department.code}"[:200],
        area_code=push.entity.area_code) for _key, push in started]
    instances = runtime.start_processes(session, actor, PROCESS_KEY, requests)
    session.execute(update(DualNotice), [
        {"id": inserted[key], "instance_id": instance.id}
        for (key, _push), instance in zip(started, instances, strict=True)])
    return [key for key, _push in started]


def ensure_deployed(session: Session) -> None:
    """Deploy the shipped diagram when no version of it is deployed yet."""
    deploy_shipped(session, PROCESS_KEY, DIAGRAM)


def _insert_new(session: Session) -> ReturningInsert[int, int, str, int]:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = DualNotice.__table__
    return (dialect.insert(table)
            .on_conflict_do_nothing(index_elements=["entity_id", "licence_item",
                                                    "department_org_id"],
                                    index_where=table.c.live)
            .returning(table.c.id, table.c.entity_id, table.c.licence_item,
                       table.c.department_org_id))


def _case_data(push: Push, units: DepartmentUnits, deadlines: _Deadlines) -> dict[str, object]:
    entity = push.entity
    registrar = units.registrar(entity)
    claim_due, escalate_due = deadlines.of(entity.area_code)
    return {
        "entity_id": entity.id, "uscc": entity.uscc, "entity_name": entity.name,
        "licence_item": push.licence_item, "licence_item_name": push.licence_item_name,
        "department_org": push.department.code,
        "registrar_org": registrar.code if registrar else None,
        "area_code": entity.area_code, "trigger": push.trigger,
        "claim_due": claim_due, "escalate_due": escalate_due,
    }


class _Deadlines:
    """claim_due and escalate_due per area for notices pushed now: the moments the light
    turns yellow and red (ISO, UTC)."""

    def __init__(self, session: Session) -> None:
        self.session, self.settings = session, settings_of(session)
        self.known: dict[str, tuple[str, str]] = {}

    def of(self, area_code: str) -> tuple[str, str]:
        if area_code not in self.known:
            calendar = calendar_for(self.session, self.settings, area_code)
            claim_due, escalate_due = light_deadlines(calendar, calendar.today())
            self.known[area_code] = (claim_due.isoformat(), escalate_due.isoformat())
        return self.known[area_code]


class DepartmentUnits:
    """Department and registrar units by code, loaded once per routing call."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_code = {u.code: u for u in session.execute(
            select(OrgUnit).where(OrgUnit.kind == OrgKind.DEPARTMENT)).scalars()}
        # A registrar unit that is not found is remembered as None.
        self.by_id: dict[int, OrgUnit | None] = {u.id: u for u in self.by_code.values()}
        self.city = city_code(session)

    def department(self, area_code: str, suffix: str) -> OrgUnit | None:
        return self.by_code.get(f"{area_code}-{suffix}") or self.by_code.get(
            f"{self.city}-{suffix}")

    def registrar(self, entity: MarketEntity) -> OrgUnit | None:
        """The unit that registered the entity, else the AMR of its area (or the city's)."""
        if entity.registrar_org_id is not None:
            if entity.registrar_org_id not in self.by_id:
                self.by_id[entity.registrar_org_id] = self.session.get(
                    OrgUnit, entity.registrar_org_id)
            unit = self.by_id[entity.registrar_org_id]
            if unit is not None:
                return unit
        return self.department(entity.area_code, "amr")


def close_without_notice(session: Session, actor: audit.Actor, entity_id: int, reason: str
                         ) -> MarketEntity:
    """Take an entity out of the routing-failed pool as needing no notice (无需告知): its
    business needs no licence. The reason is required and kept in the audit trail."""
    entity = entity_for_registrar(session, actor, entity_id)
    text = " ".join((reason or "").split())
    if len(text) < 2:
        raise InvalidInput("give the reason", fields={"reason": "required"})
    if len(text) > 500:
        raise InvalidInput("the reason is too long", fields={"reason": "too_long"})
    if entity.routing_state != RoutingState.ROUTING_FAILED.value:
        raise Conflict("the entity is not waiting in the routing-failed pool",
                       code="not_in_pool", entity_id=entity.id)
    entity.routing_state, entity.routed_at = RoutingState.NO_NOTICE_NEEDED.value, clock.now()
    audit.record(session, actor, "entity.no_notice", "market_entity", entity.id, reason=text)
    return entity


def route_manually(session: Session, actor: audit.Actor, entity_id: int, licence_item: str,
                   department_org_id: int, licence_item_name: str | None = None
                   ) -> DualNotice:
    """Push one notice by hand (from the routing-failed pool, or to add a missed item)."""
    entity = entity_for_registrar(session, actor, entity_id)
    table = latest_table(session)
    name = licence_item_name or table.licence_items().get(licence_item)
    if not licence_item or not name:
        raise InvalidInput("unknown licence item; give its name",
                           fields={"licence_item": "unknown"})
    department = routing_target(session, entity, licence_item, department_org_id, table=table)
    trigger = "change" if entity.routing_state in ROUTED_STATES else "new"
    keys = push_notices(session, actor, [Push(entity, licence_item, name, department, trigger,
                                              "manual")])
    if not keys:
        raise Conflict("this item is already pushed to that department",
                       code="already_pushed", entity_id=entity_id)
    entity.routing_state = RoutingState.MANUALLY_ROUTED.value
    entity.routed_at = clock.now()
    notice = notice_by_key(session, keys[0])
    audit.record(session, actor, "entity.route_manually", "market_entity", entity.id,
                 notice_id=notice.id, licence_item=licence_item, department=department.code)
    return notice


def notice_by_key(session: Session, key: DualNoticeKey) -> DualNotice:
    entity_id, item, department_id = key
    notice = session.execute(select(DualNotice).where(
        DualNotice.entity_id == entity_id, DualNotice.licence_item == item,
        DualNotice.department_org_id == department_id, DualNotice.live)).scalar()
    if notice is None:
        raise NotFound("no live notice for that item and department", code="no_such_notice")
    return notice


def routing_failed_pool(session: Session, user: User, page: int = 1, per_page: int = 50
                        ) -> Page[MarketEntity]:
    """Entities whose scope matched nothing, waiting for manual routing (AMR pool)."""
    query = select(MarketEntity).where(
        MarketEntity.routing_state == RoutingState.ROUTING_FAILED.value,
        registrar_filter(session, user))
    return page_of(session, query, (MarketEntity.routed_at.desc(), MarketEntity.id.desc()),
                   page, per_page)
