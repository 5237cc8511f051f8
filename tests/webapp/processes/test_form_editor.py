"""The form editor: the list, a field list kept when refused with every error in Chinese,
the preview drawn by the task forms' macro, a save as the next version, and the redeploy
after which new cases ask the new field while running cases keep their form."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.disclosure import deploy_record_forms
from engine.models import AuditEvent, FormVersion, ProcessDefinition
from engine.runtime.form_versions import save_form
from engine.runtime.forms import shipped_raw
from tests.factories import SETUP
from tests.webapp.conftest import start_case
from webapp.form_rows import rows_of

pytestmark = pytest.mark.both_backends

DETAIL = {"name": "return_detail", "type": "textarea", "label_zh": "退回说明",
          "label_en": "What to redo", "required": "y", "show_if_field": "decision",
          "show_if_values": "reject"}


def typed(extra: dict[str, str] | None = None, comment: str = "问清退回原因") -> dict[str, Any]:
    """The editor's entries for the shipped review form, with `extra` as a new first-but-one
    field (its row number 7: rows keep their number wherever they are moved)."""
    raw = shipped_raw("sample_review")
    assert raw is not None
    data: dict[str, Any] = {"title_zh": raw["title_zh"], "title_en": raw["title_en"]}
    rows = rows_of(raw)
    for index, row in enumerate(rows):
        for name, value in vars(row).items():
            if name == "required":
                if value:
                    data[f"fields-{row.id}-required"] = "y"
            elif name != "id":
                data[f"fields-{row.id}-{name}"] = value
        if index == 0 and extra:
            data.update({f"fields-7-{name}": value for name, value in extra.items()})
    data["comment"] = comment
    return data


def test_the_list_shows_each_form_with_its_version_and_processes(login):
    text = login("admin").get("/processes/forms/").get_data(as_text=True)
    row = text.split('id="form-sample_review"')[1].split("</li>")[0]
    assert "审查案件" in row and "版本 1" in row and "sample_review" in row
    assert 'href="/processes/forms/sample_review"' in row


def test_the_editor_lists_the_fields_and_previews_them_as_a_task_does(login):
    text = login("admin").get("/processes/forms/sample_review").get_data(as_text=True)
    assert 'name="fields-0-name" value="decision"' in text
    assert "approve | 通过 | Approve" in text
    preview = text.split('id="form-preview"')[1]
    assert '<label for="decision">审查结论</label>' in preview  # the task forms' macro
    assert "对之后部署的流程生效" in text.split('id="takes-effect"')[1][:200]


def test_the_preview_draws_a_conditional_field(login):
    response = login("admin").post("/processes/forms/sample_review/preview", typed(DETAIL))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'data-show-if-field="decision"' in text and "退回说明" in text
    assert text.index("审查结论") < text.index("退回说明") < text.index("审查意见")


def test_a_refused_save_keeps_what_was_typed_and_says_why_in_chinese(login, app_sessions):
    bad = dict(DETAIL, name="opinion", show_if_values="maybe", label_en="")
    response = login("admin").post("/processes/forms/sample_review", typed(bad, comment=""))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'name="fields-7-show_if_values" value="maybe"' in text
    for said in ("上方已有字段使用此名称", "请使用该字段提供的值", "请填写此项"):
        assert said in text
    with app_sessions() as session:
        assert session.execute(select(FormVersion.version).where(
            FormVersion.key == "sample_review")).scalars().all() == [1]


def test_a_save_is_the_next_version_and_a_redeploy_brings_it_to_new_cases(login,
                                                                         app_sessions):
    old = start_case(app_sessions)
    admin = login("admin")
    response = admin.post("/processes/forms/sample_review", typed(DETAIL))
    assert response.status_code == 303
    page = admin.get("/processes/forms/sample_review").get_data(as_text=True)
    assert "已保存为版本 2" in page and 'id="redeploy"' in page
    assert admin.post("/processes/forms/sample_review/redeploy").status_code == 303
    with app_sessions() as session:
        event = session.execute(select(AuditEvent).where(
            AuditEvent.action == "form.save").order_by(AuditEvent.id.desc())).scalars().first()
        assert event.actor == "admin" and event.summary["comment"] == "问清退回原因"
        assert "return_detail" not in str(event.summary["before"])
        versions = session.execute(select(ProcessDefinition.version).where(
            ProcessDefinition.key == "sample_review")).scalars().all()
    assert sorted(versions) == [1, 2]
    new = start_case(app_sessions)
    chen = login("chen")
    assert "退回说明" in chen.get(f"/tasks/{new.id}").get_data(as_text=True)
    assert "退回说明" not in chen.get(f"/tasks/{old.id}").get_data(as_text=True)
    assert 'id="redeploy"' not in admin.get("/processes/forms/sample_review").get_data(
        as_text=True)


def test_a_department_administrator_reads_and_may_not_save(login):
    client = login("zhang")
    text = client.get("/processes/forms/sample_review").get_data(as_text=True)
    assert "审查结论" in text and "<input" not in text.split("<main>")[1]
    assert client.post("/processes/forms/sample_review", typed(DETAIL)).status_code == 404


def test_the_preview_says_what_keeps_it_from_being_drawn(login):
    response = login("admin").post("/processes/forms/sample_review/preview",
                                   typed(dict(DETAIL, label_en="", show_if_field="opinion")))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "字段 2 · 英文名称: 请填写此项。" in text
    assert "字段 2 · 仅当字段（标识）: 请填写上方一个选择字段的名称。" in text


def test_a_number_that_cannot_be_read_is_named_with_the_other_problems(login):
    bad = dict(DETAIL, min_length="two", label_zh="")
    response = login("admin").post("/processes/forms/sample_review", typed(bad))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "请输入整数。" in text and "请填写此项。" in text
    assert 'name="fields-7-min_length" value="two"' in text


def test_the_records_forms_are_listed_apart_and_read_only(login):
    client = login("admin")
    text = client.get("/processes/forms/").get_data(as_text=True)
    records = text.split("涉企信息记录")[1]
    assert 'id="form-disclosure_penalty"' in records and "国家标准" in records
    page = client.get("/processes/forms/disclosure_penalty").get_data(as_text=True)
    assert "国家标准" in page and "<input" not in page.split("<main>")[1]
    refused = client.post("/processes/forms/disclosure_penalty", typed(), follow_redirects=True)
    assert "不能在此修改" in refused.get_data(as_text=True)
    assert client.post("/processes/forms/disclosure_penalty/redeploy").status_code == 303


def test_a_new_form_is_refused_with_what_was_typed_then_made_and_offered_to_the_modeler(
        login, app_sessions):
    admin = login("admin")
    assert "新建表单" in admin.get("/processes/forms/").get_data(as_text=True)
    refused = admin.post("/processes/forms/new", {"key": "Site Visit", "title_zh": "现场核查",
                                                   "title_en": ""})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'name="key" value="Site Visit"' in text and 'value="现场核查"' in text
    assert "请使用小写字母" in text and "请填写此项" in text
    taken = admin.post("/processes/forms/new", {"key": "sample_review", "title_zh": "审查",
                                                 "title_en": "Review"})
    assert taken.status_code == 422 and "已有表单使用此标识" in taken.get_data(as_text=True)
    made = admin.post("/processes/forms/new", {"key": "site_visit", "title_zh": "现场核查",
                                                "title_en": "Site visit"})
    assert made.status_code == 303 and made.headers["Location"].endswith(
        "/processes/forms/site_visit")
    page = admin.get("/processes/forms/site_visit").get_data(as_text=True)
    assert "现场核查" in page and 'name="fields-0-name" value="opinion"' in page
    assert '<tr data-version="1">' in page
    data = {"title_zh": "现场核查", "title_en": "Site visit", "comment": "加上核查日期",
            "fields-0-name": "visited_on", "fields-0-type": "date", "fields-0-label_zh": "核查日期",
            "fields-0-label_en": "Visited on", "fields-0-required": "y"}
    assert admin.post("/processes/forms/site_visit", data).status_code == 303
    assert "已保存为版本 2" in admin.get("/processes/forms/site_visit").get_data(as_text=True)
    forms = admin.get("/processes/modeler.json").get_json()["forms"]
    assert {"key": "site_visit", "zh": "现场核查", "en": "Site visit",
            "url": "/processes/forms/site_visit"} in forms
    with app_sessions() as session:
        actions = session.execute(select(AuditEvent.action, AuditEvent.actor).where(
            AuditEvent.object_type == "form_version")).all()
    assert set(actions) >= {("form.create", "admin"), ("form.save", "admin")}
    assert login("zhang").post("/processes/forms/new", {"key": "other"}).status_code == 404


def test_the_records_pages_use_the_record_form_version_the_editor_shows(login, app_sessions):
    with app_sessions() as session:
        deploy_record_forms(session)  # as the seed does
        raw = shipped_raw("disclosure_penalty")
        raw["fields"].append({"name": "case_source", "type": "text", "label_zh": "案件来源",
                              "label_en": "Case source"})
        save_form(session, SETUP, "disclosure_penalty", raw, "a new shipped file")
        session.commit()
    editor = login("admin").get("/processes/forms/disclosure_penalty").get_data(as_text=True)
    assert "案件来源" in editor and "国家标准" in editor
    chen = login("chen")
    assert "案件来源" in chen.get("/records/new/penalty").get_data(as_text=True)
    template = chen.get("/records/imports/template/penalty.csv").get_data(as_text=True)
    assert template.strip().endswith(",案件来源")
