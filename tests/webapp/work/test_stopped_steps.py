"""A step stopped by a limit of the sandbox: the officer reads why, the operators get an
incident, and the case stays where it was."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Incident, InstanceStatus, ProcessInstance, WorkItem, WorkItemStatus
from engine.runtime.deploy import deploy
from tests.factories import SAMPLE, SETUP, start_sample
from tests.memory import bounded_memory  # noqa: F401  (a regression must not take the memory)
from tests.webapp.conftest import open_item

APPROVAL = 'outcome = "approved"\napproved_on = today()'


def test_a_step_stopped_by_a_limit_says_so_and_waits_for_the_operators(login, app_sessions):
    hostile = SAMPLE.read_text(encoding="utf-8").replace(APPROVAL, "x = ['a' * 10**6] * 1000")
    assert hostile != SAMPLE.read_text(encoding="utf-8")
    with app_sessions() as session:
        deploy(session, SETUP, [(SAMPLE.name, hostile.encode())])
        item = open_item(session, start_sample(session))
        session.commit()
    response = login("chen").post(f"/tasks/{item.id}/complete",
                                  {"decision": "approve", "opinion": "同意"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "本案件的数据将超出允许的大小，此步骤未保存" in page and "Traceback" not in page
    with app_sessions() as session:
        incident = session.execute(
            select(Incident).where(Incident.instance_id == item.instance_id)).scalar_one()
        assert "more than 1,048,576 bytes" in incident.message
        assert incident.element == "record_approval"  # the script that met the limit
        instance = session.get(ProcessInstance, item.instance_id)
        assert instance.status == InstanceStatus.INCIDENT
        assert session.get(WorkItem, item.id).status == WorkItemStatus.OPEN
