"""The inspection pages as the drawn officers and their administrator use them: the
checklist saved (by the page's form, and as JSON for the offline draft's script), a
photo with its place, both confirmations, the result entered and approved, published on
the portal, objected to; figures and their Excel export; one language per page."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from engine import inspection
from engine.models import (
    DisclosureObjection,
    DisclosureRecord,
    Inspection,
    MarketEntity,
    ObjectionStatus,
)
from tests.engine.inspection.helpers import do, field_work, start
from tests.factories import CST, make_entity
from tests.webapp.test_i18n import SAME_IN_BOTH, data_free, visible_text

pytestmark = pytest.mark.usefixtures("traveller")


@pytest.fixture
def inspection_id(app_sessions, world) -> int:
    with app_sessions() as session:
        row = start(session, world, make_entity(session, name="保山市永昌餐饮管理有限公司"))
        do(session, world, row, "prepare_inspection", "chen", notice="not_needed")
        session.commit()
        return row.id


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return out.getvalue()


def test_the_pair_records_confirms_and_the_result_is_published(login, app_sessions,
                                                               inspection_id):
    chen, yang, zhang = login("chen"), login("yang"), login("zhang")
    url = f"/inspections/{inspection_id}"
    assert "保山市永昌餐饮管理有限公司" in chen.get("/inspections/").text
    page = chen.get(url).text
    assert 'capture="environment"' in page and "亮照经营" in page and "营业执照" in page
    saved = chen.post(f"{url}/field", {"answer_SC-01.1": "ok", "findings": "现场亮照"})
    assert saved.status_code == 302
    answer = chen.post(f"{url}/field", {"answer_SC-01.2": "problem", "answer_SC-02": "ok",
                                        "findings": "现场亮照", "confirm": "y"},
                       headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.get_json()["ok"] is True
    photo = chen.post(f"{url}/photos", {"photo": (io.BytesIO(jpeg()), "现场.jpg"),
                                        "lat": "25.1205", "lon": "99.1671"},
                      content_type="multipart/form-data")
    assert photo.status_code == 302
    page = yang.get(url).text
    assert "已确认" in page and "现场.jpg" in page and "25.12050" in page
    assert yang.post(f"{url}/confirm", {}).status_code == 302
    page = yang.get(url).text
    assert "录入检查结果" in page and "后续处置" in page
    with app_sessions() as session:
        row = session.get(Inspection, inspection_id)
        assert row.status == "entering" and row.findings == "现场亮照"
        item = _items(session, row)[0]
    done = yang.post(f"{url}/steps/{item}", {"result_code": "not_published",
                                             "follow_up": "none", "details": "年报未公示"})
    assert done.status_code == 302
    with app_sessions() as session:
        review = _items(session, session.get(Inspection, inspection_id))[0]
    assert "审核检查结果" in zhang.get(url).text
    assert zhang.post(f"{url}/steps/{review}", {"decision": "approve"}).status_code == 302
    assert "已公示" in chen.get(url).text
    with app_sessions() as session:
        uscc = session.get(MarketEntity, session.get(Inspection, inspection_id).entity_id).uscc
    portal = chen.http.get(f"/public/{uscc}").get_data(as_text=True)
    assert "抽查检查结果" in portal and "未按规定公示应当公示的信息" in portal
    objected = chen.post(f"{url}/objection", {"objection": "企业称年报已公示"})
    assert objected.status_code == 302
    assert "异议复核" in chen.get(url).text


def _items(session, row):  # type: ignore[no-untyped-def]
    return [i.id for i in inspection.open_steps(session, row)]


def test_figures_and_their_export(login, app_sessions, world, inspection_id):
    zhang = login("zhang")
    page = zhang.get("/inspections/figures?from=2026-03-01&to=2026-03-31").text
    assert "隆阳区市场监管局" in page and "0 / 1" in page
    export = zhang.get("/inspections/figures.xlsx?from=2026-03-01&to=2026-03-31")
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("部门", "任务", "已完成任务", "计划完成率", "抽取对象")
    assert rows[1][:5] == ("隆阳区市场监管局", 1, 0, 0, 1)


def test_the_chinese_pages_show_no_english(login, app_sessions, inspection_id):
    chen = login("chen")
    with app_sessions() as session:
        uscc = session.get(MarketEntity, session.get(Inspection, inspection_id).entity_id).uscc
    for url in ("/inspections/", f"/inspections/{inspection_id}"):
        shown = visible_text(chen.get(url).get_data(as_text=True))
        text = data_free(shown.replace(uscc, " ").replace("chen", " "))  # data, not labels
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - SAME_IN_BOTH - {"SC"}
        assert words == set(), f"untranslated on {url}: {sorted(words)}"


def test_both_drawn_officers_have_each_step_in_their_inbox(login, app_sessions, world):
    """The steps are shared with the drawn pair: the second officer sees the inspection in
    their own work as the first does, acts on it, and the next step is in both inboxes."""
    with app_sessions() as session:
        row = start(session, world, make_entity(session, name="保山市共享检查有限公司"))
        session.commit()
        url = f"/inspections/{row.id}"
        first = inspection.open_steps(session, row)[0].id
    chen, yang, zhang = login("chen"), login("yang"), login("zhang")
    for officer in (chen, yang):
        mine = officer.get("/inbox/?tab=mine").text
        assert "保山市共享检查有限公司" in mine and "检查准备" in mine
        assert f"/tasks/{first}" in mine or url in mine
    # the holder sees it held by himself; the other officer, shared with him by the holder
    assert "与您共同办理" not in chen.get("/inbox/?tab=mine").text
    assert "与您共同办理，办理人" in yang.get("/inbox/?tab=mine").text
    assert "保山市共享检查有限公司" not in zhang.get("/inbox/?tab=mine").text
    assert yang.post(f"{url}/steps/{first}", {"notice": "not_needed"}).status_code == 302
    for officer in (chen, yang):
        mine = officer.get("/inbox/?tab=mine").text
        assert "实施检查" in mine and "检查准备" not in mine
    assert "实施检查" in chen.get(url).text


TOKEN = re.compile(r'name="token" value="([^"]+)"')


def _published(app_sessions, world) -> tuple[int, str]:
    """An inspection whose result was approved and published on Monday 2 March."""
    with app_sessions() as session:
        row = start(session, world, make_entity(session, name="保山市异议复核有限公司"))
        do(session, world, row, "prepare_inspection", "chen", notice="not_needed")
        field_work(session, world, row)
        do(session, world, row, "enter_result", "yang", result_code="not_published",
           follow_up="none", details="年报未公示")
        do(session, world, row, "review_result", "zhang", decision="approve")
        session.commit()
        return row.id, session.get(DisclosureRecord, row.record_id).public_ref


def _object(client, ref: str, text: str):
    form = client.http.get(f"/public/records/{ref}/objection").get_data(as_text=True)
    token = TOKEN.search(form).group(1)
    return client.http.post(f"/public/records/{ref}/objection", data={
        "token": token, "contact": "13800000000", "text": text})


def test_an_objection_on_the_portal_starts_the_recheck(login, app_sessions, world, traveller):
    inspection_id, ref = _published(app_sessions, world)
    traveller.move_to(datetime(2026, 3, 17, 10, tzinfo=CST))  # the 15th day after
    chen = login("chen")
    form = chen.http.get(f"/public/records/{ref}/objection").get_data(as_text=True)
    assert "2026-03-17" in form and "15个工作日内复核" in form
    sent = _object(chen, ref, "企业称年度报告已于2月公示，请复核")
    assert sent.status_code == 303
    page = chen.get(f"/inspections/{inspection_id}").text
    assert "异议复核中" in page and "企业称年度报告已于2月公示" in page
    mine = login("yang").get("/inbox/?tab=mine").text
    # 15 working days from 17 March (Qingming: Monday 6 April is off)
    assert "异议复核" in mine and "2026-04-08" in mine
    with app_sessions() as session:
        objection = session.scalars(select(DisclosureObjection)).one()
        assert objection.instance_id is None  # no generic objection task: the re-check
        item = inspection.open_steps(session, session.get(Inspection, inspection_id))[0]
        assert item.task_name == "recheck"
    done = chen.post(f"/inspections/{inspection_id}/steps/{item.id}", {
        "recheck_outcome": "upheld", "recheck_note": "复核维持原结果"})
    assert done.status_code == 302
    with app_sessions() as session:
        objection = session.scalars(select(DisclosureObjection)).one()
        assert (objection.status, objection.reply) == (ObjectionStatus.REJECTED, "复核维持原结果")
        assert session.get(Inspection, inspection_id).status == "final"


def test_an_objection_after_fifteen_days_is_refused_clearly(login, app_sessions, world,
                                                            traveller):
    inspection_id, ref = _published(app_sessions, world)
    traveller.move_to(datetime(2026, 3, 18, 10, tzinfo=CST))  # the 16th day
    chen = login("chen")
    form = chen.http.get(f"/public/records/{ref}/objection").get_data(as_text=True)
    assert 'id="objection-closed"' in form and "2026-03-17" in form and "已结束" in form
    assert 'name="text"' not in form
    traveller.move_to(datetime(2026, 3, 17, 23, 30, tzinfo=CST))  # the form, on the last day
    token = TOKEN.search(chen.http.get(f"/public/records/{ref}/objection").get_data(
        as_text=True)).group(1)
    traveller.move_to(datetime(2026, 3, 18, 0, 30, tzinfo=CST))  # sent after midnight
    refused = chen.http.post(f"/public/records/{ref}/objection", data={
        "token": token, "contact": "13800000000", "text": "企业称年度报告已公示请复核"})
    assert refused.status_code == 403 and "已结束" in refused.get_data(as_text=True)
    with app_sessions() as session:
        assert session.scalars(select(DisclosureObjection)).all() == []
        assert session.get(Inspection, inspection_id).status == "published"

