"""POST /api/v1/signals and /api/v1/messages, and `creditflow send`."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import User, WorkItem, WorkItemStatus
from engine.runtime import start_process
from engine.runtime.deploy import deploy
from tests.engine.runtime.test_events import HOLD
from tests.factories import SETUP
from tests.webapp.test_api import bearer, token_for


def waiting_case(app_sessions, world) -> int:  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        deploy(session, SETUP, [("hold.bpmn", HOLD)])
        chen = session.get_one(User, world.users["chen"].id)
        row = start_process(session, SETUP, "hold", area_code="530502", data={
            "department_org": chen.org_unit.code})
        session.commit()
        return row.id


def open_tasks(app_sessions, instance_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        return list(session.execute(select(WorkItem.task_name).where(
            WorkItem.instance_id == instance_id,
            WorkItem.status == WorkItemStatus.OPEN)).scalars())


def test_a_system_administrators_token_sends_a_signal(app, app_sessions, world, traveller):
    instance = waiting_case(app_sessions, world)
    client = app.test_client()
    refused = client.post("/api/v1/signals", json={"name": "go"},
                          headers=bearer(token_for(app_sessions, "chen")))
    assert refused.status_code == 403 and refused.get_json()["code"] == "may_not_send_events"
    admin = bearer(token_for(app_sessions, "admin"))
    bad = client.post("/api/v1/signals", json={"name": "go", "payload": [1]}, headers=admin)
    assert bad.status_code == 422 and bad.get_json()["fields"] == {"payload": "not_object"}
    sent = client.post("/api/v1/signals", json={"name": "go", "instance_id": instance,
                                                "payload": {"why": "复工"}}, headers=admin)
    assert sent.status_code == 200
    assert sent.get_json() == {"kind": "signal", "name": "go", "caught": True,
                               "delivered": [instance], "started": []}
    assert open_tasks(app_sessions, instance) == ["act"]
    again = client.post("/api/v1/messages", json={"name": "go"}, headers=admin).get_json()
    assert again["caught"] is False
