"""Risk classes set by the market regulator's administrators of the entity's area, one at a
time or many, all or none; each change audited with before and after."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import spot_check
from engine.errors import Forbidden, InvalidInput
from engine.models import AuditEvent, MarketEntity
from tests.spot_check_world import add_entities


def _uscc(session, entity_id):
    return session.get(MarketEntity, entity_id).uscc


def test_one_class_changed_and_audited_with_before_and_after(session, world):
    [entity_id] = add_entities(session, 1, risk="B")
    uscc = _uscc(session, entity_id)
    change = spot_check.set_risk_class(session, world.actor("zhang"), uscc, "d", "多次投诉")
    assert (change.before, change.after) == ("B", "D")
    assert session.get(MarketEntity, entity_id).risk_class == "D"
    event = session.execute(select(AuditEvent).where(
        AuditEvent.action == "spot_check.risk_class")).scalar_one()
    assert event.summary == {"uscc": uscc, "before": "B", "after": "D", "reason": "多次投诉"}
    assert spot_check.set_risk_class(session, world.actor("zhang"), uscc, "D", "再次") is None
    [latest] = spot_check.risk_changes(session, world.users["zhang"])
    assert (latest.before, latest.after, latest.by) == ("B", "D", "zhang")
    spot_check.set_risk_class(session, world.actor("zhang"), uscc, "", "重新评估")
    assert session.get(MarketEntity, entity_id).risk_class is None


def test_many_at_once_all_or_none_naming_each_line(session, world):
    ids = add_entities(session, 3)
    usccs = [_uscc(session, i) for i in ids]
    [other] = add_entities(session, 1, area="530581", start=50)
    rows = spot_check.parse_risk_file(
        ("统一社会信用代码,风险分类\n" + f"{usccs[0]},A\n{usccs[1]},E\n\n"
         f"91530502MA6K0000XX,B\n{_uscc(session, other)},C\n{usccs[2]},c\n").encode("gb18030"))
    with pytest.raises(InvalidInput) as refused:
        spot_check.set_risk_classes(session, world.actor("zhang"), rows, "年度分类")
    assert refused.value.details["fields"] == {
        "line_3": "not_a_risk_class", "line_5": "unknown_entity", "line_6": "outside_area"}
    assert [session.get(MarketEntity, i).risk_class for i in ids] == [None, None, None]
    good = [rows[0], rows[4]]
    changes = spot_check.set_risk_classes(session, world.actor("zhang"), good, "年度分类")
    assert good[1][2] == 7  # the file's line
    assert [(c.uscc, c.after) for c in changes] == [(usccs[0], "A"), (usccs[2], "C")]
    with pytest.raises(InvalidInput):
        spot_check.set_risk_classes(session, world.actor("zhang"), good, " ")


def test_only_the_market_regulators_administrators(session, world):
    [entity_id] = add_entities(session, 1)
    for name in ("chen", "admin", "wang"):
        with pytest.raises(Forbidden):
            spot_check.set_risk_class(session, world.actor(name), _uscc(session, entity_id),
                                      "C", "理由")
    assert not spot_check.may_set_risk(session, world.users["chen"])
    assert spot_check.may_set_risk(session, world.users["zhang"])
