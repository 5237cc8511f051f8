"""Factories for dual-notice tests: Baoshan's member departments, the diagram, entities."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.config import PROJECT_DIR
from engine.models import DualNotice, MarketEntity, OrgKind, Role, WorkItem, WorkItemStatus
from engine.org.units import add_org_unit, add_user, org_by_code
from engine.registry.uscc import generate
from engine.runtime.deploy import deploy_paths
from engine.seed.baoshan import DEPARTMENTS
from tests.factories import PASSWORD, SETUP, World, make_world

CST = ZoneInfo("Asia/Shanghai")
DIAGRAM = PROJECT_DIR / "bpmn" / "dual_notice.bpmn"
# Monday 2 March 2026, 09:00 in Baoshan.
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=CST)

# Departments of 腾冲市 (530581) beyond its AMR: the rest fall back to the city's.
TENGCHONG_DEPARTMENTS = ("psb",)
PEOPLE = {
    "hu": ("530502-psb", [Role.OFFICER]),
    "ma": ("530502-psb", [Role.OFFICER]),
    "luo": ("530502-psb", [Role.DEPT_ADMIN]),
    "tian": ("530502-psb-st", [Role.OFFICER]),
    "qian": ("530502-health", [Role.OFFICER]),
    "wu": ("530502-tobacco", [Role.OFFICER]),
}


@dataclass(frozen=True)
class Change:
    """What the registry hands to routing (engine.registry.EntityChange)."""

    entity: MarketEntity
    trigger: str = "new"
    old_scope: str | None = None


def make_notice_world(session: Session) -> World:
    """make_world plus every member department of 隆阳区 and of the city, a police
    station, their people, and the dual-notice diagram."""
    world = make_world(session)
    units = world.units
    for suffix, name in DEPARTMENTS:
        for area, parent in (("530502", units["530502"]), ("530500", units["city"])):
            code = f"{area}-{suffix}"
            if code not in units:
                units[code] = add_org_unit(session, code, f"{parent.name}{name}",
                                           OrgKind.DEPARTMENT, area, parent)
        if suffix in TENGCHONG_DEPARTMENTS:
            units[f"530581-{suffix}"] = add_org_unit(session, f"530581-{suffix}", f"腾冲市{name}",
                                                     OrgKind.DEPARTMENT, "530581",
                                                     units["530581"])
    units["530502-psb-st"] = add_org_unit(session, "530502-psb-st", "永昌派出所",
                                          OrgKind.STATION, "530502", units["530502-psb"])
    for name, (org, roles) in PEOPLE.items():
        world.users[name] = add_user(session, SETUP, name, name, PASSWORD, org, roles)
    deploy_paths(session, SETUP, [DIAGRAM])
    session.flush()
    return world


_RNG = random.Random(530502)


def make_entity(session: Session, scope: str = "餐饮服务", area: str = "530502",
                registrar: str | None = "530502-amr-reg", **overrides: Any) -> MarketEntity:
    """A registered entity of `area` with a valid USCC, registered by `registrar`."""
    registrar_id = org_by_code(session, registrar).id if registrar else None
    entity = MarketEntity(**{
        "uscc": generate(_RNG, area), "name": f"测试商户{_RNG.randrange(10**6):06d}",
        "entity_type": "有限责任公司", "legal_representative": "张三", "phone": "13800000000",
        "address": "保山市隆阳区永昌路1号", "area_code": area, "business_scope": scope,
        "registrar_org_id": registrar_id, "routing_state": "not_routed", **overrides})
    session.add(entity)
    session.flush()
    return entity


def notices_of(session: Session, entity: MarketEntity) -> list[DualNotice]:
    return list(session.execute(select(DualNotice).where(DualNotice.entity_id == entity.id)
                                .order_by(DualNotice.id)).scalars())


def open_items(session: Session, notice: DualNotice) -> list[WorkItem]:
    return list(session.execute(select(WorkItem).where(
        WorkItem.instance_id == notice.instance_id, WorkItem.status == WorkItemStatus.OPEN)
        .order_by(WorkItem.id)).scalars())
