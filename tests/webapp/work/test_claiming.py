"""Claiming is the same everywhere: a candidate task is claimed first, or claimed by
completing it — and then the page says so before, and the history after, as the API does."""

from __future__ import annotations

from engine.models import AuditEvent
from tests.webapp.conftest import start_case


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_page_says_completing_an_unheld_task_claims_it(login, case):
    html = text(login("chen").get(f"/tasks/{case.id}"))
    assert "认领并办结" in html and 'id="claims-on-completion"' in html


def test_completing_unheld_shows_the_claim_in_the_history(login, case, app_sessions):
    officer = login("chen")
    done = officer.post(f"/tasks/{case.id}/complete", {"decision": "approve", "opinion": "同意"})
    assert done.status_code == 302
    html = text(officer.get(f"/tasks/{case.id}"))
    assert "认领 (办结时)" in html
    with app_sessions() as session:
        actions = [e.action for e in session.query(AuditEvent).filter(
            AuditEvent.actor == "chen", AuditEvent.action.like("task.%")).order_by(AuditEvent.id)]
    assert actions == ["task.claim", "task.complete"]


def test_a_held_task_just_completes(login, case):
    officer = login("chen")
    officer.post(f"/tasks/{case.id}/claim")
    html = text(officer.get(f"/tasks/{case.id}"))
    assert "认领并办结" not in html and 'id="claims-on-completion"' not in html


def test_the_api_reports_the_claim_made_on_completion(login, app_sessions):
    officer = login("chen")
    unheld, held = start_case(app_sessions), start_case(app_sessions)
    officer.post_json(f"/api/v1/tasks/{held.id}/claim")
    data = {"data": {"decision": "approve", "opinion": "同意"}}
    first = officer.post_json(f"/api/v1/tasks/{unheld.id}/complete", data).get_json()
    second = officer.post_json(f"/api/v1/tasks/{held.id}/complete", data).get_json()
    assert first["claimed_on_completion"] is True
    assert second["claimed_on_completion"] is False
