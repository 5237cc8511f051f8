"""The import page as a department uses it: a penalty file uploaded, its dry run naming
every refused row, the import confirmed, the records listed for review; the department's
administrator lets imported records be published without review."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from engine.models import DisclosureRecord, RecordStatus, RegistryUpload
from tests.factories import make_entity

pytestmark = pytest.mark.usefixtures("traveller")
HEADERS = ["行政相对人名称", "统一社会信用代码", "行政处罚决定书文号", "处罚决定日期",
           "法定代表人", "违法行为类型", "违法事实", "处罚依据", "程序", "处罚类别", "处罚内容",
           "罚款金额（万元）", "所属领域", "处罚机关", "处罚机关统一社会信用代码"]


@pytest.fixture
def entity(app_sessions) -> tuple[str, str]:
    with app_sessions() as session:
        entity = make_entity(session, name="保山市永昌餐饮管理有限公司")
        session.commit()
        return entity.uscc, entity.name


def penalty_file(entity: tuple[str, str]) -> bytes:
    code, name = entity
    common = ["张三", "销售过期食品", "经查，当事人销售超过保质期的食品。",
              "《食品安全法》第一百二十四条", "普通程序", "罚款", "罚款五万元", "5", "food",
              "隆阳区市场监督管理局", "11530502MB1234567D"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([HEADERS, [name, code, "隆市监罚〔2026〕1号", "2026-03-02", *common],
                      ["永昌餐饮", code, "隆市监罚〔2026〕2号", "2026-03-02", *common]])
    return out.getvalue().encode("utf-8")


def upload(client, data: bytes, category: str = "penalty"):  # type: ignore[no-untyped-def]
    return client.post("/records/imports/upload", {
        "category": category, "file": (io.BytesIO(data), "处罚信息.csv")},
        content_type="multipart/form-data")


def test_upload_check_import_and_the_records_wait_for_review(app, login, app_sessions, entity):
    chen = login("chen")
    index = chen.get("/records/")
    assert 'href="/records/imports"' in index.text
    page = chen.get("/records/imports")
    assert page.status_code == 200 and 'data-template="penalty"' in page.text
    template = chen.get("/records/imports/template/penalty.csv")
    assert template.data.decode("utf-8-sig").startswith("统一社会信用代码,市场主体名称")
    sent = upload(chen, penalty_file(entity))
    assert sent.status_code == 302
    app.extensions["creditflow.jobs"].wait(30)
    report = chen.get(sent.headers["Location"])
    assert "登记信息中该代码的主体名称为保山市永昌餐饮管理有限公司；该行为永昌餐饮" in report.text
    assert "确定录入 1 条涉企信息并提交审核？" in report.text  # the confirmation names the count
    with app_sessions() as session:
        upload_id = session.execute(select(RegistryUpload.id)).scalar_one()
        assert session.execute(select(DisclosureRecord)).first() is None  # a dry run
    started = chen.post(f"/records/imports/{upload_id}/import", {})
    assert started.status_code == 302
    app.extensions["creditflow.jobs"].wait(30)
    done = chen.get(started.headers["Location"])
    assert "已录入 1 条涉企信息并提交审核" in done.text
    with app_sessions() as session:
        record = session.execute(select(DisclosureRecord)).scalar_one()
    assert record.status == RecordStatus.SUBMITTED and f'data-record="{record.id}"' in done.text
    listed = login("zhang").get("/records/?tab=review")
    assert f'data-record="{record.id}"' in listed.text


def test_the_department_administrator_publishes_imports_without_review(
        app, login, app_sessions, entity):
    chen = login("chen")
    assert 'id="setting-form"' not in chen.get("/records/imports").text
    assert chen.post("/records/imports/setting", {"direct_publication": "y"}).status_code == 403
    zhang = login("zhang")
    saved = zhang.post("/records/imports/setting", {"direct_publication": "y"})
    assert saved.status_code == 302
    assert 'id="direct-on"' in zhang.get("/records/imports").text
    sent = upload(zhang, penalty_file(entity))
    app.extensions["creditflow.jobs"].wait(30)
    assert "确定录入 1 条涉企信息并不经审核直接公示？" in zhang.get(sent.headers["Location"]).text
    with app_sessions() as session:
        upload_id = session.execute(select(RegistryUpload.id)).scalar_one()
    zhang.post(f"/records/imports/{upload_id}/import", {})
    app.extensions["creditflow.jobs"].wait(30)
    with app_sessions() as session:
        record = session.execute(select(DisclosureRecord)).scalar_one()
    assert record.status == RecordStatus.PUBLISHED


def test_people_outside_a_department_have_no_import_page(login):
    assert login("wang").get("/records/imports").status_code == 403
