"""The unlicensed-operation pages as people use them: a report from the portal (no cookie),
the handling unit reads the reporter, triage, investigation, a fine over the cap refused
with its cap named, the penalty recorded; the reporter's identity walked through every
page and export an outsider of the handling unit reaches; copies and figures."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.models import (
    AuditEvent,
    DisclosureRecord,
    OrgKind,
    Role,
    UnlicensedCase,
    WorkItem,
    WorkItemStatus,
)
from engine.org.units import add_org_unit, add_user
from tests.factories import PASSWORD, SETUP, make_entity
from tests.webapp.unlicensed.matrix import REPORTER_NAME, REPORTER_PHONE

pytestmark = pytest.mark.usefixtures("traveller")
TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
def health(app_sessions, world):
    """隆阳区's health commission, which grants the public-place hygiene licence, and qian."""
    with app_sessions() as session:
        unit = add_org_unit(session, "530502-health", "隆阳区卫生健康局", OrgKind.DEPARTMENT,
                            "530502", session.merge(world.units["530502"]))
        add_user(session, SETUP, "qian", "qian", PASSWORD, "530502-health", [Role.OFFICER])
        session.commit()
        return unit.id


def report(client, environ: dict | None = None, **overrides) -> object:
    form = client.get("/public/unlicensed/report", environ_base=environ or {})
    assert form.status_code == 200 and "Set-Cookie" not in form.headers
    data = {"token": TOKEN.search(form.text).group(1), "area_code": "530502",
            "name": "无名美甲店", "address": "隆阳区正阳南路12号",
            "summary": "该店未取得营业执照，已营业半年。", "reporter_name": REPORTER_NAME,
            "contact": REPORTER_PHONE, **overrides}
    return client.http.post("/public/unlicensed/report", data=data, environ_base=environ or {})


def the_case(app_sessions) -> UnlicensedCase:
    with app_sessions() as session:
        return session.execute(select(UnlicensedCase).order_by(UnlicensedCase.id.desc())
                               ).scalars().first()


def open_item(app_sessions, case) -> int:
    with app_sessions() as session:
        return session.execute(select(WorkItem.id).where(
            WorkItem.instance_id == case.instance_id,
            WorkItem.status == WorkItemStatus.OPEN)).scalars().first()


def test_a_public_report_is_received_and_worked_to_a_penalty(client, login, app_sessions):
    sent = report(client)
    assert sent.status_code == 303 and "Set-Cookie" not in sent.headers
    thanks = client.get(sent.headers["Location"])
    assert "处理结果将通过您留下的联系方式告知" in thanks.text
    case = the_case(app_sessions)
    assert (case.source, case.state) == ("report", "triage")

    chen = login("chen")
    page = chen.get(f"/unlicensed/{case.id}")
    assert REPORTER_NAME in page.text and REPORTER_PHONE in page.text  # the handling unit
    with app_sessions() as session:
        (read,) = session.execute(select(AuditEvent).where(
            AuditEvent.action == "unlicensed.reporter_read")).scalars()
        assert read.actor == "chen" and REPORTER_PHONE not in str(read.summary)
    item = open_item(app_sessions, case)
    task = chen.get(f"/tasks/{item}")  # the inbox's link leads to the case page
    assert task.status_code == 302 and task.headers["Location"].endswith(f"/unlicensed/{case.id}")
    done = chen.post(f"/unlicensed/{case.id}/steps/{item}",
                     {"missing": "business_licence", "triage_note": "现场无营业执照"})
    assert done.status_code == 303
    item = open_item(app_sessions, case)
    chen.post(f"/unlicensed/{case.id}/steps/{item}",
              {"finding": "penalty", "finding_note": "无照经营半年属实"})
    item = open_item(app_sessions, case)
    step = chen.get(f"/unlicensed/{case.id}").text  # an operator not in the registry
    assert 'id="unregistered-penalty"' in step and "不予公示" in step
    penalty = {"fine_article": "13", "fine_amount": "12000",
               "decision_number": "隆市监罚〔2026〕8号", "penalty_facts": "无照从事美甲服务"}
    refused = chen.sent_back(f"/unlicensed/{case.id}/steps/{item}", penalty)
    assert "第十三条" in refused.text and "10,000" in refused.text
    assert refused.anchor == "field-fine_amount" and "隆市监罚〔2026〕8号" in refused.text
    chen.post(f"/unlicensed/{case.id}/steps/{item}", {**penalty, "fine_amount": "9000"})
    closed = chen.get(f"/unlicensed/{case.id}")
    assert "已办结" in closed.text and "9000" in closed.text
    assert 'id="not-published"' in closed.text and 'id="record-link"' not in closed.text
    assert "不予公示" in closed.text and "统一社会信用代码" in closed.text  # and why
    with app_sessions() as session:
        assert session.execute(select(DisclosureRecord)).first() is None
        assert session.execute(select(AuditEvent).where(
            AuditEvent.action == "unlicensed.not_published")).scalar() is not None
    assert "处理结果" in closed.text  # the outcome to tell the named reporter


