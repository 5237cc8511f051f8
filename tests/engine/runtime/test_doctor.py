"""The doctor: rows rebuilt from the stored states match what the runtime wrote."""

from __future__ import annotations

import time_machine
from sqlalchemy import delete, select, update

from engine.models import Timer, WorkItem, WorkItemStatus
from engine.runtime import claim, complete
from engine.runtime.doctor import examine
from tests.factories import MONDAY, make_world, start_sample


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
