"""Spot-check fixtures shared by the engine and web tests: items, certified officers with
qualifications, entities in bulk, tasks."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine import spot_check
from engine.models import MarketEntity, Role, SpotCheckTask, User
from engine.org.units import add_user
from engine.spot_check import ItemFields, TaskFields
from tests.factories import PASSWORD, SETUP, World

INSPECTION = date(2026, 3, 16)
DEADLINE = date(2026, 4, 30)
FOOD = "食品"


def add_item(session: Session, code: str = "SC-01", *, qualification: str | None = FOOD,
             key: bool = False, ratio: str = "3") -> int:
    fields = ItemFields(code=code, name=f"{code} 食品经营许可情况检查",
                        sub_items=("许可证公示", "从业人员健康证"), method="实地核查",
                        qualification=qualification, legal_basis="《食品安全法》",
                        target_type="食品经营者", ratio_percent=ratio, frequency="每年一次",
                        key_item=key)
    return spot_check.save_item(session, SETUP, fields, owner_org_id=1).id


def add_officers(session: Session, world: World, count: int, *, unit: str = "530502-amr-st",
                 tags: tuple[str, ...] = (FOOD,), expires: date | None = date(2027, 12, 31),
                 prefix: str = "off") -> list[User]:
    """Certified officers (certificate valid until `expires`) with the qualifications."""
    made = []
    for n in range(count):
        name = f"{prefix}{n:03d}"
        user = add_user(session, SETUP, name, name, PASSWORD, unit, [Role.OFFICER])
        user.certificate_no = f"53050200{n:04d}" if expires else None
        user.certificate_expires = expires
        for tag in tags:
            spot_check.grant_qualification(session, SETUP, user, tag)
        world.users[name] = user
        made.append(user)
    session.flush()
    return made


def add_entities(session: Session, count: int, *, area: str = "530502", risk: str | None = None,
                 industry: str = "F5211", kind: str = "有限责任公司", start: int = 0) -> list[int]:
    """Registered entities in bulk; their ids in order."""
    rows = [{"uscc": f"9153{area[2:]}{risk or 'X'}{start + n:09d}"[:18].ljust(18, "0"),
             "name": f"抽查测试{start + n}", "area_code": area, "risk_class": risk,
             "industry_code": industry, "entity_type": kind, "status": "存续",
             "routing_state": "not_routed"} for n in range(count)]
    session.execute(insert(MarketEntity), rows)
    usccs = [row["uscc"] for row in rows]
    return list(session.execute(select(MarketEntity.id).where(
        MarketEntity.uscc.in_(usccs)).order_by(MarketEntity.id)).scalars())


def make_task(session: Session, world: World, item_ids: list[int], **overrides: Any
              ) -> SpotCheckTask:
    values: dict[str, Any] = {"title": "2026年食品经营者双随机抽查", "item_ids": item_ids,
                              "inspection_date": INSPECTION, "deadline": DEADLINE,
                              "ratio_percent": "3"}
    values.update(overrides)
    return spot_check.create_task(session, world.actor("zhang"), TaskFields(**values))
