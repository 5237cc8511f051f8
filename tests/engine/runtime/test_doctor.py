"""The doctor: rows rebuilt from the stored states match what the runtime wrote."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import delete, select, update

from engine import audit
from engine.dual_notice.notices import notice_claim
from engine.dual_notice.routing import route_entities
from engine.models import ProcessInstance, Timer, WorkItem, WorkItemStatus
from engine.runtime import claim, complete
from engine.runtime.cases import CLOSED
from engine.runtime.doctor import examine, stored_rows
from engine.runtime.expected import expected_rows
from engine.workflow import load_spec
from tests.factories import (
    MONDAY,
    Change,
    make_entity,
    make_world,
    notices_of,
    start_sample,
)


def test_healthy_after_normal_work_and_repairs_lost_rows(session):
    with time_machine.travel(MONDAY, tick=False):
        world = make_world(session)
        first, second = start_sample(session), start_sample(session)
        (item,) = session.execute(select(WorkItem).where(
            WorkItem.instance_id == first.id)).scalars().all()
        claim(session, world.actor("chen"), item.id)
        other = session.execute(select(WorkItem).where(
            WorkItem.instance_id == second.id)).scalar_one()
        complete(session, world.actor("yang"), other.id, {"decision": "reject"})
        assert examine(session).healthy

        session.execute(delete(WorkItem).where(WorkItem.id == item.id))
        session.execute(delete(Timer).where(Timer.instance_id == first.id))
        session.execute(update(WorkItem).where(WorkItem.id == other.id)
                        .values(status=WorkItemStatus.OPEN))
        report = examine(session)
        assert set(report.mismatched) == {first.id, second.id}
        assert examine(session).mismatched  # checking alone changes nothing

        examine(session, repair=True)
        assert examine(session).healthy
        rebuilt = session.execute(select(WorkItem).where(
            WorkItem.instance_id == first.id)).scalar_one()
        assert rebuilt.assignee_id == world.users["chen"].id  # the claim lives in the state
        assert rebuilt.due_at == item.due_at
        assert len(session.execute(select(Timer).where(
            Timer.instance_id == first.id)).all()) == 2


def _break_rows(session, world, instances):  # type: ignore[no-untyped-def]
    """A different fault in each given instance: lost item, foreign claim, moved timer."""
    lost, claimed, moved = (i.id for i in instances)
    session.execute(delete(WorkItem).where(WorkItem.instance_id == lost))
    session.execute(update(WorkItem).where(WorkItem.instance_id == claimed)
                    .values(assignee_id=world.users["chen"].id))
    (timer, *_) = session.execute(select(Timer).where(Timer.instance_id == moved)).scalars()
    session.execute(update(Timer).where(Timer.id == timer.id)
                    .values(due_at=timer.due_at + timedelta(days=1)))


def test_batches_find_what_one_pass_finds_including_at_their_edges(session):
    with time_machine.travel(MONDAY, tick=False):
        world = make_world(session)
        instances = [start_sample(session) for _ in range(5)]
        # Batches of two: [1 2] [3 4] [5]; faults at the end of one, the start of the
        # next, and alone in the last.
        _break_rows(session, world, (instances[1], instances[2], instances[4]))
        done: list[int] = []
        batched = examine(session, batch_size=2, progress=done.append)
        whole = examine(session, batch_size=100)

    assert done == [2, 2, 1]
    assert batched.instances == whole.instances == 5
    assert batched.mismatched == whole.mismatched
    ids = [i.id for i in instances]
    assert sorted(batched.mismatched) == [ids[1], ids[2], ids[4]]
    assert [p.split(":")[0] for p in batched.mismatched[ids[1]]] == [
        "work item missing or different"]
    assert [p.split(":")[0] for p in batched.mismatched[ids[2]]] == [
        "work item missing or different"]
    assert [p.split(":")[0] for p in batched.mismatched[ids[4]]] == [
        "timer missing or different"]


def test_a_state_that_cannot_be_read_is_reported_and_the_others_still_checked(session):
    with time_machine.travel(MONDAY, tick=False):
        make_world(session)
        instances = [start_sample(session) for _ in range(3)]
        session.execute(update(ProcessInstance).where(ProcessInstance.id == instances[0].id)
                        .values(state='{"tasks": {}}'))
        session.execute(delete(WorkItem).where(WorkItem.instance_id == instances[2].id))
        report = examine(session, batch_size=2)

    assert set(report.failed) == {instances[0].id}
    assert set(report.mismatched) == {instances[2].id}


def test_reading_the_stored_json_agrees_with_the_rows_the_runtime_wrote(session, notice_world):
    """The doctor's fast path: every stage of the shipped diagrams, read without restoring."""
    world = notice_world
    with time_machine.travel(MONDAY, tick=False):
        reviews = [start_sample(session) for _ in range(4)]
        items = {w.instance_id: w.id for w in session.execute(select(WorkItem)).scalars()}
        claim(session, world.actor("chen"), items[reviews[1].id])
        complete(session, world.actor("yang"), items[reviews[2].id], {"decision": "reject"})
        complete(session, world.actor("yang"), items[reviews[3].id],
                 {"decision": "approve", "opinion": "ok"})
        pushed, claimed = (make_entity(session, "印章刻制") for _ in range(2))
        route_entities(session, audit.Actor("test:import", "test"),
                       [Change(pushed), Change(claimed)])
        notice_claim(session, world.actor("hu"), notices_of(session, claimed)[0].id)
        session.flush()

    instances = session.execute(select(ProcessInstance)).scalars().all()
    stored = stored_rows(session, instances[0].id, instances[-1].id)
    assert len(instances) == 6 and all(stored.get(i.id) for i in instances)
    for instance in instances:
        definition = instance.definition
        specs = load_spec(definition.sha256, lambda d=definition: d.spec_json)
        items, timers, events = expected_rows(instance.state, instance.serializer_version,
                                              specs, instance.status in CLOSED)
        assert (set(items.values()), timers, events) == stored[instance.id], instance.id
