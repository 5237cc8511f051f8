"""Demo enterprise information: records of 隆阳区's market regulator in each state a
department meets (published, waiting for review, returned, recorded only, a draft)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, disclosure
from engine.models import DisclosureRecord, MarketEntity, User

OFFICER, ADMIN = "officer_longyang", "amr_admin_longyang"
AUTHORITY = ("隆阳区市场监督管理局", "11530502MB0000001Q")


def seed_records(session: Session, entities: list[MarketEntity], today: date) -> int:
    """Five records, once (nothing when any record exists, or without the demo officers)."""
    if session.execute(select(func.count(DisclosureRecord.id))).scalar_one():
        return 0
    if session.execute(select(func.count(User.id)).where(
            User.username.in_((OFFICER, ADMIN)))).scalar_one() < 2:
        return 0
    officer, admin = (_actor(session, name) for name in (OFFICER, ADMIN))
    department = disclosure.entering_department(session, officer)
    longyang = [e for e in entities if e.area_code == "530502"]
    plans: list[tuple[str, dict[str, Any]]] = [
        ("publish", {"fine": "2", "facts": "经查，当事人销售超过保质期的食品。"}),
        ("publish", {"penalty_category": ["criticism"], "fine": None,
                     "facts": "经查，当事人未按规定公示年度报告。"}),
        ("review", {"fine": "0.5", "facts": "经查，当事人未明码标价。"}),
        ("return", {"fine": "1", "facts": "经查，当事人销售不合格农药。"}),
        ("record", {"penalty_category": ["warning"], "fine": None,
                    "facts": "经查，当事人未亮照经营。"}),
    ]
    for number, (plan, overrides) in enumerate(plans, start=1):
        entity = longyang[number % len(longyang)]
        values = _penalty(entity, today - timedelta(days=3 * number), number, overrides)
        record = disclosure.new_record(session, officer, "penalty", values,
                                       department=department)
        disclosure.submit(session, officer, record.id)
        if plan in ("publish", "record"):
            disclosure.review(session, admin, record.id, "approve")
        elif plan == "return":
            disclosure.review(session, admin, record.id, "return", "请补充处罚依据的具体条款")
    return len(plans)


def _penalty(entity: MarketEntity, decided: date, number: int, overrides: dict[str, Any]
             ) -> dict[str, Any]:
    values = {
        "party_uscc": entity.uscc, "party_name": entity.name,
        "decision_number": f"隆市监处罚〔{decided.year}〕{number}号",
        "decision_date": decided.isoformat(), "legal_representative": entity.legal_representative
        or "—", "violation_type": "违反市场监管法规", "legal_basis": "《中华人民共和国行政处罚法》",
        "procedure": "general", "penalty_category": ["fine"], "content": "依法予以处罚",
        "sector": "general", "authority_name": AUTHORITY[0], "authority_uscc": AUTHORITY[1]}
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def _actor(session: Session, username: str) -> audit.Actor:
    user = session.execute(select(User).where(User.username == username)).scalar_one()
    return audit.Actor(username, "seed", user.id)
