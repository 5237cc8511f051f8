"""Special pools: built from the department's supervision directory, by filters, or from
a list of codes; an unknown code is named."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import clock, spot_check
from engine.errors import InvalidInput
from engine.models import MarketEntity, SpecialPoolMember, SupervisionEntry
from tests.spot_check_world import add_entities


def members(session, pool) -> list[int]:
    return sorted(session.execute(select(SpecialPoolMember.entity_id).where(
        SpecialPoolMember.pool_id == pool.id)).scalars())


def test_pools_from_the_directory_from_filters_and_from_codes(session, world, traveller):
    zhang = world.actor("zhang")
    plain = add_entities(session, 10)
    risky = add_entities(session, 5, risk="D", industry="H6210")
    tengchong = add_entities(session, 3, area="530581", risk="D", industry="H6210")
    for entity_id in plain[:4]:
        session.add(SupervisionEntry(department_org_id=world.units["530502-amr"].id,
                                     entity_id=entity_id, joined_at=clock.now(), active=True))
    directory = spot_check.make_pool(session, zhang, "食品经营监管对象", "supervision_directory")
    assert members(session, directory) == plain[:4]
    filtered = spot_check.make_pool(session, zhang, "高风险餐饮", "filters",
                                    filters={"risks": ["D"], "industries": ["H62"]})
    assert members(session, filtered) == risky  # not 腾冲's: outside the area
    assert not set(members(session, filtered)) & set(tengchong)
    codes = session.execute(select(MarketEntity.uscc).where(
        MarketEntity.id.in_(plain[5:7]))).scalars().all()
    uploaded = spot_check.make_pool(session, zhang, "投诉举报对象", "upload",
                                    codes=[c.lower() for c in codes])
    assert members(session, uploaded) == plain[5:7]
    with pytest.raises(InvalidInput) as refused:
        spot_check.make_pool(session, zhang, "错误", "upload", codes=["91530502MA6K0000XX"])
    assert refused.value.details["unknown"] == ["91530502MA6K0000XX"]
