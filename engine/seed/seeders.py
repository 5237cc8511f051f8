"""Seed data: the Baoshan organisation, and a demo with users, entities and cases."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, clock, credit_check, disclosure
from engine.config import PROJECT_DIR
from engine.dual_notice.routing import route_entities
from engine.models import MarketEntity, OrgKind, OrgUnit, ProcessInstance, Role, RoutingState
from engine.org.units import add_org_unit, add_user
from engine.registry import EntityChange, registrar_units
from engine.registry.uscc import generate
from engine.runtime import start_process
from engine.runtime.deploy import deploy_paths
from engine.seed.baoshan import (
    AMR_SECTIONS,
    CITY,
    COUNTIES,
    DEPARTMENTS,
    PARKS,
    PROVINCE,
    PROVINCE_AMR,
    STATIONS,
    department_name,
)
from engine.seed.inspections import seed_inspections
from engine.seed.lists import seed_lists
from engine.seed.records import seed_records
from engine.seed.spot_checks import seed_spot_checks
from engine.seed.unlicensed import seed_unlicensed

DEMO_PASSWORD = "Demo@2026"


def seed_baoshan(session: Session, actor: audit.Actor) -> int:
    """Create (or refresh) the whole Baoshan tree, and the province's market regulator
    (a tree of its own: the level above the city); returns the number of units."""
    province = add_org_unit(session, PROVINCE[0], PROVINCE[1], OrgKind.PROVINCE, PROVINCE[0])
    add_org_unit(session, PROVINCE_AMR[0], PROVINCE_AMR[1], OrgKind.DEPARTMENT, PROVINCE[0],
                 province)
    city_code, city_name = CITY
    city = add_org_unit(session, city_code, city_name, OrgKind.CITY, city_code)
    _area_units(session, city, city_name, city_code, is_city=True)
    for code, name in COUNTIES:
        county = add_org_unit(session, code, name, OrgKind.COUNTY, code, city)
        _area_units(session, county, name, code, is_city=False)
        amr = session.execute(select(OrgUnit).where(OrgUnit.code == f"{code}-amr")).scalar_one()
        for town in STATIONS.get(code, []):
            add_org_unit(session, f"{code}-amr-st-{_slug(town)}", f"{town}市场监管所",
                         OrgKind.STATION, code, amr)
    for code, name, area in PARKS:
        county = session.execute(select(OrgUnit).where(OrgUnit.code == area)).scalar_one()
        add_org_unit(session, code, name, OrgKind.PARK, area, county)
    count = session.execute(select(func.count(OrgUnit.id))).scalar_one()
    audit.record(session, actor, "org.seed", "org_unit", "baoshan", units=count)
    credit_check.seed_catalogue(session, actor)  # the memoranda's measures, once
    disclosure.deploy_record_forms(session)  # the records' forms, read from the store
    return count


def _area_units(session: Session, area: OrgUnit, area_name: str, code: str,
                is_city: bool) -> None:
    add_org_unit(session, f"{code}-jmo", f"{area_name}社会信用体系建设联席会议办公室",
                 OrgKind.JOINT_OFFICE, code, area)
    for suffix, name in DEPARTMENTS:
        dept = add_org_unit(session, f"{code}-{suffix}",
                            department_name(area_name, suffix, name, is_city),
                            OrgKind.DEPARTMENT, code, area)
        if suffix == "amr":
            for sec_suffix, sec_name in AMR_SECTIONS:
                add_org_unit(session, f"{code}-amr-{sec_suffix}", sec_name, OrgKind.SECTION,
                             code, dept)


def _slug(town: str) -> str:
    return str(sum(ord(c) for c in town) % 100000)


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    org_code: str
    roles: tuple[Role, ...]
    certified: bool = False


DEMO_USERS = [
    DemoUser("admin", "系统管理员", "530500", (Role.SYSADMIN,)),
    DemoUser("auditor", "审计员", "530500", (Role.AUDITOR,)),
    DemoUser("jmo_city", "市联席办 李督办", "530500-jmo", (Role.SUPERVISOR,)),
    DemoUser("jmo_longyang", "隆阳区联席办 王督办", "530502-jmo", (Role.SUPERVISOR,)),
    DemoUser("jmo_tengchong", "腾冲市联席办 赵督办", "530581-jmo", (Role.SUPERVISOR,)),
    DemoUser("amr_admin_longyang", "隆阳区市场监管局 张科长", "530502-amr", (Role.DEPT_ADMIN,)),
    DemoUser("amr_admin_city", "保山市市场监管局 高处长", "530500-amr", (Role.DEPT_ADMIN,)),
    DemoUser("amr_admin_province", "云南省市场监管局 罗处长", "530000-amr", (Role.DEPT_ADMIN,)),
    DemoUser("officer_longyang", "隆阳区市场监管局 陈执法", "530502-amr", (Role.OFFICER,), True),
    DemoUser("officer_longyang2", "隆阳区市场监管局 杨执法", "530502-amr", (Role.OFFICER,), True),
    DemoUser("reg_longyang", "隆阳区登记注册科 周登记", "530502-amr-reg", (Role.OFFICER,)),
    DemoUser("officer_tengchong", "腾冲市市场监管局 刘执法", "530581-amr", (Role.OFFICER,), True),
    DemoUser("culture_admin_tengchong", "腾冲市文化和旅游局 段科长", "530581-culture",
             (Role.DEPT_ADMIN,)),
    DemoUser("culture_tengchong", "腾冲市文化和旅游局 尹执法", "530581-culture",
             (Role.OFFICER,), True),
]

DEMO_ENTITIES = [
    ("保山市永昌餐饮管理有限公司", "有限责任公司", "530502", "餐饮服务；食品销售"),
    ("隆阳区兰城百货商行", "个体工商户", "530502", "日用百货零售；烟草制品零售"),
    ("保山金鸡农资有限公司", "有限责任公司", "530502", "农药零售；化肥销售；种子经营"),
    ("保山顺达道路运输有限公司", "有限责任公司", "530502", "道路普通货物运输；仓储服务"),
    ("腾冲和顺客栈", "个体工商户", "530581", "住宿服务；餐饮服务"),
    ("腾冲极边旅行社有限公司", "有限责任公司", "530581", "旅行社服务网点旅游招徕、咨询服务"),
    ("腾冲火山网吧", "个体工商户", "530581", "互联网上网服务"),
    ("施甸县甸阳大药房", "个人独资企业", "530521", "药品零售；医疗器械经营"),
    ("龙陵县龙山建筑工程有限公司", "有限责任公司", "530523", "房屋建筑工程施工；劳务分包"),
    ("昌宁县田园茶叶专业合作社", "农民专业合作社", "530524", "茶叶种植、加工、销售"),
]


def seed_demo(session: Session, actor: audit.Actor, cases: int = 12, *, users: bool = True
              ) -> list[DemoUser]:
    """Demo users for every role (unless `users` is false: the practice copy has the real
    ones), sample entities with their dual notices, the sample diagram and open cases,
    records, inspections and unlicensed-operation cases."""
    today = clock.local_today()
    present = set(session.execute(select(OrgUnit.code)).scalars())
    for demo in DEMO_USERS if users else ():
        if demo.org_code not in present:  # a tree without that unit (an older seed)
            continue
        number = f"53{zlib.crc32(demo.username.encode()) % 10**8:08d}"
        add_user(session, actor, demo.username, demo.display_name, DEMO_PASSWORD, demo.org_code,
                 list(demo.roles), certificate_no=number if demo.certified else None,
                 certificate_expires=today + timedelta(days=700) if demo.certified else None)
    rng = random.Random(530500)
    regulated = set(session.execute(select(OrgUnit.area_code).where(
        OrgUnit.code.endswith("-amr"))).scalars())  # areas with a market regulator
    entities = [_entity(session, rng, *row, today) for row in DEMO_ENTITIES
                if row[2] in regulated]
    deploy_paths(session, actor, [PROJECT_DIR / "bpmn" / "sample_review.bpmn"])
    already = session.execute(select(func.count(ProcessInstance.id))).scalar_one()
    for i in range(max(0, cases - already)):
        entity = entities[i % len(entities)]
        start_process(session, actor, "sample_review", business_key=f"DEMO-{i + 1:03d}",
                      entity_id=entity.id, area_code=entity.area_code,
                      data={"department_org": f"{entity.area_code}-amr",
                            "registrar_org": f"{entity.area_code}-amr-reg",
                            "area_code": entity.area_code, "entity_name": entity.name})
    _route_new(session, actor, entities)
    seed_records(session, entities, today)
    seed_lists(session, entities, today)
    seed_inspections(session, actor, entities, today)
    seed_spot_checks(session, actor)
    seed_unlicensed(session, actor, entities)
    return DEMO_USERS


def _route_new(session: Session, actor: audit.Actor, entities: list[MarketEntity]) -> int:
    """Push the dual notices of the demo registrations, as an import would."""
    registrars = registrar_units(session)
    fresh = [e for e in entities if e.routing_state == RoutingState.NOT_ROUTED]
    for entity in fresh:
        entity.registrar_org_id = registrars.get(entity.area_code)
    return route_entities(session, actor, [EntityChange(e, "new") for e in fresh])


def _entity(session: Session, rng: random.Random, name: str, kind: str, area: str,
            scope: str, today: date) -> MarketEntity:
    existing = session.execute(select(MarketEntity).where(MarketEntity.name == name)).scalar()
    if existing is not None:
        return existing
    prefix = "92" if kind == "个体工商户" else "93" if "合作社" in kind else "91"
    entity = MarketEntity(
        uscc=generate(rng, area, prefix), name=name, entity_type=kind,
        legal_representative=rng.choice(["张伟", "李娜", "王芳", "杨勇", "段丽"]),
        phone=f"138{rng.randrange(10**8):08d}", established_on=today - timedelta(days=30),
        approved_on=today - timedelta(days=30),
        address=f"云南省保山市{name[:3]}某路{rng.randrange(1, 300)}号",
        area_code=area, business_scope=scope, registration_authority="保山市市场监督管理局",
        status="存续", created_at=clock.now(), updated_at=clock.now(),
    )
    session.add(entity)
    session.flush()
    return entity
