"""Demo spot checks: three targets of one task of 隆阳区's market regulator, drawn for its
two demo officers, so their inbox shows inspections to prepare (the draw itself is the
spot-check task's; here its result is handed over as the draw would)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, inspection
from engine.models import Inspection, MarketEntity, OrgUnit, User

OFFICERS = ("officer_longyang", "officer_longyang2")
ITEMS = [
    {"code": "SJ-001", "name": "营业执照（登记事项）",
     "sub_items": ["亮照经营", "登记事项与实际一致"]},
    {"code": "SJ-002", "name": "年度报告公示", "sub_items": ["按时报送年度报告", "公示信息真实"]},
    {"code": "SJ-003", "name": "食品经营许可", "sub_items": []},
]


def seed_inspections(session: Session, actor: audit.Actor, entities: list[MarketEntity],
                     today: date) -> int:
    """Up to three inspections, once (nothing when any inspection exists, or without the
    demo officers and their unit: a practice copy of another organisation)."""
    if session.execute(select(func.count(Inspection.id))).scalar_one():
        return 0
    officers = [session.execute(select(User.id).where(User.username == name)).scalar()
                for name in OFFICERS]
    unit = session.execute(select(OrgUnit.id).where(OrgUnit.code == "530502-amr")).scalar()
    if unit is None or None in officers:
        return 0
    targets = [{"task_id": 1, "task_number": f"隆市监抽查〔{today.year}〕1号",
                "entity_id": entity.id, "officer_ids": officers, "unit_id": unit,
                "items": ITEMS, "inspection_date": today, "deadline": today + timedelta(days=21)}
               for entity in entities if entity.area_code == "530502"][:3]
    return inspection.start_inspections(session, actor, targets)
