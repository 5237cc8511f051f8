"""The record pages as a department uses them: enter a penalty (a registry mismatch named on
the form, what was typed kept), send it for review, the administrator approves it from
the record's page, the decision is revoked and the record withdrawn; figures."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.disclosure.procedure import DIAGRAM
from engine.models import DisclosureRecord, MarketEntity, RecordStatus
from engine.runtime.deploy import deploy
from engine.runtime.form_versions import save_form
from engine.runtime.forms import shipped_raw
from tests.engine.disclosure.helpers import penalty_values
from tests.factories import SETUP, make_entity

pytestmark = pytest.mark.usefixtures("traveller")


@pytest.fixture
def entity(app_sessions) -> tuple[int, str, str]:
    with app_sessions() as session:
        entity = make_entity(session, name="保山市永昌餐饮管理有限公司")
        session.commit()
        return entity.id, entity.uscc, entity.name


def form_of(entity_row, **overrides) -> dict:
    entity = MarketEntity(uscc=entity_row[1], name=entity_row[2])
    values = penalty_values(entity, **overrides)
    values["penalty_category"] = values["penalty_category"][0]
    return values


def record_of(app_sessions) -> DisclosureRecord:
    with app_sessions() as session:
        return session.execute(select(DisclosureRecord)).scalar_one()


def test_a_penalty_entered_approved_revoked_and_withdrawn(login, app_sessions, entity):
    chen = login("chen")
    page = chen.get("/records/new/penalty")
    assert page.status_code == 200 and "罚款金额" in page.text
    wrong = chen.sent_back("/records/new/penalty", form_of(entity, party_name="永昌餐饮"))
    assert "登记信息中该主体名称为“保山市永昌餐饮管理有限公司”，不是“永昌餐饮”" in wrong.text
    assert wrong.anchor == "field-party_name"
    assert "销售过期食品" in wrong.text  # what was typed is kept
    done = chen.post("/records/new/penalty", {**form_of(entity), "then": "submit"})
    assert done.status_code == 302
    record = record_of(app_sessions)
    assert record.status == RecordStatus.SUBMITTED
    shown = chen.get(done.headers["Location"])
    assert "待审核" in shown.text and "审核涉企信息" in shown.text
    assert 'id="step-review_record"' not in shown.text  # the officer does not review

    zhang = login("zhang")
    review = zhang.get(f"/records/{record.id}")
    assert 'id="step-review_record"' in review.text
    assert zhang.post(f"/records/{record.id}/review", {"decision": "approve"}).status_code == 302
    assert record_of(app_sessions).status == RecordStatus.PUBLISHED

    page = chen.get(f"/records/{record.id}")
    assert "决定已撤销或变更" in page.text and 'id="repair"' in page.text
    assert chen.post(f"/records/{record.id}/revoked",
                     {"reason": "行政复议决定撤销原处罚"}).status_code == 302
    page = zhang.get(f"/records/{record.id}")
    assert 'id="step-withdraw_record"' in page.text and "data-confirm" in page.text
    (item,) = [line for line in page.text.split('"') if "/steps/" in line]
    assert zhang.post(item, {}).status_code == 302
    record = record_of(app_sessions)
    assert (record.status, record.end_reason) == (RecordStatus.WITHDRAWN, "行政复议决定撤销原处罚")
    history = chen.get(f"/records/{record.id}").text
    for said in ("录入", "提交审核", "已公示", "决定已撤销或变更", "已撤回"):
        assert said in history


def test_a_return_asks_for_its_reason_and_the_officer_sees_it(login, app_sessions, entity):
    chen, zhang = login("chen"), login("zhang")
    chen.post("/records/new/penalty", {**form_of(entity), "then": "submit"})
    record = record_of(app_sessions)
    page = zhang.sent_back(f"/records/{record.id}/review", {"decision": "return"})
    assert "此字段为必填项" in page.text or "必填" in page.text
    zhang.post(f"/records/{record.id}/review", {"decision": "return",
                                                "return_reason": "处罚依据条款不全"})
    page = chen.get(f"/records/{record.id}")
    assert "处罚依据条款不全" in page.text and 'id="edit"' in page.text
    edit = chen.get(f"/records/{record.id}/edit")
    assert "处罚依据条款不全" in edit.text and entity[1] in edit.text



def test_the_review_asks_what_the_form_of_the_cases_version_asks(login, app_sessions, entity):
    """An administrator adds a required note to the review form and deploys: a case
    started before is reviewed with the form it started with, a new case with the new one,
    on the page and when the decision is sent."""
    chen, zhang = login("chen"), login("zhang")
    chen.post("/records/new/penalty", {**form_of(entity), "then": "submit"})
    before = record_of(app_sessions).id
    with app_sessions() as session:
        raw = shipped_raw("info_review")
        raw["fields"].append({"name": "review_note", "type": "text", "required": True,
                              "label_zh": "审核说明", "label_en": "Review note"})
        save_form(session, SETUP, "info_review", raw, "审核须写说明")
        deploy(session, SETUP, [(DIAGRAM.name, DIAGRAM.read_bytes() + b"<!-- v2 -->\n")])
        session.commit()
    chen.post("/records/new/penalty", {
        **form_of(entity, decision_number="隆市监处罚〔2026〕13号"), "then": "submit"})
    with app_sessions() as session:
        after = session.scalars(select(DisclosureRecord.id).where(
            DisclosureRecord.id != before)).one()

    assert "审核说明" not in zhang.get(f"/records/{before}").text
    assert zhang.post(f"/records/{before}/review", {"decision": "approve"}).status_code == 302
    assert "审核说明" in zhang.get(f"/records/{after}").text
    refused = zhang.sent_back(f"/records/{after}/review", {"decision": "approve"})
    assert "审核说明" in refused.text and "必填" in refused.text
    assert zhang.post(f"/records/{after}/review",
                      {"decision": "approve", "review_note": "材料齐全"}).status_code == 302
    with app_sessions() as session:
        statuses = session.scalars(select(DisclosureRecord.status)
                                   .order_by(DisclosureRecord.id)).all()
    assert statuses == [RecordStatus.PUBLISHED, RecordStatus.PUBLISHED]


def test_a_draft_is_saved_and_listed_under_drafts(login, entity):
    chen = login("chen")
    chen.post("/records/new/penalty", {**form_of(entity), "then": "draft"})
    listed = chen.get("/records/")
    assert "保山市永昌餐饮管理有限公司" in listed.text and 'data-tab="drafts"' in listed.text


@pytest.mark.both_backends
def test_the_figures_count_late_entries_and_export_them(login, app_sessions, entity):
    chen = login("chen")
    chen.post("/records/new/penalty", {**form_of(entity, decision_date="2026-02-02"),
                                       "then": "submit"})
    zhang = login("zhang")
    page = zhang.get("/records/figures?from=2026-01-01&to=2026-03-31")
    assert "隆阳区市场监管局" in page.text and "迟报 1 条" in page.text
    book = load_workbook(io.BytesIO(
        zhang.get("/records/figures.xlsx?from=2026-01-01&to=2026-03-31").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][:3] == ("隆阳区市场监管局", 1, 1)
