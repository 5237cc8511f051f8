"""The auditors' pages: the trail with filters, the chain check from the browser, the report
of reads of personal data, their workbooks."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select, update

from engine.models import AuditEvent
from tests.webapp.dual_notice import notice_world

world = notice_world.world  # fixture
push = notice_world.push
pytestmark = pytest.mark.usefixtures("traveller")


def events(app_sessions) -> int:  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.fixture
def read(login, app_sessions):
    """An officer of the police read an entity's phone number."""
    entity_id, _notices = push(app_sessions, "印章刻制")
    response = login("hu").post(f"/entities/{entity_id}/reveal", {"reason": "联系申请人办理许可"})
    assert response.status_code == 200
    return entity_id


def test_the_auditor_filters_the_trail(login, read):
    auditor = login("audit")
    assert 'href="/audit/"' in auditor.get("/monitor/").get_data(as_text=True)

    page = auditor.get("/audit/?actor=hu&action=entity.").get_data(as_text=True)

    assert page.count('data-event=') == 1 and "entity.reveal" in page
    assert "联系申请人办理许可" in page
    assert 'data-event=' not in auditor.get("/audit/?actor=nobody").get_data(as_text=True)


def test_the_chain_check_is_a_post_that_shows_its_result(login, read, app_sessions):
    auditor = login("audit")
    before = events(app_sessions)

    response = auditor.post("/audit/verify?actor=hu")

    assert response.status_code == 302 and response.headers["Location"] == "/audit/?actor=hu"
    page = auditor.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-success" in page and str(before) in page
    assert events(app_sessions) == before  # checking changes nothing
    with app_sessions() as session:
        session.execute(update(AuditEvent).where(AuditEvent.action == "entity.reveal")
                        .values(actor="someone"))
        session.commit()
    broken = auditor.get(auditor.post("/audit/verify").headers["Location"])
    assert "flash-error" in broken.get_data(as_text=True)


def test_the_reads_report_names_the_reader_the_entity_and_the_reason(login, read):
    page = login("audit").get("/audit/reveals").get_data(as_text=True)
    assert f'href="/entities/{read}"' in page
    assert "联系申请人办理许可" in page and "(hu)" in page


def test_the_workbooks_download(login, read):
    auditor = login("audit")
    reads = auditor.get("/audit/reveals.xlsx")
    trail = auditor.get("/audit/events.xlsx?action=entity.reveal")
    for response in (reads, trail):
        assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(reads.data)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "hu" and rows[1][6] == "联系申请人办理许可"
    trail_rows = list(openpyxl.load_workbook(io.BytesIO(trail.data)).active
                      .iter_rows(values_only=True))
    assert [row[3] for row in trail_rows[1:]] == ["entity.reveal"]


def test_others_meet_no_audit_pages(login, read):
    for username in ("hu", "admin", "wang"):
        assert login(username).get("/audit/").status_code == 404
