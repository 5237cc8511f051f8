"""The task page: what it shows, the form round trip, and every action on a task."""

from __future__ import annotations

import io
import re
import shutil
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import func, select

from engine import runtime
from engine.models import (
    Attachment,
    InstanceStatus,
    Notification,
    NotificationKind,
    ProcessInstance,
    User,
    WorkItem,
    WorkItemStatus,
)
from tests.webapp.conftest import start_case


def text(response) -> str:
    return response.get_data(as_text=True)


def claim_as(app_sessions, world, username, item_id):
    with app_sessions() as session:
        runtime.claim(session, world.actor(username), item_id)
        session.commit()


def test_task_page_shows_case_form_and_actions(login, case):
    html = text(login("chen").get(f"/tasks/{case.id}"))
    assert "审查案件" in html and "Review the case" not in html, "names in one language"
    assert 'id="claim"' in html and 'id="complete"' in html
    assert "审查结论" in html and "审查意见" in html and "— 请选择 —" in html
    assert "发起了案件" in html  # the history, from the audit trail
    assert 'data-xml-url="/tasks/' in html


def test_page_in_english_uses_the_forms_english_labels(login, case):
    officer = login("chen")
    officer.post("/auth/language", {"locale": "en"})
    html = text(officer.get(f"/tasks/{case.id}"))
    assert "Decision" in html and "Opinion" in html and "Claim" in html


def test_entity_summary_masks_the_phone(login, app_sessions):
    from engine.models import MarketEntity
    from engine.runtime import start_process
    from tests.factories import SETUP, case_data
    from tests.webapp.conftest import open_item

    with app_sessions() as session:
        entity = MarketEntity(uscc="91530502MA6K0000XB", name="保山永昌餐饮", area_code="530502",
                              phone="13812345678", business_scope="餐饮服务")
        session.add(entity)
        session.flush()
        instance = start_process(session, SETUP, "sample_review", data=case_data(),
                                 entity_id=entity.id, area_code="530502")
        session.commit()
        item = open_item(session, instance)
    html = text(login("chen").get(f"/tasks/{item.id}"))
    assert "保山永昌餐饮" in html and "餐饮服务" in html
    assert "138****5678" in html and "13812345678" not in html


def test_claim_then_release(login, case, app_sessions):
    officer = login("chen")
    assert officer.post(f"/tasks/{case.id}/claim").status_code == 302
    html = text(officer.get(f"/tasks/{case.id}"))
    assert "您已认领该任务" in html and 'id="release"' in html and 'id="claim"' not in html
    assert "认领" in html.split("办理记录")[1]
    officer.post(f"/tasks/{case.id}/release")
    with app_sessions() as session:
        assert session.get(WorkItem, case.id).assignee_id is None


def test_two_officers_race_to_claim(login, case, app_sessions, world):
    chen, yang = login("chen"), login("yang")
    assert 'id="claim"' in text(chen.get(f"/tasks/{case.id}"))
    assert 'id="claim"' in text(yang.get(f"/tasks/{case.id}"))
    assert chen.post(f"/tasks/{case.id}/claim").status_code == 302
    lost = yang.post(f"/tasks/{case.id}/claim")
    assert lost.status_code == 409
    assert "该任务刚刚已被 chen 认领" in text(lost)
    assert f'href="/tasks/{case.id}"' in text(lost)
    with app_sessions() as session:
        assert session.get(WorkItem, case.id).assignee_id == world.users["chen"].id


def test_only_the_holder_or_a_manager_releases(login, case, app_sessions, world):
    claim_as(app_sessions, world, "chen", case.id)
    refused = login("yang").post(f"/tasks/{case.id}/release")
    assert refused.status_code == 403
    assert "只有该任务的办理人或管理人员" in text(refused)
    assert login("zhang").post(f"/tasks/{case.id}/release").status_code == 302


