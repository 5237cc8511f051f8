"""Timers, loops and rule calls that would hold the engine for minutes: refused at deploy
where the diagram states them, stopped as an incident where a case computes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from engine.config import Settings
from engine.db import session_factory
from engine.errors import DeploymentError
from engine.models import CalendarWarning, InstanceStatus, ProcessDefinition, ProcessInstance
from engine.runtime.deploy import deploy
from engine.runtime.timers import sweep
from tests.engine.runtime.diagrams import (
    WAIT,
    diagram,
    fail_after_the_wait,
    fire_the_wait,
    multi_instance,
    script,
    standard_loop,
    start_waiting,
    timer,
)
from tests.factories import MONDAY, SETUP

REVIEW = ('<bpmn:userTask id="review"><bpmn:extensionElements><spiffworkflow:properties>'
          '<spiffworkflow:property name="dueWorkingDays" value="{due}" />'
          "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>")

# A catch event that waits for a timer or a condition, whichever comes first.
MULTIPLE = ('<bpmn:intermediateCatchEvent id="either"><bpmn:timerEventDefinition>'
            '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{span}</bpmn:timeDuration>'
            "</bpmn:timerEventDefinition><bpmn:conditionalEventDefinition><bpmn:condition "
            'xsi:type="bpmn:tFormalExpression">ready</bpmn:condition>'
            "</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>")


def review(cycle: str) -> dict[str, object]:
    """A user task with a cycle timer on its boundary, as `diagram` keywords."""
    return {"attached": timer("remind", "timeCycle", cycle, attached_to="review"),
            "lane": True}


LITERALS = {
    "P99999999Y": (diagram(timer("late", "timeDuration", '"P99999999Y"')), "late",
                   "timer expression refused: the duration 'P99999999Y' reaches beyond 10 years"),
    "P99999999Y of a multiple event": (diagram(MULTIPLE.format(span='"P99999999Y"')), "either",
                                       "the duration 'P99999999Y' reaches beyond 10 years"),
    "a date in 9999": (diagram(timer("late", "timeDate", '"9999-12-31T00:00:00+08:00"')),
                       "late", "lies more than 10 years ahead"),
    "R/PT0S": (diagram(REVIEW.format(due="3"), **review('"R/PT0S"')), "remind",
               "repeats more often than every 60 seconds (setting timer_min_cycle_seconds)"),
    "R5000/PT1H": (diagram(REVIEW.format(due="3"), **review('"R5000/PT1H"')), "remind",
                   "repeats more than 1000 times (setting timer_max_cycle_repetitions)"),
    "loopCardinality 10**6": (diagram(multi_instance("10**6")), "fan_out",
                              "loop cardinality refused: a loop cardinality of 1,000,000 is "
                              "outside 0 to 1,000 (setting max_loop_cardinality)"),
    "loopMaximum 10**6": (diagram(standard_loop("more", "1000000")), "again",
                          "loopMaximum 1,000,000 is more than 1,000"),
    "dueWorkingDays 3000000": (diagram(REVIEW.format(due="3000000"), lane=True), "review",
                               "dueWorkingDays 3,000,000 is more than 2,500 working days"),
    "followUpWorkingDays 3000000": (
        diagram(REVIEW.format(due="3000000").replace("due", "followUp"), lane=True), "review",
        "followUpWorkingDays 3,000,000 is more than 2,500 working days"),
    "dueWorkingDays ²": (diagram(REVIEW.format(due="²"), lane=True), "review",
                         "dueWorkingDays must be a whole number of working days, got '²'"),
}


@pytest.mark.parametrize("case", LITERALS)
def test_a_literal_beyond_the_bounds_is_refused_at_deploy_naming_the_element(session, case):
    xml, element, reason = LITERALS[case]
    with pytest.raises(DeploymentError) as caught:
        deploy(session, SETUP, [("bounded.bpmn", xml)])
    (problem,) = caught.value.problems
    assert problem.element == element
    assert reason in problem.reason
    assert session.execute(select(func.count(ProcessDefinition.id))).scalar() == 0


def test_values_within_the_bounds_deploy(session):
    xml = diagram(timer("late", "timeDuration", '"P9Y11M"'), multi_instance("1000"),
                  standard_loop("more", "1000"), REVIEW.format(due="2500"),
                  **review('"R1000/PT1M"'))
    definition, created = deploy(session, SETUP, [("bounded.bpmn", xml)])
    assert created


COMPUTED = {
    "P99999999Y": (diagram(WAIT, timer("late", "timeDuration", "span")),
                   {"span": "P99999999Y"}, "'late'", "reaches beyond 10 years"),
    "P99999999Y of a multiple event": (diagram(WAIT, MULTIPLE.format(span="span")),
                                       {"span": "P99999999Y", "ready": False}, "'either'",
                                       "beyond 10 years"),
    "P11Y": (diagram(WAIT, timer("late", "timeDuration", "span")),
             {"span": "P11Y"}, "'late'", "reaches beyond 10 years"),
    "not a duration": (diagram(WAIT, timer("late", "timeDuration", "span")),
                       {"span": "soon"}, "'late'", "is not an ISO 8601 duration"),
    "R/PT0S": (diagram(WAIT, REVIEW.format(due="3"), **review("cycle")),
               {"cycle": "R/PT0S"}, "'remind'", "setting timer_min_cycle_seconds"),
    "loopCardinality 10**6": (diagram(WAIT, multi_instance("n")), {"n": 10**6},
                              "'fan_out'", "a loop cardinality of 1,000,000 is outside"),
    "loopCardinality 1001": (diagram(WAIT, multi_instance("n")), {"n": 1001},
                             "'fan_out'", "setting max_loop_cardinality"),
    "workdays_from_today(3000000)": (
        diagram(WAIT, timer("late", "timeDate", "workdays_from_today(n)")), {"n": 3_000_000},
        "workdays_from_today()", "at most 2,500 working days, not 3,000,000"),
    "workdays_since('0001-01-01')": (
        diagram(WAIT, script("count", "days = workdays_since(since)")),
        {"since": "0001-01-01"}, "workdays_since()", "not 0001-01-01 (setting rule_max_years)"),
    "is_workday('3000-01-01')": (
        diagram(WAIT, script("check", "open_today = is_workday(day)")),
        {"day": "3000-01-01"}, "is_workday()", "within 100 years of today"),
}


@pytest.mark.parametrize("case", COMPUTED)
def test_a_computed_value_beyond_the_bounds_is_an_incident(sessions, case):
    xml, data, where, reason = COMPUTED[case]
    incident = fail_after_the_wait(sessions, xml, data)
    assert where in incident.message and reason in incident.message
    with sessions() as session:
        row = session.get(ProcessInstance, incident.instance_id)
        assert row.status == InstanceStatus.INCIDENT
        assert session.execute(select(func.count(CalendarWarning.id))).scalar() == 0


def test_an_unbounded_cycle_stops_after_the_most_repetitions(sessions):
    xml = diagram(WAIT, REVIEW.format(due="3"), **review("cycle"))
    instance_id = start_waiting(sessions, xml, {"cycle": "R/PT1H"})
    fire_the_wait(sessions, instance_id)
    with sessions() as session:
        row = session.get(ProcessInstance, instance_id)
        assert row.status == InstanceStatus.RUNNING
        assert '"cycles": 1000' in row.state


@pytest.mark.parametrize("node, data, reason", [
    (standard_loop("more"), {"more": True}, "the loop ran 50 rounds and its condition still holds"),
    (multi_instance("n"), {"n": 51}, "a loop cardinality of 51 is outside 0 to 50"),
])
def test_the_loop_bounds_are_the_configured_ones(db_engine, node, data, reason):
    sessions = session_factory(db_engine, Settings(max_loop_cardinality=50))
    incident = fail_after_the_wait(sessions, diagram(WAIT, node), data)
    assert reason in incident.message


def test_the_scheduler_meets_a_computed_bound_as_an_incident_at_once_not_a_hang(sessions):
    start_waiting(sessions, diagram(WAIT, timer("late", "timeDuration", "span")),
                  {"span": "P99999999Y"})
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        result = sweep(sessions)
    assert (result.leased, result.fired, result.retried, result.incidents) == (1, 0, 0, 1)
    assert "element 'late': the duration 'P99999999Y' reaches beyond" in result.errors[0]
