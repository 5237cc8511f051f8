"""Hostile diagram code fired by the timer sweep: each ends as an incident with a clear
reason within the configured limit and a second, and stalls no other command meanwhile."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.db import session_factory
from engine.models import Incident, InstanceStatus, ProcessInstance
from engine.runtime import start_process, timers
from engine.runtime.timers import sweep
from engine.workflow import isolation
from engine.workflow.isolation import Isolation
from engine.workflow.sandbox import Limits
from tests.engine.runtime.diagrams import PROCESS, WAIT, diagram, script, start_waiting
from tests.factories import MONDAY, SETUP
from tests.memory import bounded_memory  # noqa: F401  (every test here runs under it)

KILL_SECONDS = 2.0  # room for filling 256 MB on a busy machine before the kill
HOSTILE = {
    "one C call past the time check": (
        "s = 'a' * 10**6\nt = 'a' * 999999 + 'b'\nfound = t in [s] * 10**6",
        "the script ran longer than 2 s and was stopped (setting sandbox_kill_seconds)"),
    "a set of colliding hashes": (
        "keys = [i * (2**61 - 1) for i in range(10**5)]\nunique = len(set(keys))",
        "the script ran longer than 2 s and was stopped (setting sandbox_kill_seconds)"),
    "a gigabyte of state": (
        "x = ['a' * 10**6] * 1000",
        "the script's data would take more than 1,048,576 bytes to store "
        "(setting max_instance_state_bytes)"),
    "gigabytes of memory": (
        "grid = [[0] * 10**6 for i in range(10**6)]",
        "the script needed more than 256 MB and was stopped (setting sandbox_memory_mb)"),
}


@pytest.fixture
def bounded(db_engine: Engine, settings: Settings) -> sessionmaker[Session]:
    """Sessions with a short kill, and a time check long enough for memory to run out first."""
    bounded = settings.replace(sandbox_kill_seconds=KILL_SECONDS, sandbox_memory_mb=256,
                               sandbox_timeout_seconds=10.0, sandbox_cpu_seconds=10.0)
    return session_factory(db_engine, bounded)


def warm_worker() -> None:
    """Start this thread's worker now: its interpreter's start is not the script's time."""
    isolation.evaluate("1", {}, Limits(), Isolation(memory_mb=256))


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_timer_script_ends_as_an_incident_within_the_limit(bounded, case):
    source, reason = HOSTILE[case]
    instance_id = start_waiting(bounded, diagram(WAIT, script("hostile", source)), {})
    with bounded() as session:
        saved = session.get(ProcessInstance, instance_id).state
    warm_worker()
    began = time.monotonic()
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        result = sweep(bounded)
    assert time.monotonic() - began < KILL_SECONDS + 1
    assert (result.fired, result.retried, result.incidents) == (0, 0, 1)
    with bounded() as session:
        row = session.get(ProcessInstance, instance_id)
        incident = session.query(Incident).filter_by(instance_id=instance_id).one()
        assert row.status == InstanceStatus.INCIDENT and row.state == saved
        assert reason in incident.message and "Traceback" not in incident.message


def test_a_hostile_timer_script_does_not_stall_another_command(bounded, monkeypatch):
    source, _reason = HOSTILE["one C call past the time check"]
    start_waiting(bounded, diagram(WAIT, script("hostile", source)), {})
    firing = threading.Event()
    real_fire = timers.fire_due_timers

    def fire(*args: Any) -> Any:
        firing.set()
        return real_fire(*args)

    monkeypatch.setattr(timers, "fire_due_timers", fire)
    outcome: dict[str, Any] = {}
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        sweeper = threading.Thread(
            target=lambda: (warm_worker(), outcome.update(result=sweep(bounded))))
        sweeper.start()
        assert firing.wait(timeout=60), "the sweep never fired the timer"
        began = time.monotonic()
        with bounded() as session:  # on SQLite it waits for the sweep's write lock
            start_process(session, SETUP, PROCESS, data={"other": 1})
            session.commit()
        took = time.monotonic() - began
        sweeper.join(timeout=60)
    assert took < KILL_SECONDS + 1
    assert outcome["result"].incidents == 1