def test_form_validation_round_trip(login, case, app_sessions):
    officer = login("chen")
    # A failed form redirects (PRG: Back and reload never send it again) to the page at
    # its first error, with what was typed and the errors; shown once.
    empty = officer.sent_back(f"/tasks/{case.id}/complete", {"decision": "", "opinion": ""})
    assert empty.anchor == "field-decision"
    html = text(empty)
    assert html.count("此项为必填项") == 2
    assert "此项为必填项" not in text(officer.get(f"/tasks/{case.id}")), "shown once"
    short = officer.sent_back(f"/tasks/{case.id}/complete",
                              {"decision": "approve", "opinion": "好"})
    html = text(short)
    assert short.anchor == "field-opinion" and "至少填写 2 个字" in html
    assert re.search(r'<option selected value="approve">|<option value="approve" selected>', html)
    assert re.search(r">\s*好</textarea>", html), "what the user typed is kept"
    bad = officer.sent_back(f"/tasks/{case.id}/complete", {"decision": "maybe", "opinion": "可以"})
    assert "请从选项中选择" in text(bad)
    done = officer.post(f"/tasks/{case.id}/complete", {"decision": "approve", "opinion": "同意"})
    assert done.status_code == 302 and done.headers["Location"] == "/inbox/"
    with app_sessions() as session:
        item = session.get(WorkItem, case.id)
        assert item.status == WorkItemStatus.COMPLETED
        assert session.get(ProcessInstance, item.instance_id).status == InstanceStatus.COMPLETED
    finished = text(officer.get(f"/tasks/{case.id}"))
    assert "已办结" in finished and 'id="complete"' not in finished


def test_completing_an_item_held_by_another_is_a_conflict(login, case, app_sessions, world):
    claim_as(app_sessions, world, "chen", case.id)
    response = login("yang").post(f"/tasks/{case.id}/complete",
                                  {"decision": "approve", "opinion": "同意"})
    assert response.status_code == 409


def test_assign_to_a_person_notifies_them(login, case, app_sessions, world):
    claim_as(app_sessions, world, "chen", case.id)
    officer = login("chen")
    page = text(officer.get(f"/tasks/{case.id}"))
    assert f'value="user:{world.users["yang"].id}"' in page
    assert f'value="user:{world.users["liu"].id}"' not in page, "only people in scope"
    officer.post(f"/tasks/{case.id}/assign", {"target": f"user:{world.users['yang'].id}"})
    with app_sessions() as session:
        assert session.get(WorkItem, case.id).assignee_id == world.users["yang"].id
        note = session.execute(select(Notification)).scalar_one()
        assert note.user_id == world.users["yang"].id and note.kind == NotificationKind.ASSIGNED
    inbox = text(login("yang").get("/inbox/"))
    assert 'id="unread-count"' in inbox


def test_assign_to_a_sub_unit(login, case, app_sessions, world):
    claim_as(app_sessions, world, "chen", case.id)
    station = world.units["530502-amr-st"]
    login("chen").post(f"/tasks/{case.id}/assign", {"target": f"unit:{station.id}"})
    with app_sessions() as session:
        item = session.get(WorkItem, case.id)
        assert item.candidate_org_id == station.id and item.assignee_id is None
        told = session.execute(select(Notification.user_id)).scalars().all()
    assert told == [world.users["sun"].id]


def test_assign_out_of_scope_is_refused(login, case, app_sessions, world):
    claim_as(app_sessions, world, "chen", case.id)
    response = login("chen").post(f"/tasks/{case.id}/assign",
                                  {"target": f"user:{world.users['liu'].id}"})
    assert response.status_code == 422
    with app_sessions() as session:
        assert session.get(WorkItem, case.id).assignee_id == world.users["chen"].id


def test_return_with_reason_notifies_the_registrar(login, case, app_sessions, world):
    officer = login("chen")
    assert "退回任务" in text(officer.get(f"/tasks/{case.id}"))
    missing = officer.sent_back(f"/tasks/{case.id}/return", {"reason": "1", "note": ""})
    assert "此项为必填项" in text(missing) and missing.anchor == "field-note"
    done = officer.post(f"/tasks/{case.id}/return", {"reason": "1", "note": "不属本局职责"})
    assert done.status_code == 302
    with app_sessions() as session:
        new_item = session.execute(select(WorkItem).where(
            WorkItem.instance_id == case.instance_id, WorkItem.status == WorkItemStatus.OPEN)
        ).scalar_one()
        assert new_item.task_name == "handle_rejection"
        note = session.execute(select(Notification)).scalar_one()
        assert note.user_id == world.users["zhou"].id and note.kind == NotificationKind.RETURNED
        assert note.note == "不属本局职责"
    html = text(login("zhou").get(f"/tasks/{new_item.id}"))
    assert "退回" in html and "不属本局职责" in html and "经营范围不属本部门职责" in html
    assert "退回任务" not in html, "the registrar's task has no return flow"
    assert login("zhou").post(f"/tasks/{new_item.id}/return",
                              {"reason": "1", "note": "x"}).status_code == 403


