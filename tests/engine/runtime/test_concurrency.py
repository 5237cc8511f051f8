"""Concurrency on PostgreSQL: racing claims and two sweepers sharing due timers."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from engine.audit import Actor
from engine.config import Settings
from engine.db import session_factory
from engine.errors import Conflict
from engine.models import AuditEvent, ProcessInstance, Role, Timer, WorkItem
from engine.org.units import add_user
from engine.runtime import claim
from engine.runtime.deploy import deploy
from engine.runtime.schedules import start_due
from engine.runtime.timers import sweep
from tests.engine.runtime.test_schedules import TEN, timed
from tests.factories import MONDAY, SETUP, make_world, start_sample

CST = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.slow


def run_threads(count: int, target) -> None:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(index: int) -> None:
        barrier.wait()
        try:
            target(index)
        except BaseException as exc:  # surfaced below, not lost in a thread
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_eight_officers_claim_two_hundred_items_each_exactly_once(pg_engine, tmp_path):
    sessions = session_factory(pg_engine, Settings(var_dir=tmp_path / "var"))
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        make_world(session)
        officers = [add_user(session, SETUP, f"officer{i}", f"officer{i}", "password-123",
                             "530502-amr", [Role.OFFICER]) for i in range(8)]
        for i in range(200):
            start_sample(session, business_key=f"C{i}")
        session.commit()
        item_ids = session.execute(select(WorkItem.id)).scalars().all()
        actors = [Actor(o.username, "test", o.id) for o in officers]
    assert len(item_ids) == 200
    wins: Counter[int] = Counter()
    conflicts = Counter()

    def claimer(index: int) -> None:
        order = list(item_ids)
        random.Random(index).shuffle(order)
        with time_machine.travel(MONDAY, tick=False):
            for item_id in order:
                with sessions() as session:
                    try:
                        claim(session, actors[index], item_id)
                        session.commit()
                        wins[item_id] += 1
                    except Conflict:
                        session.rollback()
                        conflicts[index] += 1

    run_threads(8, claimer)
    assert sorted(wins) == sorted(item_ids)
    assert set(wins.values()) == {1}
    assert sum(conflicts.values()) == 8 * 200 - 200
    with sessions() as session:
        held = session.execute(select(WorkItem.assignee_id, func.count()).group_by(
            WorkItem.assignee_id)).all()
        assert sum(n for _, n in held) == 200 and all(a is not None for a, _ in held)
        claims = session.execute(select(func.count()).where(
            AuditEvent.action == "task.claim")).scalar()
        assert claims == 200


def test_two_sweepers_fire_a_thousand_due_timers_each_once(pg_engine, tmp_path):
    sessions = session_factory(pg_engine, Settings(var_dir=tmp_path / "var"))
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        make_world(session)
        for i in range(500):
            start_sample(session, business_key=f"T{i}")
        session.commit()
        assert session.execute(select(func.count(Timer.id))).scalar() == 1000
    late = datetime(2026, 3, 10, 8, 0, tzinfo=CST)  # past both the reminder and escalation

    def sweeper(index: int) -> None:
        with time_machine.travel(late, tick=False):
            while sweep(sessions, worker=f"sweeper-{index}", limit=50).leased:
                pass

    run_threads(2, sweeper)
    with sessions() as session:
        fired = session.execute(select(AuditEvent.object_id, AuditEvent.summary).where(
            AuditEvent.action == "timer.fire")).all()
        keys = Counter((obj, summary["task_id"]) for obj, summary in fired)
        assert len(keys) == 1000
        assert set(keys.values()) == {1}
        assert session.execute(select(func.count(Timer.id))).scalar() == 0
        escalations = session.execute(select(func.count(WorkItem.id)).where(
            WorkItem.task_name == "handle_escalation")).scalar()
        assert escalations == 500


def test_four_schedulers_start_each_occurrence_of_a_timer_start_once(pg_engine, tmp_path):
    sessions = session_factory(pg_engine, Settings(var_dir=tmp_path / "var"))
    with time_machine.travel(TEN, tick=False), sessions() as session:
        deploy(session, SETUP, [("report.bpmn", timed(
            "timeCycle", "R20/2026-03-02T10:00:00+08:00/PT1M"))])
        session.commit()
    started = Counter[int]()
    for minute in range(0, 20, 4):  # each round, four schedulers race for one occurrence
        moment = datetime(2026, 3, 2, 10, minute, 30, tzinfo=CST)
        with time_machine.travel(moment, tick=False):
            run_threads(4, lambda i: started.update({i: start_due(sessions, f"s{i}")}))
    with sessions() as session:
        made = session.execute(select(func.count()).select_from(ProcessInstance)).scalar_one()
    assert made == sum(started.values()) == 5
