"""Records as departments enter them, for the disclosure tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import disclosure
from engine.models import DisclosureRecord, MarketEntity
from tests.factories import World


def penalty_values(entity: MarketEntity, **overrides: Any) -> dict[str, Any]:
    """A general-procedure fine of 5万元, decided on Monday 2 March 2026."""
    return {"party_uscc": entity.uscc, "party_name": entity.name,
            "decision_number": "隆市监处罚〔2026〕12号", "decision_date": "2026-03-02",
            "legal_representative": "张三", "violation_type": "销售过期食品",
            "facts": "经查，当事人销售超过保质期的食品。",
            "legal_basis": "《食品安全法》第一百二十四条",
            "procedure": "general", "penalty_category": ["fine"], "content": "罚款五万元",
            "fine": "5", "sector": "general", "authority_name": "隆阳区市场监督管理局",
            "authority_uscc": "11530502MB1234567D", **overrides}


def enter(session: Session, world: World, entity: MarketEntity, user: str = "hu",
          category: str = "penalty", **overrides: Any) -> DisclosureRecord:
    actor = world.actor(user)
    department = disclosure.entering_department(session, actor)
    return disclosure.new_record(session, actor, category, penalty_values(entity, **overrides),
                                 department=department)
