"""Timers: reminders, escalation, leases, retries with backoff, incidents."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select, update

from engine.audit import Actor
from engine.errors import Conflict
from engine.models import (
    AuditEvent,
    Incident,
    InstanceStatus,
    ProcessInstance,
    Timer,
    WorkItem,
    WorkItemStatus,
)
from engine.runtime import complete, incidents
from engine.runtime.timers import lease_due, sweep
from tests.factories import MONDAY, start_sample

CST = ZoneInfo("Asia/Shanghai")


def start(sessions, area="530502"):
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        row = start_sample(session, area)
        session.commit()
        return row.id


def items(sessions, instance_id, status=WorkItemStatus.OPEN):
    with sessions() as session:
        return session.execute(select(WorkItem).where(
            WorkItem.instance_id == instance_id, WorkItem.status == status)).scalars().all()


def test_nothing_fires_before_it_is_due(sessions, world):
    instance_id = start(sessions)
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        assert sweep(sessions).leased == 0
    assert [i.task_name for i in items(sessions, instance_id)] == ["review"]


def test_reminder_fires_once_and_the_task_stays(sessions, world):
    instance_id = start(sessions)
    # Thursday: past the end of Wednesday, the 2nd working day.
    with time_machine.travel(datetime(2026, 3, 5, 8, 0, tzinfo=CST), tick=False):
        result = sweep(sessions)
        again = sweep(sessions)
    assert (result.leased, result.fired) == (1, 1)
    assert again.leased == 0
    assert [i.task_name for i in items(sessions, instance_id)] == ["review"]
    with sessions() as session:
        timers = session.execute(select(Timer).where(Timer.instance_id == instance_id)).scalars()
        assert [t.event_name for t in timers] == ["5个工作日升级 Escalate after 5 working days"]
        fired = session.execute(select(AuditEvent).where(
            AuditEvent.action == "timer.fire")).scalars().all()
        assert len(fired) == 1


def test_escalation_interrupts_review_and_goes_to_the_joint_office(sessions, world):
    instance_id = start(sessions)
    with time_machine.travel(datetime(2026, 3, 10, 8, 0, tzinfo=CST), tick=False):
        result = sweep(sessions)
    assert result.fired >= 1
    (item,) = items(sessions, instance_id)
    assert item.task_name == "handle_escalation"
    assert item.candidate_org_id == world.units["530502-jmo"].id
    assert item.candidate_role == "supervisor"
    assert item.priority == 1
    (cancelled,) = items(sessions, instance_id, WorkItemStatus.CANCELLED)
    assert cancelled.task_name == "review"
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=CST), tick=False), \
            sessions() as session:
        with pytest.raises(Conflict):
            complete(session, world.actor("chen"), cancelled.id, {"decision": "approve"})
        session.rollback()
        complete(session, world.actor("wang"), item.id, {"measure": "urge"})
        session.commit()
        assert session.get(ProcessInstance, instance_id).status == InstanceStatus.COMPLETED


def test_suspended_instances_are_not_swept(sessions, world):
    instance_id = start(sessions)
    with sessions() as session:
        session.execute(update(ProcessInstance).values(status=InstanceStatus.SUSPENDED))
        session.commit()
    with time_machine.travel(datetime(2026, 3, 10, 8, 0, tzinfo=CST), tick=False):
        assert sweep(sessions).leased == 0
    assert [i.task_name for i in items(sessions, instance_id)] == ["review"]


def test_a_lease_keeps_other_sweepers_away_until_it_expires(sessions, world):
    start(sessions)
    when = datetime(2026, 3, 5, 8, 0, tzinfo=CST)
    with time_machine.travel(when, tick=False), sessions() as session:
        assert len(lease_due(session, "a", 10, 60)) == 1
        assert lease_due(session, "b", 10, 60) == []
        session.commit()
    with time_machine.travel(when + timedelta(seconds=61), tick=False), sessions() as session:
        assert len(lease_due(session, "b", 10, 60)) == 1


def test_failures_back_off_then_become_an_incident_that_can_be_retried(sessions, world,
                                                                      monkeypatch):
    instance_id = start(sessions)
    calls = {"n": 0}

    def broken(*args, **kwargs):
        calls["n"] += 1
        raise RuntimeError("calendar service down")

    monkeypatch.setattr("engine.runtime.timers.fire_due_timers", broken)
    moment = datetime(2026, 3, 5, 8, 0, tzinfo=CST)
    with time_machine.travel(moment, tick=False) as traveller:
        first = sweep(sessions)
        assert (first.retried, first.incidents) == (1, 0)
        assert sweep(sessions).leased == 0  # backing off
        for _ in range(10):
            traveller.shift(timedelta(hours=2))
            sweep(sessions)
    assert calls["n"] == 5  # timer_max_attempts
    with sessions() as session:
        row = session.get(ProcessInstance, instance_id)
        assert row.status == InstanceStatus.INCIDENT
        assert "calendar service down" in row.error
        (incident,) = incidents.open_incidents(session)
        timer = session.execute(select(Timer).where(Timer.instance_id == instance_id)
                                .order_by(Timer.due_at)).scalars().first()
        assert timer.attempts == 5 and "calendar service down" in timer.last_error
        incidents.retry(session, Actor("ops", "cli"), incident.id)
        session.commit()
        assert session.get(Incident, incident.id).resolved_at is not None
    monkeypatch.undo()
    with time_machine.travel(moment + timedelta(days=1), tick=False):
        result = sweep(sessions)
    assert result.fired == 1
    with sessions() as session:
        assert session.get(ProcessInstance, instance_id).status == InstanceStatus.RUNNING
        with pytest.raises(Conflict):
            incidents.retry(session, Actor("ops", "cli"), incident.id)
