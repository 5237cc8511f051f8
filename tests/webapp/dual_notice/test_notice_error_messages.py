"""Refusals on the dual-notice and entity pages read in Chinese, chosen by reason code."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from engine.models import Commitment
from tests.webapp.dual_notice import notice_world
from tests.webapp.dual_notice.notice_world import push

world = notice_world.world  # fixture
pytestmark = pytest.mark.usefixtures("traveller")

MESSAGE = re.compile(r'<p class="message" role="alert">(.*?)</p>', re.S)


def message(response) -> str:
    return MESSAGE.search(response.get_data(as_text=True)).group(1).strip()


def in_chinese(login, username: str):
    client = login(username)
    client.post("/auth/language", {"locale": "zh_CN"})
    return client


def test_claiming_a_claimed_notice_says_it_moved_on(login, app_sessions):
    _entity_id, notices = push(app_sessions)
    officer = in_chinese(login, "hu")
    assert officer.post(f"/notices/{notices['530502-psb']}/claim").status_code == 302
    again = officer.post(f"/notices/{notices['530502-psb']}/claim")
    assert again.status_code == 409
    assert message(again) == "该告知已不在此环节，请刷新页面查看最新状态。"


def test_an_officer_revoking_a_claim_reads_who_may(login, app_sessions):
    _entity_id, notices = push(app_sessions)
    officer = in_chinese(login, "hu")
    officer.post(f"/notices/{notices['530502-psb']}/claim")
    refused = officer.post(f"/notices/{notices['530502-psb']}/revoke", {"reason": "认领错了"})
    assert refused.status_code == 403
    assert message(refused) == "只有本部门的管理员才能撤销认领。"


def test_a_scan_out_of_scope_reads_exactly_like_one_that_does_not_exist(login, app_sessions):
    entity_id, _notices = push(app_sessions, "印章刻制")
    stored = login("zhou").post(f"/entities/{entity_id}/commitments", {
        "signed_on": "2026-03-02", "scan": (io.BytesIO(b"%PDF-1.4 scan"), "承诺书.pdf")},
        content_type="multipart/form-data")
    assert stored.status_code == 302
    with app_sessions() as session:
        (row,) = session.execute(select(Commitment)).scalars()
    outsider = in_chinese(login, "liu")
    hidden = outsider.get(f"/entities/commitments/{row.id}/scan")
    missing = outsider.get(f"/entities/commitments/{row.id + 1000}/scan")
    assert hidden.status_code == missing.status_code == 404
    assert message(hidden) == message(missing) == "该扫描件不存在，或不在您的工作范围内。"
