"""A diagram of the test suite that gates a licence approval on the credit check: a
restricted entity's approval goes to the refusal path, a clean one to the approval."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

import engine.domains  # noqa: F401  (fills the rule lookups, as the app and the CLI do)
from engine import credit_check, runtime
from engine.errors import IncidentError
from engine.models import CreditCheck, ListType, WorkItem, WorkItemStatus
from engine.runtime.cases import open_case
from engine.runtime.deploy import deploy_paths
from tests.engine.credit_check.entries import list_entry
from tests.factories import SETUP, case_data, make_entity

pytestmark = pytest.mark.both_backends

GATE = Path(__file__).with_name("credit_gate.bpmn")


@pytest.fixture
def gate(session, world, traveller):
    deploy_paths(session, SETUP, [GATE])
    credit_check.seed_catalogue(session, SETUP)
    session.commit()


def start(session, uscc: str):
    row = runtime.start_process(session, SETUP, "credit_gate",
                                data=case_data(uscc=uscc), area_code="530502")
    session.commit()
    return row


def open_task(session, row) -> str:
    (item,) = session.scalars(select(WorkItem).where(
        WorkItem.instance_id == row.id, WorkItem.status == WorkItemStatus.OPEN)).all()
    return item.task_name


def test_a_restricted_entity_goes_to_the_refusal(session, gate):
    entity = make_entity(session)
    list_entry(session, entity, ListType.SERIOUS, number="保市监严入〔2026〕第9号")
    row = start(session, entity.uscc)
    assert open_task(session, row) == "refuse"
    workflow = open_case(session, row.id).workflow
    (task,) = [t for t in workflow.get_tasks() if t.task_spec.name == "refuse"]
    restrictions = task.data["restrictions"]
    assert [(r["measure"], r["decision_number"]) for r in restrictions] == [
        ("M09", "保市监严入〔2026〕第9号")]
    logged = session.scalars(select(CreditCheck)).all()
    assert {(c.origin, c.action, c.uscc) for c in logged} == {
        ("diagram", "licence", entity.uscc)}


def test_a_clean_entity_goes_to_the_approval(session, gate):
    entity = make_entity(session)
    list_entry(session, entity, ListType.SERIOUS).status = "removed"
    row = start(session, entity.uscc)
    assert open_task(session, row) == "approve"


def test_a_bad_code_stops_the_start_with_the_reason(session, gate):
    with pytest.raises(IncidentError, match="invalid USCC"):
        start(session, "91530502MA6K0000XX")


def test_without_a_catalogue_the_start_fails_with_the_reason(session, world, traveller):
    deploy_paths(session, SETUP, [GATE])
    session.commit()
    entity = make_entity(session)
    with pytest.raises(IncidentError, match="catalogue is empty"):
        start(session, entity.uscc)