def test_comments(login, case):
    officer = login("chen")
    officer.post(f"/tasks/{case.id}/comments", {"body": "已电话联系企业"})
    officer.post(f"/tasks/{case.id}/comments", {"body": "   "})
    html = text(officer.get(f"/tasks/{case.id}"))
    assert "已电话联系企业" in html and "意见内容不能为空" in html
    assert "已电话联系企业" in text(login("zhang").get(f"/tasks/{case.id}"))
    assert login("liu").post(f"/tasks/{case.id}/comments", {"body": "x"}).status_code == 404


def upload(client, item_id, name, content):
    return client.post(f"/tasks/{item_id}/attachments",
                       {"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_attachments_are_kept_and_served_only_in_scope(login, case, app, app_sessions):
    officer = login("chen")
    upload(officer, case.id, "告知书.pdf", b"%PDF-1.4 test")
    with app_sessions() as session:
        row = session.execute(select(Attachment)).scalar_one()
    stored = app.extensions["creditflow.settings"].upload_dir / row.stored_name
    assert stored.read_bytes() == b"%PDF-1.4 test"
    assert "告知书.pdf" in text(officer.get(f"/tasks/{case.id}"))
    download = login("zhang").get(f"/tasks/attachments/{row.id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 test"
    assert download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert login("liu").get(f"/tasks/attachments/{row.id}").status_code == 404
    assert login("chen").get("/tasks/attachments/999").status_code == 404


def upload_named(client, item_id, name, content):
    """A file whose name is sent RFC 2231-encoded, as a client may send any bytes in it."""
    token, boundary = client.token or client.refresh_token(), "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename*=UTF-8''{quote(name)}\r\nContent-Type: application/pdf\r\n\r\n"
            ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.http.post(f"/tasks/{item_id}/attachments", data=body,
                            content_type=f"multipart/form-data; boundary={boundary}")


def test_attachment_names_with_control_characters_are_cleaned_and_still_download(
        login, case, app, app_sessions):
    officer = login("chen")
    upload_named(officer, case.id, "告知\r\n书\x00\x07.pdf", b"%PDF-1.4 test")
    with app_sessions() as session:
        row = session.execute(select(Attachment)).scalar_one()
        assert row.filename == "告知书.pdf"
        old = Attachment(instance_id=row.instance_id, work_item_id=row.work_item_id,
                         uploaded_by_id=row.uploaded_by_id,
                         filename="整改\r\nSet-Cookie: x\x00.pdf",
                         content_type=row.content_type, size=row.size, sha256=row.sha256,
                         stored_name=f"{row.stored_name}-old", created_at=row.created_at)
        folder = app.extensions["creditflow.settings"].upload_dir
        shutil.copy(folder / row.stored_name, folder / old.stored_name)
        session.add(old)
        session.commit()
        ids = (row.id, old.id)
    for attachment_id, name in zip(ids, ("告知书.pdf", "整改Set-Cookie: x.pdf"), strict=True):
        download = officer.get(f"/tasks/attachments/{attachment_id}")
        assert download.status_code == 200 and download.data == b"%PDF-1.4 test"
        disposition = download.headers["Content-Disposition"]
        assert "\r" not in disposition and "\n" not in disposition
        assert f"filename*=UTF-8''{quote(name)}" in disposition


def test_attachment_type_and_size_limits(login, case, app, app_sessions):
    officer = login("chen")
    upload(officer, case.id, "run.exe", b"MZ...")
    upload(officer, case.id, "photo.png", b"not really a png")
    app.extensions["creditflow.settings"] = app.extensions["creditflow.settings"].replace(
        upload_max_bytes=10)
    html = text(officer.get(f"/tasks/{case.id}"))
    assert "不支持该类型的文件" in html
    with app_sessions() as session:
        assert session.execute(select(Attachment)).first() is None
    upload_dir = app.extensions["creditflow.settings"].upload_dir
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def test_too_large_upload_is_refused(login, case, app, app_sessions, monkeypatch):
    officer = login("chen")
    from engine.work import attachments

    monkeypatch.setattr(attachments, "settings_of",
                        lambda s: app.extensions["creditflow.settings"].replace(
                            upload_max_bytes=10))
    upload(officer, case.id, "big.txt", b"x" * 100)
    assert "文件超过允许的大小" in text(officer.get(f"/tasks/{case.id}"))
    with app_sessions() as session:
        assert session.execute(select(Attachment)).first() is None


def test_diagram_xml_and_states(login, case):
    officer = login("chen")
    xml = officer.get(f"/tasks/{case.id}/diagram.bpmn")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert b"bpmndi:BPMNDiagram" in xml.data
    states = officer.get(f"/tasks/{case.id}/diagram.json").get_json()
    assert states["current"] == "review"
    assert "start" in states["completed"] and "review" in states["active"]
    assert login("liu").get(f"/tasks/{case.id}/diagram.bpmn").status_code == 404
    assert login("liu").get(f"/tasks/{case.id}/diagram.json").status_code == 404


def test_urge_notifies_the_holder(login, case, app_sessions, world):
    claim_as(app_sessions, world, "chen", case.id)
    assert login("yang").post(f"/tasks/{case.id}/urge", {"note": "快"}).status_code == 403
    response = login("wang").post(f"/tasks/{case.id}/urge", {"note": "请今天办结"})
    assert response.status_code == 302
    with app_sessions() as session:
        note = session.execute(select(Notification)).scalar_one()
    assert note.kind == NotificationKind.URGED and note.user_id == world.users["chen"].id
    assert note.note == "请今天办结"
    assert "请今天办结" in text(login("chen").get("/notifications/"))


def test_out_of_scope_ids_are_not_found(login, case):
    other = login("liu")
    for url in (f"/tasks/{case.id}", "/tasks/99999"):
        response = other.get(url)
        assert response.status_code == 404 and "审查案件" not in text(response)
    for action in ("claim", "release", "complete", "return", "urge"):
        assert other.post(f"/tasks/{case.id}/{action}").status_code == 404


def test_urge_once_a_working_day_and_never_into_the_void(login, case, app_sessions, world,
                                                       traveller):
    claim_as(app_sessions, world, "chen", case.id)
    supervisor = login("wang")
    supervisor.post(f"/tasks/{case.id}/urge", {"note": "请今天办结"})
    again = supervisor.post(f"/tasks/{case.id}/urge", {"note": "再催"})
    assert again.status_code == 302
    page = text(supervisor.get(again.headers["Location"]))
    assert "本工作日已于" in page and "每个工作日催办一次即可" in page
    assert "上次催办" in page
    with app_sessions() as session:
        assert session.execute(select(func.count()).select_from(Notification)).scalar() == 1
    traveller.shift(timedelta(days=1))  # the next working day (Tuesday): a new sign-in
    assert login("wang").post(f"/tasks/{case.id}/urge", {"note": "第二天"}).status_code == 302
    with app_sessions() as session:
        assert session.execute(select(func.count()).select_from(Notification)).scalar() == 2


def test_an_urge_nobody_can_hear_says_so(login, app_sessions, world):
    item = start_case(app_sessions, area="530581")  # 腾冲: its AMR has one officer, liu
    with app_sessions() as session:
        session.get_one(User, world.users["liu"].id).active = False
        session.commit()
    supervisor = login("zhao")
    response = supervisor.post(f"/tasks/{item.id}/urge", {"note": "快"})
    assert "无人可通知" in text(supervisor.get(response.headers["Location"]))
    with app_sessions() as session:
        assert session.execute(select(func.count()).select_from(Notification)).scalar() == 0
