"""Timer start events: the scheduler starts the cases, once per occurrence."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from sqlalchemy import func, select

from engine.models import ProcessInstance, ProcessSchedule
from engine.runtime.deploy import deploy
from engine.runtime.schedules import start_due
from tests.engine.runtime.conformance import flows, process
from tests.factories import CST, SETUP

TEN = datetime(2026, 3, 2, 10, 0, tzinfo=CST)


def timed(kind: str, value: str) -> bytes:
    return process("report", f'<bpmn:startEvent id="start"><bpmn:timerEventDefinition>'
                             f'<bpmn:{kind}>"{value}"</bpmn:{kind}></bpmn:timerEventDefinition>'
                             '</bpmn:startEvent><bpmn:scriptTask id="count" scriptFormat="python">'
                             '<bpmn:script>made = 1</bpmn:script></bpmn:scriptTask>'
                             '<bpmn:endEvent id="end" />' + flows("start", "count", "end"))


def cases(sessions) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.execute(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.started_by == "system:schedule")).scalar_one()


def sweep_at(sessions, moment: datetime) -> int:  # type: ignore[no-untyped-def]
    with time_machine.travel(moment, tick=False):
        return start_due(sessions, "test")


def deployed(sessions, xml: bytes, at: datetime = TEN - timedelta(hours=1)) -> None:
    with time_machine.travel(at, tick=False), sessions() as session:
        deploy(session, SETUP, [("report.bpmn", xml)])
        session.commit()


def test_a_cycle_starts_one_case_per_occurrence_and_one_for_missed_ones(sessions):
    deployed(sessions, timed("timeCycle", "R4/2026-03-02T10:00:00+08:00/PT1H"))
    assert sweep_at(sessions, TEN - timedelta(minutes=1)) == 0
    assert sweep_at(sessions, TEN + timedelta(minutes=5)) == 1
    assert sweep_at(sessions, TEN + timedelta(minutes=30)) == 0
    assert sweep_at(sessions, TEN + timedelta(hours=1, minutes=1)) == 1
    # Down from 11:01 to 14:00: the 12:00 and 13:00 occurrences were missed; one case now.
    assert sweep_at(sessions, TEN + timedelta(hours=4)) == 1
    assert sweep_at(sessions, TEN + timedelta(hours=9)) == 0  # four occurrences used
    assert cases(sessions) == 3
    with sessions() as session:
        assert session.execute(select(ProcessSchedule)).first() is None
        statuses = set(session.execute(select(ProcessInstance.status).where(
            ProcessInstance.started_by == "system:schedule")).scalars())
    assert statuses == {"completed"}


def test_a_date_starts_once_and_a_duration_counts_from_the_deploy(sessions):
    deployed(sessions, timed("timeDate", "2026-03-02T10:00:00+08:00"))
    assert sweep_at(sessions, TEN + timedelta(days=3)) == 1  # late, but once
    assert sweep_at(sessions, TEN + timedelta(days=4)) == 0
    deployed(sessions, timed("timeDuration", "PT2H"), at=TEN)
    assert sweep_at(sessions, TEN + timedelta(hours=1)) == 0
    assert sweep_at(sessions, TEN + timedelta(hours=2, minutes=1)) == 1
    assert cases(sessions) == 2


def test_a_new_version_replaces_the_schedule(sessions):
    deployed(sessions, timed("timeCycle", "R/2026-03-02T10:00:00+08:00/PT1H"))
    deployed(sessions, process("report", '<bpmn:startEvent id="start" /><bpmn:endEvent '
                                         'id="end" />' + flows("start", "end")))
    assert sweep_at(sessions, TEN + timedelta(hours=2)) == 0
