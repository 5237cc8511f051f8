"""Factories shared by every test: a small org tree, users, deployed diagrams, cases, and for
the dual notice Baoshan's member departments, the diagram and registered entities."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.calendar import seed_from_chinese_calendar
from engine.config import PROJECT_DIR
from engine.models import (
    DualNotice,
    MarketEntity,
    OrgKind,
    OrgUnit,
    ProcessInstance,
    Role,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.org.units import add_org_unit, add_user, org_by_code
from engine.registry.uscc import generate
from engine.runtime import start_process
from engine.runtime.deploy import deploy_paths
from engine.seed.baoshan import DEPARTMENTS

SETUP = audit.Actor("test:setup", "test")
SAMPLE = PROJECT_DIR / "bpmn" / "sample_review.bpmn"
PASSWORD = "secret-pass-1"


@dataclass
class World:
    units: dict[str, OrgUnit]
    users: dict[str, User]

    def actor(self, username: str) -> audit.Actor:
        return audit.Actor(username, "test", self.users[username].id)


def make_world(session: Session, *, calendar: bool = True) -> World:
    """Baoshan's five counties; two of them with their offices, departments and people."""
    u: dict[str, OrgUnit] = {}
    u["city"] = add_org_unit(session, "530500", "保山市", OrgKind.CITY, "530500")
    u["city-jmo"] = add_org_unit(session, "530500-jmo", "保山市联席办", OrgKind.JOINT_OFFICE,
                                 "530500", u["city"])
    for code, name in (("530521", "施甸县"), ("530523", "龙陵县"), ("530524", "昌宁县")):
        u[code] = add_org_unit(session, code, name, OrgKind.COUNTY, code, u["city"])
    for code, name in (("530502", "隆阳区"), ("530581", "腾冲市")):
        county = u[code] = add_org_unit(session, code, name, OrgKind.COUNTY, code, u["city"])
        u[f"{code}-jmo"] = add_org_unit(session, f"{code}-jmo", f"{name}联席办",
                                        OrgKind.JOINT_OFFICE, code, county)
        amr = u[f"{code}-amr"] = add_org_unit(session, f"{code}-amr", f"{name}市场监管局",
                                              OrgKind.DEPARTMENT, code, county)
        u[f"{code}-amr-reg"] = add_org_unit(session, f"{code}-amr-reg", "登记注册科",
                                            OrgKind.SECTION, code, amr)
        u[f"{code}-amr-st"] = add_org_unit(session, f"{code}-amr-st", "市场监管所",
                                           OrgKind.STATION, code, amr)
    people = {
        "chen": ("530502-amr", [Role.OFFICER]),
        "yang": ("530502-amr", [Role.OFFICER]),
        "zhang": ("530502-amr", [Role.DEPT_ADMIN]),
        "zhou": ("530502-amr-reg", [Role.OFFICER]),
        "sun": ("530502-amr-st", [Role.OFFICER]),
        "wang": ("530502-jmo", [Role.SUPERVISOR]),
        "liu": ("530581-amr", [Role.OFFICER]),
        "zhao": ("530581-jmo", [Role.SUPERVISOR]),
        "admin": ("530500", [Role.SYSADMIN]),
    }
    users = {name: add_user(session, SETUP, name, name, PASSWORD, org, roles)
             for name, (org, roles) in people.items()}
    if calendar:
        seed_from_chinese_calendar(session, SETUP)
    deploy_paths(session, SETUP, [SAMPLE])
    session.flush()
    return World(u, users)


def case_data(area: str = "530502", **extra: Any) -> dict[str, Any]:
    return {"department_org": f"{area}-amr", "registrar_org": f"{area}-amr-reg",
            "area_code": area, **extra}


def start_sample(session: Session, area: str = "530502", **extra: Any) -> ProcessInstance:
    return start_process(session, SETUP, "sample_review", data=case_data(area, **extra),
                         area_code=area, business_key=extra.get("business_key"))


def sample_files() -> list[tuple[str, bytes]]:
    return [(SAMPLE.name, SAMPLE.read_bytes())]


# --- the dual notice -------------------------------------------------------------------

CST = ZoneInfo("Asia/Shanghai")
DIAGRAM = PROJECT_DIR / "bpmn" / "dual_notice.bpmn"
# Monday 2 March 2026, 09:00 in Baoshan.
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=CST)

# Departments of 腾冲市 (530581) beyond its AMR: the rest fall back to the city's.
TENGCHONG_DEPARTMENTS = ("psb",)
NOTICE_PEOPLE = {
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
    for name, (org, roles) in NOTICE_PEOPLE.items():
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
