"""Four administrators press "draw" on one task at once: one draw stands, the others are
refused; never two sealed results to choose from."""

from __future__ import annotations

import threading

import time_machine
from sqlalchemy import func, select

from engine import spot_check
from engine.errors import Conflict
from engine.models import AuditEvent, SpotCheckDraw
from tests.factories import MONDAY, make_world
from tests.spot_check_world import add_entities, add_item, add_officers, make_task


def test_concurrent_draws_of_one_task_seal_exactly_one(sessions):
    """PostgreSQL: the unique standing draw refuses the later inserts; SQLite: transactions
    begin IMMEDIATE, so the later ones find the standing draw."""
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        world = make_world(session, calendar=False)
        item = add_item(session)
        add_entities(session, 200)
        add_officers(session, world, 6)
        task_id = make_task(session, world, [item]).id
        session.commit()
        zhang = world.actor("zhang")
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def press() -> None:
        start.wait()
        with sessions() as session:
            try:
                spot_check.draw_task(session, zhang, task_id)
                session.commit()
                outcomes.append("sealed")
            except Conflict as exc:
                session.rollback()
                outcomes.append(exc.code)

    threads = [threading.Thread(target=press) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["already_drawn"] * 3 + ["sealed"]
    with sessions() as session:
        assert session.execute(select(func.count(SpotCheckDraw.id))).scalar() == 1
        assert session.execute(select(func.count()).where(
            AuditEvent.action == "spot_check.drawn")).scalar() == 1
