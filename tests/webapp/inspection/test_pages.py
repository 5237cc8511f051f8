"""The inspection pages as the drawn officers and their administrator use them: the
checklist saved (by the page's form, and as JSON for the offline draft's script), a
photo with its place, both confirmations, the result entered and approved, published on
the portal, objected to; figures and their Excel export; one language per page."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from PIL import Image

from engine import inspection
from engine.models import Inspection, MarketEntity
from tests.engine.inspection.helpers import do, start
from tests.factories import make_entity
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
    assert "保山市共享检查有限公司" not in zhang.get("/inbox/?tab=mine").text
    assert yang.post(f"{url}/steps/{first}", {"notice": "not_needed"}).status_code == 302
    for officer in (chen, yang):
        mine = officer.get("/inbox/?tab=mine").text
        assert "实施检查" in mine and "检查准备" not in mine
    assert "实施检查" in chen.get(url).text
