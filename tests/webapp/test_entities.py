"""The entity page: registration data with personal data masked, the audited reveal, every
notice with its history; the printable 告知书 and the 承诺书 with its scan."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from engine.models import AuditEvent, Commitment
from tests.webapp.dual_notice import notice_world
from tests.webapp.dual_notice.notice_world import push

world = notice_world.world  # fixture
pytestmark = [pytest.mark.usefixtures("traveller"), pytest.mark.both_backends]

PHONE = "13912345678"
ID_CARD = "530502199001011234"
PERSONAL = {"phone": PHONE, "address": f"保山市隆阳区永昌路1号（经营者身份证{ID_CARD}）"}


def reveals(app_sessions, entity_id: int) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        return list(session.execute(select(AuditEvent).where(
            AuditEvent.action == "entity.reveal",
            AuditEvent.object_id == str(entity_id))).scalars())


def test_personal_data_is_masked_for_everyone(login, app_sessions):
    entity_id, _notices = push(app_sessions, "印章刻制", **PERSONAL)
    for user in ("hu", "zhou", "wang", "admin", "audit"):
        html = login(user).get(f"/entities/{entity_id}").get_data(as_text=True)
        assert PHONE not in html and ID_CARD not in html, user
        assert "139****5678" in html and "530***********1234" in html
        assert "永昌路1号" in html, "the public rest of the address stays"
    assert reveals(app_sessions, entity_id) == []


def test_an_officer_reveals_with_a_reason_and_the_read_is_audited(login, app_sessions):
    entity_id, _notices = push(app_sessions, "印章刻制", **PERSONAL)
    officer = login("hu")
    page = officer.get(f"/entities/{entity_id}").get_data(as_text=True)
    assert 'id="reveal-form"' in page
    refused = officer.post(f"/entities/{entity_id}/reveal", {"reason": "看"})
    assert refused.status_code == 422 and PHONE not in refused.get_data(as_text=True)
    assert reveals(app_sessions, entity_id) == []
    shown = officer.post(f"/entities/{entity_id}/reveal", {"reason": "联系申请人办理许可"})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and PHONE in html and ID_CARD in html
    assert shown.headers["Cache-Control"] == "no-store"
    (event,) = reveals(app_sessions, entity_id)
    assert event.actor == "hu" and event.summary == {
        "fields": ["phone", "address"], "reason": "联系申请人办理许可"}
    later = officer.get(f"/entities/{entity_id}").get_data(as_text=True)
    assert PHONE not in later, "the next view is masked again"
    trail = later.split('id="trail"')[1]
    assert "联系申请人办理许可" in trail and "hu" in trail


def test_roles_without_the_need_cannot_reveal(login, app_sessions):
    entity_id, _notices = push(app_sessions, "印章刻制", **PERSONAL)
    for user in ("wang", "audit", "admin"):
        client = login(user)
        assert 'id="reveal-form"' not in client.get(f"/entities/{entity_id}").get_data(
            as_text=True)
        response = client.post(f"/entities/{entity_id}/reveal", {"reason": "只是看看而已"})
        assert response.status_code == 403 and PHONE not in response.get_data(as_text=True)
    assert login("liu").post(f"/entities/{entity_id}/reveal",
                             {"reason": "只是看看而已"}).status_code == 404
    assert reveals(app_sessions, entity_id) == []


def test_the_page_lists_every_notice_with_its_state_and_history(login, app_sessions):
    entity_id, notices = push(app_sessions, "印章刻制；餐饮服务")
    login("hu").post(f"/notices/{notices['530502-psb']}/return",
                     {"reason": "2", "note": "不在辖区"})
    html = login("zhou").get(f"/entities/{entity_id}").get_data(as_text=True)
    for notice_id in notices.values():
        assert f'data-notice="{notice_id}"' in html
    returned = html.split(f'data-notice="{notices["530502-psb"]}"')[1].split("</div>")[0]
    assert "已退回" in returned and "住所不在本辖区" in returned


def test_entities_out_of_scope_are_not_found(login, app_sessions):
    entity_id, _notices = push(app_sessions, "印章刻制")
    assert login("liu").get(f"/entities/{entity_id}").status_code == 404
    assert login("zhao").get(f"/entities/{entity_id}").status_code == 404
    # no notice of theirs, but the registry of their county is shared with them
    assert login("qian").get(f"/entities/{entity_id}").status_code == 200
    assert f"/entities/{entity_id}" not in login("liu").get("/entities/").get_data(as_text=True)
    assert f"/entities/{entity_id}" in login("hu").get("/entities/").get_data(as_text=True)


def test_the_notice_letter_prints_without_scripts(login, app_sessions):
    entity_id, _notices = push(app_sessions, "印章刻制；餐饮服务")
    response = login("zhou").get(f"/entities/{entity_id}/letter")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script" not in html
    assert "letter.css" in html and "隆阳区公安局" in html and "承诺书" in html
    assert login("hu").get(f"/entities/{entity_id}/letter").status_code == 404


def test_the_signed_promise_is_kept_with_its_scan_and_served_in_scope(login, app_sessions):
    entity_id, _notices = push(app_sessions, "印章刻制")
    clerk = login("zhou")
    bad = clerk.sent_back(f"/entities/{entity_id}/commitments", {
        "signed_on": "2026-03-02", "scan": (io.BytesIO(b"MZ"), "x.exe")},
        content_type="multipart/form-data")
    assert bad.anchor == "field-scan" and "has-error" in bad.get_data(as_text=True)
    future = clerk.sent_back(f"/entities/{entity_id}/commitments",
                             {"signed_on": "2026-04-01"}, content_type="multipart/form-data")
    assert future.anchor == "field-signed_on"
    assert 'value="2026-04-01"' in future.get_data(as_text=True), "what was typed is kept"
    done = clerk.post(f"/entities/{entity_id}/commitments", {
        "signed_on": "2026-03-02", "scan": (io.BytesIO(b"%PDF-1.4 scan"), "承诺书.pdf")},
        content_type="multipart/form-data")
    assert done.status_code == 302
    with app_sessions() as session:
        (row,) = session.execute(select(Commitment)).scalars()
    scan = clerk.get(f"/entities/commitments/{row.id}/scan")
    assert scan.status_code == 200 and scan.data == b"%PDF-1.4 scan"
    assert scan.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert login("liu").get(f"/entities/commitments/{row.id}/scan").status_code == 404
    assert login("hu").get(f"/entities/commitments/{row.id}/scan").status_code == 404
