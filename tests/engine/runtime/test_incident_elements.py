"""Every incident names the element its instance stopped at, however it was raised (a
command reported as failed, the timer sweep, a limit met while saving), so that the
operations overlay counts it on the diagram."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.audit import SYSTEM
from engine.models import Incident, ProcessInstance
from engine.runtime import incidents
from engine.runtime.timers import sweep
from engine.work.operations import ElementCounts, element_counts
from tests.engine.runtime.diagrams import WAIT, diagram, fail_after_the_wait, script, start_waiting
from tests.factories import MONDAY, start_sample

pytestmark = pytest.mark.both_backends

FAILING = diagram(WAIT, script("divide", "x = 1 / 0"))


def overlay(sessions: sessionmaker[Session], instance_id: int) -> dict[str, ElementCounts]:
    with sessions() as session:
        definition_id = session.get(ProcessInstance, instance_id).definition_id
        return element_counts(session, SYSTEM, definition_id)


def test_a_failed_command_reported_as_an_incident_names_the_failing_element(sessions):
    incident = fail_after_the_wait(sessions, FAILING, {})
    assert incident.source == "command"
    assert incident.element == "divide"
    assert overlay(sessions, incident.instance_id)["divide"].incidents == 1


def test_a_failed_timer_names_the_element_that_failed_after_it(sessions):
    instance_id = start_waiting(sessions, FAILING, {})
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False) as traveller:
        for _attempt in range(10):  # past timer_max_attempts, the backoff waited out
            sweep(sessions)
            traveller.shift(timedelta(hours=2))
    with sessions() as session:
        incident = session.execute(select(Incident)).scalar_one()
    assert incident.element == "divide"  # not the timer's own `wait`
    assert overlay(sessions, instance_id)["divide"].incidents == 1


def test_an_incident_raised_without_an_element_stands_where_its_instance_does(session, world):
    instance = start_sample(session)
    incident = incidents.raise_incident(session, instance.id, "command", "state too large")
    assert incident.element == "review"  # its open work item
    counts = element_counts(session, SYSTEM, instance.definition_id)
    assert counts["review"] == ElementCounts(running=1, late=0, incidents=1)
