"""Manual routing and re-routing stay in the entity's area and follow the routing table."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import audit
from engine.dual_notice.notices import notice_reroute, notice_return
from engine.dual_notice.routing import route_entities, route_manually
from engine.dual_notice.targets import routing_targets
from engine.errors import InvalidInput
from engine.models import DualNotice
from tests.factories import Change, make_entity, notices_of

IMPORT = audit.Actor("test:import", "test")


def refused_code(call) -> str:
    with pytest.raises(InvalidInput) as refused:
        call()
    return refused.value.code


def test_manual_routing_refuses_another_areas_department(session, world, traveller):
    tea = make_entity(session, "茶叶种植、销售")  # 隆阳区: matches no rule
    route_entities(session, IMPORT, [Change(tea)])
    tengchong_police = world.units["530581-psb"]
    code = refused_code(lambda: route_manually(
        session, world.actor("zhou"), tea.id, "PS-SEAL", tengchong_police.id))
    assert code == "not_a_target"
    assert session.scalar(select(func.count()).select_from(DualNotice)) == 0


def test_manual_routing_refuses_a_department_that_does_not_license_the_item(
        session, world, traveller):
    tea = make_entity(session, "茶叶种植、销售")
    route_entities(session, IMPORT, [Change(tea)])
    code = refused_code(lambda: route_manually(
        session, world.actor("zhou"), tea.id, "PS-SEAL", world.units["530502-health"].id))
    assert code == "not_a_target"
    notice = route_manually(session, world.actor("zhou"), tea.id, "PS-SEAL",
                            world.units["530502-psb"].id)
    assert notice.department_org_id == world.units["530502-psb"].id


def test_the_citys_department_of_the_items_kind_is_a_target(session, world, traveller):
    tea = make_entity(session, "茶叶种植、销售")
    route_entities(session, IMPORT, [Change(tea)])
    notice = route_manually(session, world.actor("zhou"), tea.id, "HE-PUBLIC-PLACE",
                            world.units["530500-health"].id)
    assert notice.department_org_id == world.units["530500-health"].id


def test_rerouting_refuses_another_areas_department(session, world, traveller):
    entity = make_entity(session, "印章刻制")
    route_entities(session, IMPORT, [Change(entity)])
    (notice,) = notices_of(session, entity)
    notice_return(session, world.actor("hu"), notice.id, 2, "住所不在本辖区")
    code = refused_code(lambda: notice_reroute(
        session, world.actor("zhou"), notice.id, world.units["530581-psb"].id))
    assert code == "not_a_target"
    assert [n.department_org_id for n in notices_of(session, entity)] == [
        world.units["530502-psb"].id]


def test_routing_targets_are_the_areas_and_the_citys_licensing_departments(
        session, world, traveller):
    codes = {unit.code for unit in routing_targets(session, "530502")}
    assert "530502-psb" in codes and "530500-psb" in codes and "530502-health" in codes
    assert not any(code.startswith("530581") for code in codes)
    assert "530502-amr-reg" not in codes
