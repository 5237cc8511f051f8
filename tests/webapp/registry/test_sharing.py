"""The registry shared with departments on the web: the search page, its Excel export, the
changes feed for other systems, and the header link."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from engine import shared_registry
from engine.models import AuditEvent
from tests.factories import MONDAY, make_entity
from tests.webapp.dual_notice import notice_world
from tests.webapp.registry.test_api_registrations import token_for

world = notice_world.world  # fixture
pytestmark = pytest.mark.usefixtures("traveller")

PHONE = "13912345678"


@pytest.fixture
def entities(app_sessions, world):
    with app_sessions() as session:
        made = {
            "food": make_entity(session, "餐饮服务", name="保山永昌餐饮有限公司", phone=PHONE,
                                township="永昌街道", established_on=date(2025, 3, 1),
                                updated_at=MONDAY),
            "shop": make_entity(session, "日用百货销售", name="保山兰城百货商店", phone=PHONE,
                                status="注销", established_on=date(2026, 1, 5), updated_at=MONDAY),
            "far": make_entity(session, "餐饮服务", area="530581",
                               registrar="530581-amr-reg", name="腾冲和顺餐饮有限公司",
                               updated_at=MONDAY),
        }
        session.commit()
        return {key: (entity.id, entity.uscc) for key, entity in made.items()}


def test_a_department_officer_searches_the_registry_of_the_area(login, entities):
    police = login("hu")  # 隆阳区公安局: no notice brought these entities to the police
    home = police.get("/notices/").get_data(as_text=True)
    assert 'href="/registry/entities"' in home  # the header's link

    page = police.get("/registry/entities?status=存续").get_data(as_text=True)

    assert "保山永昌餐饮有限公司" in page and "保山兰城百货商店" not in page
    assert "腾冲和顺餐饮有限公司" not in page
    assert "139****5678" in page and PHONE not in page
    food_id = entities["food"][0]
    assert f'href="/entities/{food_id}"' in page
    assert police.get(f"/entities/{food_id}").status_code == 200
    assert police.get(f"/entities/{entities['far'][0]}").status_code == 404


def test_a_county_reader_is_not_offered_other_areas(login, entities):
    page = login("hu").get("/registry/entities?area=530581").get_data(as_text=True)
    assert 'name="area"' not in page
    assert "腾冲和顺餐饮有限公司" not in page


def test_the_export_is_a_masked_workbook_and_an_audit_event(login, entities, app_sessions):
    response = login("hu").get("/registry/entities.xlsx?name=保山")

    assert response.status_code == 200
    sheet = list(openpyxl.load_workbook(io.BytesIO(response.data)).active
                 .iter_rows(values_only=True))
    assert sheet[0][:3] == ("名称", "统一社会信用代码", "类型")
    assert {line[1] for line in sheet[1:]} == {entities["food"][1], entities["shop"][1]}
    assert PHONE not in repr(sheet) and "139****5678" in repr(sheet)
    with app_sessions() as session:
        event = session.execute(select(AuditEvent).where(
            AuditEvent.action == "registry.export")).scalar_one()
    assert event.actor == "hu" and event.summary == {"filter": {"name": "保山"}, "rows": 2}


def test_an_export_too_large_says_so_and_writes_nothing(login, entities, app_sessions,
                                                        monkeypatch):
    monkeypatch.setattr(shared_registry, "MAX_EXPORT_ROWS", 1)
    police = login("hu")
    assert 'id="export-too-large"' in police.get("/registry/entities").get_data(as_text=True)

    response = police.get("/registry/entities.xlsx?township=")

    assert response.status_code == 302
    page = police.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-error"' in page
    with app_sessions() as session:
        assert session.execute(select(AuditEvent).where(
            AuditEvent.action == "registry.export")).first() is None


def test_the_feed_pages_by_cursor_for_a_token(app, app_sessions, entities):
    headers = token_for(app_sessions, "hu")
    http = app.test_client()
    first = http.get("/api/v1/entities?limit=1&changed_since=2026-01-01T00:00:00%2B08:00",
                     headers=headers).get_json()
    second = http.get(f"/api/v1/entities?limit=1&cursor={first['next_cursor']}",
                      headers=headers).get_json()

    assert first["has_more"] and not second["has_more"]
    got = [row["uscc"] for row in first["entities"] + second["entities"]]
    assert got == [entities["food"][1], entities["shop"][1]]
    assert "phone" not in first["entities"][0]


@pytest.mark.parametrize("query", ["changed_since=2026-03-02T08:00:00", "cursor=junk",
                                   "limit=0"])
def test_the_feed_refuses_what_it_cannot_read(app, app_sessions, query):
    response = app.test_client().get(f"/api/v1/entities?{query}",
                                     headers=token_for(app_sessions, "hu"))
    assert response.status_code == 422


def test_the_feed_is_in_the_openapi_document(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    parameters = {p["name"] for p in document["paths"]["/entities"]["get"]["parameters"]}
    assert parameters == {"changed_since", "cursor", "limit"}
