"""Feedback of the implementing departments and the figures: triggered versus fed back."""

from __future__ import annotations

from datetime import date

import pytest

from engine import credit_check
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import ListType
from tests.engine.credit_check.entries import list_entry
from tests.factories import make_entity

pytestmark = pytest.mark.both_backends


@pytest.fixture
def triggered(session, world, traveller):
    """chen (隆阳区市场监管局) checked two listed entities and one clean one for a licence."""
    credit_check.seed_catalogue(session, world.actor("admin"))
    listed = [make_entity(session) for _ in range(2)]
    for entity in listed:
        list_entry(session, entity, ListType.SERIOUS)
    clean = make_entity(session)
    unit = world.users["chen"].org_unit_id
    credit_check.check_codes(session, world.actor("chen"),
                             [e.uscc for e in [*listed, clean]], "licence", unit_id=unit)
    return listed


def test_the_inbox_holds_what_the_department_triggered(session, world, triggered):
    inbox = credit_check.awaiting_feedback(session, world.users["chen"])
    assert sorted(p.hit.uscc for p in inbox) == sorted(e.uscc for e in triggered)
    assert {p.measure.code for p in inbox} == {"M09"}
    assert credit_check.awaiting_feedback(session, world.users["liu"]) == []


def test_feedback_leaves_the_inbox_and_counts_in_the_figures(session, world, triggered):
    chen, actor = world.users["chen"], world.actor("chen")
    first, second = credit_check.awaiting_feedback(session, chen)
    credit_check.record_feedback(session, actor, chen, first.hit.id, "restricted", "")
    with pytest.raises(InvalidInput):
        credit_check.record_feedback(session, actor, chen, second.hit.id, "not_applicable", "")
    with pytest.raises(Conflict):
        credit_check.record_feedback(session, actor, chen, first.hit.id, "restricted", "")
    with pytest.raises(NotFound):
        credit_check.record_feedback(session, world.actor("liu"), world.users["liu"],
                                     second.hit.id, "restricted", "")
    assert [p.hit.id for p in credit_check.awaiting_feedback(session, chen)] == [second.hit.id]
    (row,) = credit_check.feedback_figures(session, world.users["admin"], date(2026, 1, 1),
                                           date(2026, 3, 31))
    assert (row.department, row.triggered, row.fed_back, row.restricted, row.rate) == (
        "隆阳区市场监管局", 2, 1, 1, 0.5)
    assert credit_check.feedback_figures(session, world.users["zhao"], date(2026, 1, 1),
                                         date(2026, 3, 31)) == []
    assert credit_check.feedback_figures(session, world.users["admin"], date(2026, 4, 1),
                                         date(2026, 4, 30)) == []
