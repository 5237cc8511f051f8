"""The registrar sees, row by row, where a file's entities would go before importing it,
and where they went after; the rows say when the area came from the USCC."""

from __future__ import annotations

import re

from engine.models import AuditEvent, MarketEntity
from engine.seed.samples import HEADERS, sample_rows
from tests.webapp.dual_notice import notice_world
from tests.webapp.dual_notice.notice_world import push
from tests.webapp.registry.test_registry import LONGYANG, csv_bytes, finish, latest_upload, upload

world = notice_world.world  # fixture


def rows_of(html: str) -> dict[str, str]:
    table = html.split('id="routing-rows"')[1].split("</table>")[0]
    return {number: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
            for number, body in re.findall(r'<tr data-row="(\d+)">(.*?)</tr>', table, re.S)}


def test_each_row_shows_its_departments_before_and_after_the_import(app, login, app_sessions,
                                                                   world):
    rows = list(sample_rows(3, seed=7, counties=LONGYANG))
    scope = HEADERS.index("经营范围")
    rows[0][scope], rows[1][scope], rows[2][scope] = "印章刻制", "餐饮服务", "企业管理咨询"
    clerk = login("zhou")
    location = upload(clerk, csv_bytes(rows)).headers["Location"]
    finish(app)
    before = rows_of(clerk.get(location).get_data(as_text=True))
    assert "特种行业许可（公章刻制） → 隆阳区公安局" in before["2"]
    assert "食品经营许可（餐饮服务） → 隆阳区市场监管局" in before["3"]
    assert "未匹配到许可事项" in before["4"]
    upload_id = latest_upload(app_sessions).id
    clerk.post(f"/registry/imports/{upload_id}/import")
    finish(app)
    after = rows_of(clerk.get(location).get_data(as_text=True))
    assert "特种行业许可（公章刻制） → 隆阳区公安局" in after["2"] and "待认领" in after["2"]
    assert "分流失败" in after["4"]


def test_rows_without_an_area_take_it_from_the_uscc_and_say_so(app, login, app_sessions, world):
    rows = list(sample_rows(2, seed=9, counties=LONGYANG))
    area, authority = HEADERS.index("行政区划代码"), HEADERS.index("登记机关")
    for row in rows:
        row[area], row[authority] = "", ""
    clerk = login("zhou")
    location = upload(clerk, csv_bytes(rows)).headers["Location"]
    finish(app)
    html = clerk.get(location).get_data(as_text=True)
    assert 'id="area-from"' in html
    assert all("隆阳区 (取自统一社会信用代码)" in row for row in rows_of(html).values())


def test_a_pool_entry_is_closed_as_needing_no_notice_with_a_reason(login, app_sessions, world):
    entity_id, notices = push(app_sessions, "五金产品零售")
    assert notices == {}
    clerk = login("zhou")
    pool = clerk.get("/registry/pool").get_data(as_text=True)
    form = pool.split(f'data-entity="{entity_id}"')[1].split("</li>")[0]
    assert "无需告知" in form and "data-confirm=" in form
    refused = clerk.post(f"/registry/entities/{entity_id}/no-notice", {"reason": " "})
    assert refused.status_code == 302
    assert "请说明无需告知的理由" in clerk.get("/registry/pool").get_data(as_text=True)
    done = clerk.post(f"/registry/entities/{entity_id}/no-notice",
                      {"reason": "五金零售无需许可"})
    assert done.status_code == 302
    after = clerk.get("/registry/pool").get_data(as_text=True)
    assert f'data-entity="{entity_id}"' not in after and "无需告知，已移出待分流" in after
    with app_sessions() as session:
        assert session.get(MarketEntity, entity_id).routing_state == "no_notice_needed"
        event = session.query(AuditEvent).filter(AuditEvent.action == "entity.no_notice").one()
        assert event.summary["reason"] == "五金零售无需许可"
    again = clerk.post(f"/registry/entities/{entity_id}/no-notice", {"reason": "再次"})
    assert again.status_code == 409
