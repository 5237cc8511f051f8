"""Factories for engine tests: a small org tree, users, deployed diagrams, cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine import audit
from engine.calendar import seed_from_chinese_calendar
from engine.config import PROJECT_DIR
from engine.models import OrgKind, OrgUnit, ProcessInstance, Role, User
from engine.org.units import add_org_unit, add_user
from engine.runtime import start_process
from engine.runtime.deploy import deploy_paths

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