def test_an_anonymous_report_and_a_name_without_contact(client, app_sessions):
    assert report(client, reporter_name="", contact="").status_code == 303
    refused = report(client, contact="")
    assert refused.status_code == 422 and "aria-invalid" in refused.text
    assert the_case(app_sessions).number  # the anonymous one only
    with app_sessions() as session:
        assert session.execute(select(UnlicensedCase)).scalars().all().__len__() == 1


def visible(response) -> str:
    if response.headers.get("Content-Type", "").startswith("application/vnd.openxml"):
        book = load_workbook(io.BytesIO(response.data))
        return " ".join(str(c.value) for sheet in book for row in sheet.iter_rows()
                        for c in row if c.value is not None)
    return response.get_data(as_text=True)


def test_no_outsider_of_the_handling_unit_ever_reads_the_reporter(
        client, login, app_sessions, world, health):
    report(client)
    case = the_case(app_sessions)
    item = open_item(app_sessions, case)
    # 隆阳区's market regulator finds a hygiene permit missing too: copied to health (Art. 8).
    login("chen").post(f"/unlicensed/{case.id}/steps/{item}", {
        "missing": "both", "licence_item": "HE-PUBLIC-PLACE", "triage_note": "无照且无卫生许可"})
    case = the_case(app_sessions)
    assert case.department_org_id == health and case.state == "copied"
    item = open_item(app_sessions, case)
    urls = ["/unlicensed/", f"/unlicensed/{case.id}", "/unlicensed/copies",
            "/unlicensed/copies?box=sent", "/unlicensed/figures", "/unlicensed/figures.xlsx",
            "/unlicensed/?state=copied", "/inbox/", "/inbox/?tab=claimable", f"/tasks/{item}",
            "/monitor/", "/api/v1/inbox", f"/api/v1/tasks/{item}", "/audit/",
            "/audit/events.xlsx", "/audit/reveals", "/audit/reveals.xlsx", "/notifications/",
            "/public/?q=美甲", "/public/unlicensed/report"]
    # chen now sent it away: an outsider too, like the office, the administrators, Tengchong.
    for username in ("chen", "zhang", "wang", "admin", "audit", "liu", "zhao"):
        user = login(username)
        for url in urls:
            response = user.get(url, follow_redirects=True)
            if url == f"/unlicensed/{case.id}":
                assert response.status_code == (404 if username in ("liu", "zhao") else 200)
            text = visible(response)
            assert REPORTER_NAME not in text and REPORTER_PHONE not in text, (username, url)
    qian = login("qian")
    assert REPORTER_PHONE in qian.get(f"/unlicensed/{case.id}").text  # the handling unit


def test_copies_answered_show_their_feedback_state_and_the_figures_count_them(
        login, app_sessions, health):
    with app_sessions() as session:
        entity = make_entity(session)
        session.commit()
        entity_id = entity.id
    chen = login("chen")
    chen.post("/unlicensed/new", {"source": "inspection", "uscc": "",
                                  "name": "永昌足浴", "address": "隆阳区兰城路1号",
                                  "area_code": "530502", "summary": "检查发现未取得卫生许可经营"})
    case = the_case(app_sessions)
    assert case.source == "inspection" and entity_id
    chen.post(f"/unlicensed/{case.id}/steps/{open_item(app_sessions, case)}", {
        "missing": "permit", "licence_item": "HE-PUBLIC-PLACE", "triage_note": "无卫生许可"})
    sent = chen.get("/unlicensed/copies?box=sent")
    assert 'data-feedback="waiting"' in sent.text and "隆阳区卫生健康局" in sent.text
    qian = login("qian")
    inbox = qian.get("/unlicensed/copies")
    assert 'data-feedback="waiting"' in inbox.text
    qian.post(f"/unlicensed/{case.id}/steps/{open_item(app_sessions, case)}",
              {"copy_answer": "accepted", "feedback": "已接收，组织查处"})
    assert 'data-feedback="answered_on_time"' in qian.get("/unlicensed/copies").text
    wang = login("wang")  # the joint-meeting office sees the whole area
    assert "按时反馈" in wang.get("/unlicensed/figures").text
    cells = visible(wang.get("/unlicensed/figures.xlsx"))
    assert "隆阳区卫生健康局 0 0 1 1 0 0 1" in cells and "隆阳区市场监管局 1 0 0 0 0 0" in cells


def test_the_audit_trail_keeps_no_address_of_a_reporter(client, app_sessions):
    assert report(client, {"REMOTE_ADDR": "198.51.100.23"}).status_code == 303
    with app_sessions() as session:
        events = session.execute(select(AuditEvent)).scalars().all()
        assert events and all("198.51.100.23" not in f"{e.origin} {e.summary}" for e in events)
