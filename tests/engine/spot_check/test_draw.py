"""The draw: sealed, replayable, one standing draw per task, officers by the rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from engine import audit, domains, spot_check
from engine.errors import Conflict, Forbidden, InvalidInput, Refusal
from engine.models import (
    AuditEvent,
    Inspection,
    MarketEntity,
    SpotCheckDraw,
    SpotCheckTarget,
    User,
)
from tests.spot_check_world import (
    INSPECTION,
    add_entities,
    add_item,
    add_officers,
    make_task,
)


@pytest.fixture
def ready(session, world, traveller):
    """101 entities of 隆阳区, six qualified officers, one general food item."""
    item = add_item(session)
    entities = add_entities(session, 101)
    officers = add_officers(session, world, 6)
    session.commit()
    return world, item, entities, officers


def test_a_draw_is_sealed_with_its_audit_event_and_replays_identically(session, ready):
    world, item, entities, officers = ready
    task = make_task(session, world, [item])
    draw = spot_check.draw_task(session, world.actor("zhang"), task.id)
    session.commit()
    targets = draw.result["targets"]
    assert len(targets) == 4  # 3% of 101, rounded up
    assert {entity for entity, _ in targets} <= set(entities)
    certified = {o.id for o in officers}
    assert all(len(team) == 2 and set(team) <= certified for _, team in targets)
    assert len(draw.seed) == 64 and draw.algorithm == spot_check.ALGORITHM
    seal = session.execute(select(AuditEvent).where(
        AuditEvent.action == "spot_check.drawn",
        AuditEvent.object_id == str(draw.id))).scalar_one()
    assert seal.summary["result_hash"] == draw.result_hash
    assert seal.summary["pool_hash"] == draw.pool_hash
    assert seal.summary["seed"] == draw.seed
    report = spot_check.verify_draw(session, world.actor("zhang"), draw.id)
    assert report.intact and report.replayed_hash == draw.result_hash
    session.commit()
    assert audit.verify(session).intact


def test_the_same_seed_and_pool_give_the_same_result_and_another_seed_another(session, ready):
    world, item, _entities, _officers = ready
    first = make_task(session, world, [item], yearly_cap=5)
    second = make_task(session, world, [item], yearly_cap=5)
    a = spot_check.draw_task(session, world.actor("zhang"), first.id, seed="ab" * 32)
    b = spot_check.draw_task(session, world.actor("zhang"), second.id, seed="ab" * 32)
    assert a.result["targets"] == b.result["targets"]
    assert second.number.endswith("〔2026〕2号") and first.number == "隆市监抽查〔2026〕1号"
    third = make_task(session, world, [item], yearly_cap=5)
    c = spot_check.draw_task(session, world.actor("zhang"), third.id, seed="cd" * 32)
    assert c.result["targets"] != a.result["targets"]


def test_a_second_draw_is_refused_until_the_first_is_voided_with_a_reason(session, ready):
    world, item, _entities, _officers = ready
    task = make_task(session, world, [item])
    zhang = world.actor("zhang")
    first = spot_check.draw_task(session, zhang, task.id)
    with pytest.raises(Conflict) as refused:
        spot_check.draw_task(session, zhang, task.id)
    assert refused.value.code == "already_drawn"
    with pytest.raises(InvalidInput):
        spot_check.void_draw(session, zhang, first.id, "  ")
    spot_check.void_draw(session, zhang, first.id, "抽查对象范围设置错误")
    second = spot_check.draw_task(session, zhang, task.id)
    session.commit()
    record = spot_check.draws_of(session, task.id)
    assert [d.id for d in record] == [first.id, second.id]
    assert record[0].void_reason == "抽查对象范围设置错误" and record[0].voided_by == "zhang"
    assert spot_check.standing_draw(session, task.id).id == second.id
    assert spot_check.verify_draw(session, zhang, first.id).intact  # voided, still replayable


def test_a_released_draw_cannot_be_voided_and_release_hands_the_targets_on(
        session, ready, monkeypatch):
    world, item, _entities, _officers = ready
    task = make_task(session, world, [item])
    zhang = world.actor("zhang")
    draw = spot_check.draw_task(session, zhang, task.id)
    handed: list[list[dict]] = []

    def lifecycle(session, actor, released):
        handed.append(spot_check.inspection_targets(session, released))
        return len(handed[-1])

    monkeypatch.setattr(domains, "DRAW_RELEASED", [lifecycle])
    assert domains.release_draw(session, zhang, draw.id) == 4
    target = handed[0][0]
    assert target["task_number"] == task.number and len(target["officer_ids"]) == 2
    assert target["items"][0]["code"] == "SC-01" and target["items"][0]["sub_items"]
    assert target["inspection_date"] == INSPECTION and target["unit_id"] == task.organiser_org_id
    with pytest.raises(Conflict):
        spot_check.void_draw(session, zhang, draw.id, "too late")


def test_only_the_organising_department_draws(session, ready):
    world, item, _entities, _officers = ready
    task = make_task(session, world, [item])
    with pytest.raises(Forbidden):
        spot_check.draw_task(session, world.actor("chen"), task.id)
    with pytest.raises(Forbidden):
        spot_check.verify_draw(session, world.actor("chen"), 1)


def drawn_officers(draw: SpotCheckDraw) -> set[int]:
    return {o for _, team in draw.result["targets"] for o in team}


def test_a_certificate_expiring_before_the_inspection_date_is_never_drawn(
        session, world, traveller):
    item = add_item(session)
    add_entities(session, 40)
    valid = add_officers(session, world, 2)
    # Valid today (2 March), expired on the inspection date (16 March).
    lapsing = add_officers(session, world, 3, expires=date(2026, 3, 15), prefix="lapse")
    task = make_task(session, world, [item], ratio_percent="100")
    draw = spot_check.draw_task(session, world.actor("zhang"), task.id)
    assert drawn_officers(draw) == {o.id for o in valid}
    assert not drawn_officers(draw) & {o.id for o in lapsing}


def test_officers_without_the_items_qualification_or_inactive_are_never_drawn(
        session, world, traveller):
    item = add_item(session, qualification="特种设备")
    add_entities(session, 40)
    qualified = add_officers(session, world, 2, tags=("特种设备",))
    add_officers(session, world, 3, tags=("食品",), prefix="food")
    retired = add_officers(session, world, 1, tags=("特种设备",), prefix="ret")
    retired[0].active = False
    task = make_task(session, world, [item], ratio_percent="100")
    draw = spot_check.draw_task(session, world.actor("zhang"), task.id)
    assert drawn_officers(draw) == {o.id for o in qualified}


def test_an_officer_with_a_declared_conflict_is_never_drawn_for_that_entity(
        session, world, traveller):
    item = add_item(session)
    entities = add_entities(session, 30)
    officers = add_officers(session, world, 3)
    relative = session.get(User, officers[0].id)
    for entity_id in entities[:10]:
        spot_check.declare_conflict(session, world.actor("admin"), relative,
                                    session.get_one(MarketEntity, entity_id), "近亲属经营")
    task = make_task(session, world, [item], ratio_percent="100")
    draw = spot_check.draw_task(session, world.actor("zhang"), task.id)
    teams = dict((entity, team) for entity, team in draw.result["targets"])
    assert all(relative.id not in teams[e] for e in entities[:10])
    assert any(relative.id in teams[e] for e in entities[10:])


def test_fewer_than_two_eligible_officers_is_refused_naming_the_shortfall(
        session, world, traveller):
    item = add_item(session)
    add_entities(session, 10)
    add_officers(session, world, 1)
    add_officers(session, world, 2, expires=date(2026, 3, 1), prefix="old")
    task = make_task(session, world, [item])
    with pytest.raises(Refusal) as refused:
        spot_check.draw_task(session, world.actor("zhang"), task.id)
    error = refused.value
    assert error.code == "too_few_officers"
    assert error.details["eligible"] == 1 and error.details["needed"] == 2
    assert "1 eligible officers, 2 needed" in error.message
    assert "2026-03-16" in error.message and "食品" in error.message
    assert session.execute(select(SpotCheckDraw)).first() is None


def test_a_target_whose_conflicts_leave_one_officer_is_refused_by_name(
        session, world, traveller):
    item = add_item(session)
    entities = add_entities(session, 1)
    officers = add_officers(session, world, 2)
    spot_check.declare_conflict(session, world.actor("admin"), officers[0],
                                session.get_one(MarketEntity, entities[0]), "同户")
    task = make_task(session, world, [item], ratio_percent="100")
    with pytest.raises(Refusal) as refused:
        spot_check.draw_task(session, world.actor("zhang"), task.id)
    assert refused.value.code == "too_few_officers_for_target"
    assert refused.value.details["entity_id"] == entities[0]


def test_the_yearly_cap_keeps_an_entity_from_a_second_general_check(
        session, world, traveller):
    general = add_item(session)
    key = add_item(session, "SC-K1", key=True)
    entities = add_entities(session, 10)
    add_officers(session, world, 4)
    zhang = world.actor("zhang")
    first = spot_check.draw_task(session, zhang, make_task(
        session, world, [general], ratio_percent=None, target_count=4, yearly_cap=1).id)
    again = spot_check.draw_task(session, zhang, make_task(
        session, world, [general], ratio_percent="100", yearly_cap=1).id)
    picked = {e for e, _ in first.result["targets"]}
    assert {e for e, _ in again.result["targets"]} == set(entities) - picked
    # Key items are not held back by the cap.
    uncapped = spot_check.draw_task(session, zhang, make_task(
        session, world, [key], ratio_percent="100", yearly_cap=1).id)
    assert len(uncapped.result["targets"]) == 10
    rows = session.execute(select(SpotCheckTarget.entity_id)).scalars().all()
    assert len(rows) == 4 + 6 + 10


def test_risk_classes_are_drawn_at_their_own_ratios(session, world, traveller):
    item = add_item(session)
    add_entities(session, 100, risk="A")
    add_entities(session, 100, risk="B")
    add_entities(session, 100, risk="D")
    add_entities(session, 50)
    add_officers(session, world, 4)
    task = make_task(session, world, [item], ratio_percent="3")
    draw = spot_check.draw_task(session, world.actor("zhang"), task.id)
    # A: 1.5% → 2; B: 3% → 3; D: 9% → 9; unclassified: 3% of 50 → 2.
    assert draw.result["strata"] == {"A": [100, 2], "B": [100, 3], "D": [100, 9],
                                     "-": [50, 2]}
    assert len(draw.result["targets"]) == 16


def test_a_filtered_task_sees_only_its_filters_in_the_snapshot(session, world, traveller):
    item = add_item(session)
    add_entities(session, 30, risk="C", industry="H6210")
    add_entities(session, 30, risk="C", industry="F5211", start=100)
    add_officers(session, world, 2)
    task = make_task(session, world, [item], ratio_percent="100",
                     filters={"industries": ["H62"], "risks": ["C"]})
    draw = spot_check.draw_task(session, world.actor("zhang"), task.id)
    assert draw.pool_size == 30 and len(draw.result["targets"]) == 30


def test_a_ratio_below_three_percent_is_refused_for_general_items_only(session, world):
    general, key = add_item(session), add_item(session, "SC-K1", key=True)
    with pytest.raises(InvalidInput) as refused:
        make_task(session, world, [general], ratio_percent="2")
    assert refused.value.details["fields"] == {"ratio_percent": "below_minimum"}
    with pytest.raises(InvalidInput):
        make_task(session, world, [general], officers_per_target=1)
    assert make_task(session, world, [key], ratio_percent="1").ratio_percent == 1


def test_a_recusal_redraws_one_officer_sealed_and_replayable(session, ready):
    world, item, _entities, officers = ready
    task = make_task(session, world, [item])
    zhang = world.actor("zhang")
    draw = spot_check.draw_task(session, zhang, task.id)
    entity, team = draw.result["targets"][0]
    recusal = spot_check.recuse_officer(session, zhang, draw.id, entity, team[0], "曾在该企业任职")
    session.commit()
    assert recusal.replacement_id not in team and recusal.officer_id == team[0]
    now = spot_check.teams(session, draw)[entity]
    assert team[0] not in now and recusal.replacement_id in now and team[1] in now
    redraw = spot_check.get_draw(session, recusal.redraw_id)
    assert redraw.parent_id == draw.id and redraw.live_task_id is None
    assert spot_check.verify_draw(session, zhang, redraw.id).intact
    with pytest.raises(InvalidInput):
        spot_check.recuse_officer(session, zhang, draw.id, entity, team[0], "again")


def test_a_tampered_result_or_snapshot_fails_verification(session, ready):
    world, item, _entities, _officers = ready
    task = make_task(session, world, [item])
    draw = spot_check.draw_task(session, world.actor("zhang"), task.id)
    session.commit()
    targets = [list(t) for t in draw.result["targets"]]
    targets[0][1] = [targets[0][1][1], targets[0][1][1]]
    session.execute(update(SpotCheckDraw).where(SpotCheckDraw.id == draw.id)
                    .values(result={**draw.result, "targets": targets}))
    session.commit()
    session.expire_all()
    report = spot_check.verify_draw(session, world.actor("zhang"), draw.id)
    assert set(report.problems) == {"result_changed"}


def test_a_task_on_a_special_pool_draws_only_its_members(session, world, traveller):
    item = add_item(session)
    entities = add_entities(session, 50)
    add_officers(session, world, 2)
    pool = spot_check.build_pool(session, world.actor("zhang"),
                                 world.units["530502-amr"].id, "食品经营重点监管对象",
                                 "supervision_directory", entities[10:20])
    task = make_task(session, world, [item], ratio_percent="100", pool_id=pool.id)
    draw = spot_check.draw_task(session, world.actor("zhang"), task.id)
    assert task.targeted and draw.pool_size == 10
    assert sorted(e for e, _ in draw.result["targets"]) == entities[10:20]


def test_a_joint_task_draws_officers_of_every_implementing_department(
        session, world, traveller):
    item = add_item(session)
    add_entities(session, 40)
    ours = add_officers(session, world, 2)
    theirs = add_officers(session, world, 2, unit="530581-amr", prefix="tc")
    task = make_task(session, world, [item], ratio_percent="100",
                     unit_ids=[world.units["530581-amr"].id])
    draw = spot_check.draw_task(session, world.actor("zhang"), task.id)
    assert drawn_officers(draw) == {o.id for o in ours + theirs}
    assert len(spot_check.task_units(session, task)) == 2


def test_a_released_draw_starts_one_inspection_per_target_for_its_drawn_officers(
        session, ready):
    world, item, _entities, _officers = ready
    task = make_task(session, world, [item])
    zhang = world.actor("zhang")
    draw = spot_check.draw_task(session, zhang, task.id)
    drawn = {t["entity_id"]: sorted(t["officer_ids"])
             for t in spot_check.inspection_targets(session, draw)}
    assert domains.release_draw(session, zhang, draw.id) == 4
    session.commit()
    started = {i.entity_id: sorted(i.officer_ids) for i in session.execute(
        select(Inspection).where(Inspection.task_id == task.id)).scalars()}
    assert started == drawn
