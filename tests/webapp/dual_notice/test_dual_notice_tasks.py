"""Dual notices on the generic task page: claim and return go through the notice service."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine import audit
from engine.dual_notice.routing import route_entities
from engine.models import DualNotice, Notification, NotificationKind, WorkItem, WorkItemStatus
from tests.factories import Change, make_entity, notices_of
from tests.webapp.dual_notice import notice_world

world = notice_world.world  # fixture
pytestmark = pytest.mark.usefixtures("traveller")


@pytest.fixture
def notice_item(app_sessions) -> WorkItem:
    """A seal-engraving registration pushed to the 隆阳区 police (公安局) to claim or return."""
    with app_sessions() as session:
        entity = make_entity(session, "印章刻制")
        route_entities(session, audit.Actor("test:import", "test"), [Change(entity)])
        (notice,) = notices_of(session, entity)
        session.commit()
        return session.execute(select(WorkItem).where(
            WorkItem.instance_id == notice.instance_id,
            WorkItem.status == WorkItemStatus.OPEN)).scalar_one()


def notice_state(app_sessions, item: WorkItem) -> str:
    with app_sessions() as session:
        return session.execute(select(DualNotice.state).where(
            DualNotice.instance_id == item.instance_id)).scalar_one().value


def test_a_notice_task_opens_the_notice_page_with_one_way_to_each_step(login, notice_item,
                                                                        app_sessions):
    """One case step, one page: the inbox's task opens the notice, which offers one claim
    button and one return form (the form's own reasons), and no generic task form."""
    officer = login("hu")
    response = officer.get(f"/tasks/{notice_item.id}")
    with app_sessions() as session:
        notice_id = session.execute(select(DualNotice.id).where(
            DualNotice.instance_id == notice_item.instance_id)).scalar_one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/notices/{notice_id}")
    html = officer.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert html.count('id="claim"') == 1 and html.count('id="return-form"') == 1
    assert 'name="decision"' not in html and 'id="task-form"' not in html
    reasons = re.findall(r'<option value="(\d)">', html.split('id="return-form"')[1])
    assert reasons == ["0", "1", "2"]


def test_claim_from_the_task_form_claims_the_notice(login, notice_item, app_sessions):
    response = login("hu").post(f"/tasks/{notice_item.id}/complete", {"decision": "claim"})
    assert response.status_code == 302
    assert notice_state(app_sessions, notice_item) == "claimed"


def test_return_tells_the_registrar_and_returns_the_notice(login, notice_item, app_sessions,
                                                          world):
    officer = login("hu")
    assert officer.post(f"/tasks/{notice_item.id}/return",
                        {"reason": "9", "note": "x"}).status_code == 422, "not this form's reason"
    response = officer.post(f"/tasks/{notice_item.id}/return",
                            {"reason": "1", "note": "不属本局职责"})
    assert response.status_code == 302
    assert notice_state(app_sessions, notice_item) == "returned"
    with app_sessions() as session:
        told = session.execute(select(Notification).where(
            Notification.kind == NotificationKind.RETURNED)).scalars().all()
    assert {n.user_id for n in told} == {world.users["zhou"].id}
    again = officer.post(f"/tasks/{notice_item.id}/return", {"reason": "1", "note": "x"})
    assert again.status_code == 409 and "该任务已办结" in again.get_data(as_text=True)
