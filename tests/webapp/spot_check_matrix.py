"""Spot checks for the authorization matrix: a plan, an undrawn task and a drawn one of
隆阳区's market regulator (zhang administers it), made afresh for each visit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import spot_check
from engine.models import MarketEntity, PlanState, SpotCheckItem, SpotCheckPlan, User
from tests.factories import World
from tests.spot_check_world import add_entities, add_item, add_officers, make_task


def arrange_spot_check(session: Session, world: World) -> dict[str, Any]:
    item = session.execute(select(SpotCheckItem.id).where(
        SpotCheckItem.code == "矩阵-01")).scalar()
    if item is None:
        item = add_item(session, "矩阵-01")
        add_entities(session, 20, start=900_000)
        add_officers(session, world, 3, prefix="mx")
        spot_check.create_plan(session, world.actor("zhang"), 2026, "2026年度抽查计划")
    plan = session.execute(select(SpotCheckPlan)).scalars().first()
    assert plan is not None
    plan.state = PlanState.DRAFT
    undrawn = make_task(session, world, [item], ratio_percent="10")
    drawn = make_task(session, world, [item], ratio_percent="10", yearly_cap=20)
    draw = spot_check.draw_task(session, world.actor("zhang"), drawn.id)
    entity, team = draw.result["targets"][0]
    assert session.get(MarketEntity, entity) is not None and session.get(User, team[0])
    return {"sc_plan": plan.id, "sc_task": undrawn.id, "sc_draw": draw.id,
            "sc_entity": entity, "sc_officer": team[0]}
