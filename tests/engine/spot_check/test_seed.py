"""The demo's spot checks: the item list and the demo officers' qualifications, once."""

from __future__ import annotations

from engine import spot_check
from engine.models import OrgKind, Role
from engine.org.units import add_org_unit, add_user
from engine.seed.spot_checks import seed_spot_checks
from tests.factories import PASSWORD, SETUP


def test_the_demo_has_items_and_qualified_officers(session, world):
    add_org_unit(session, "530500-amr", "保山市市场监管局", OrgKind.DEPARTMENT, "530500",
                 world.units["city"])
    officer = add_user(session, SETUP, "officer_longyang", "陈执法", PASSWORD, "530502-amr",
                       [Role.OFFICER])
    assert seed_spot_checks(session, SETUP) == 3
    assert seed_spot_checks(session, SETUP) == 0
    items = spot_check.list_items(session)
    assert [i.code for i in items] == ["市监抽-001", "市监抽-002", "市监抽-003"]
    assert [i.key_item for i in items] == [False, False, True]
    assert spot_check.qualifications(session, [officer.id]) == {officer.id: ["特种设备", "食品"]}
