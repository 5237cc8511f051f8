"""The operations console in a browser: the heat map's counts on the diagram, and an
incident retried from its instance's page after a confirmation."""

from __future__ import annotations

from engine.models import Incident, InstanceStatus, ProcessInstance
from engine.runtime import incidents
from tests.browser.conftest import sign_in
from tests.webapp.conftest import start_case


def test_the_counts_stand_on_the_diagram_and_an_incident_is_retried(
        server, server_sessions, new_page):  # type: ignore[no-untyped-def]
    items = [start_case(server_sessions) for _ in range(2)]
    with server_sessions() as session:
        incident = incidents.raise_incident(session, items[0].instance_id, "timer",
                                            "no calendar for 2031", element="escalation_timer")
        definition_id = session.get(ProcessInstance, items[0].instance_id).definition_id
        session.commit()
        incident_id = incident.id
    page = new_page(width=1280, height=900)
    sign_in(page, server, "admin")
    page.goto(f"{server}/operations/versions/{definition_id}")
    page.wait_for_selector("#heatmap[data-ready=true]")
    review = page.locator('.count-badges[data-element="review"] .count-badge.running')
    assert review.inner_text() == "2"
    # The badges and the table name the element in the page's language, not by its id.
    assert page.get_attribute('.count-badges[data-element="review"]', "title") == "审查案件"
    assert page.inner_text('#element-counts tr[data-element="review"] .element-name') == "审查案件"
    escalation = page.locator('.count-badges[data-element="escalation_timer"] .incident')
    assert escalation.inner_text() == "1"
    page.goto(f"{server}/operations/instances/{items[0].instance_id}")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.click("#retry")
    assert asked and "重试" in asked[0]
    assert "等待中" in page.inner_text("#state")
    with server_sessions() as session:
        assert session.get(Incident, incident_id).resolved_at is not None
        assert session.get(ProcessInstance, items[0].instance_id).status == \
            InstanceStatus.WAITING
