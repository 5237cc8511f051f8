"""POST /api/v1/registrations: pushes of registration data by other systems."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.models import DualNotice, MarketEntity, RegistryImport
from engine.org.tokens import create_token
from engine.seed.samples import sample_rows
from tests.factories import SETUP
from tests.webapp.dual_notice import notice_world

world = notice_world.world  # fixture
pytestmark = [pytest.mark.usefixtures("traveller"), pytest.mark.both_backends]

GOOD, OTHER = list(sample_rows(2, seed=11))


def token_for(app_sessions, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        _row, secret = create_token(session, SETUP, "AMR registry", username)
        session.commit()
    return {"Authorization": f"Bearer {secret}"}


def registration(row: list[str], **changes: object) -> dict[str, object]:
    """A pushed registration: English aliases, and a Chinese header or two."""
    return {"uscc": row[0], "name": row[1], "entity_type": row[2],
            "法定代表人": row[3], "phone": row[4], "established_on": row[5],
            "address": row[8], "business_scope": "餐饮服务；日用百货销售",
            "area_code": "隆阳区", **changes}


def count(app_sessions, model) -> int:  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_push_imports_the_valid_ones_and_reports_the_others(app, app_sessions):
    body = {"registrations": [registration(GOOD),
                              registration(OTHER, uscc="91530502MA6K00000X")]}
    response = app.test_client().post("/api/v1/registrations", json=body,
                                      headers=token_for(app_sessions, "zhou"))
    assert response.status_code == 200
    report = response.get_json()
    assert (report["rows_read"], report["valid"], report["invalid"], report["new"]) == (2, 1, 1, 1)
    assert report["notices_started"] == 1 and report["import_id"]
    (problem,) = report["problems"]
    assert problem["index"] == 1 and problem["column"] == "uscc"
    assert "check character" in problem["reason"]
    assert report["summary"] == ("rows read 2, valid 1, invalid 1, imported 1, "
                                 "notices started 1")
    with app_sessions() as session:
        entity = session.execute(select(MarketEntity)).scalar_one()
        assert entity.legal_representative == GOOD[3] and entity.area_code == "530502"
        assert session.execute(select(RegistryImport.source)).scalar_one() == "api"
    again = app.test_client().post("/api/v1/registrations", json=body,
                                   headers=token_for(app_sessions, "zhou")).get_json()
    assert (again["new"], again["unchanged"], again["notices_started"]) == (0, 1, 0)


def test_a_dry_run_push_writes_nothing(app, app_sessions):
    response = app.test_client().post(
        "/api/v1/registrations", json={"registrations": [registration(GOOD)], "dry_run": True},
        headers=token_for(app_sessions, "zhou"))
    assert response.status_code == 200 and response.get_json()["valid"] == 1
    assert count(app_sessions, MarketEntity) == 0
    assert count(app_sessions, RegistryImport) == 0
    assert count(app_sessions, DualNotice) == 0


def test_a_push_without_a_required_field_is_refused_as_a_whole(app, app_sessions):
    row = registration(GOOD)
    del row["business_scope"]
    response = app.test_client().post("/api/v1/registrations", json=[row],
                                      headers=token_for(app_sessions, "zhou"))
    body = response.get_json()
    assert response.status_code == 422 and body["error"] == "invalid_input"
    assert "经营范围" in body["message"]
    assert count(app_sessions, MarketEntity) == 0


def test_malformed_pushes_are_422(app, app_sessions):
    headers = token_for(app_sessions, "zhou")
    http = app.test_client()
    assert http.post("/api/v1/registrations", json={"registrations": "x"},
                     headers=headers).get_json()["fields"] == {"registrations": "not_list"}
    nested = http.post("/api/v1/registrations", json=[{"name": {"zh": "x"}}], headers=headers)
    assert nested.status_code == 422 and nested.get_json()["fields"] == {
        "registrations[0].name": "not_scalar"}
    assert http.post("/api/v1/registrations", json=[], headers=headers).status_code == 422


def test_only_registrars_may_push(app, app_sessions):
    response = app.test_client().post("/api/v1/registrations",
                                      json=[registration(GOOD)],
                                      headers=token_for(app_sessions, "hu"))
    assert response.status_code == 403
    assert count(app_sessions, MarketEntity) == 0


def test_a_browser_session_needs_the_csrf_header(login, app_sessions):
    clerk = login("zhou")
    refused = clerk.http.post("/api/v1/registrations", json=[registration(GOOD)])
    assert refused.status_code == 400
    accepted = clerk.post_json("/api/v1/registrations", [registration(GOOD)])  # type: ignore[arg-type]
    assert accepted.status_code == 200 and accepted.get_json()["new"] == 1


def test_the_push_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/registrations"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    fields = schema["oneOf"][0]["items"]
    assert set(fields["required"]) == {"uscc", "name", "area_code", "business_scope",
                                       "established_on"}
    assert "统一社会信用代码" in fields["properties"]["uscc"]["description"]
    assert "ImportReport" in spec["components"]["schemas"]


def test_a_registrar_cannot_take_over_another_areas_entity(app, app_sessions):
    client = app.test_client()
    longyang = client.post("/api/v1/registrations", json={"registrations": [
        registration(GOOD)]}, headers=token_for(app_sessions, "zhou")).get_json()
    assert longyang["new"] == 1
    tengchong = token_for(app_sessions, "liu")
    moved = client.post("/api/v1/registrations", json={"registrations": [
        registration(GOOD, name="改名公司", area_code="530581")]}, headers=tengchong)
    assert moved.status_code == 200
    report = moved.get_json()
    assert (report["valid"], report["invalid"], report["new"], report["changed"]) == (0, 1, 0, 0)
    (problem,) = report["problems"]
    assert problem["column"] == "uscc" and problem["reason"] == "outside your registration area"
    with app_sessions() as session:
        entity = session.execute(select(MarketEntity)).scalar_one()
        assert (entity.name, entity.area_code) == (GOOD[1], "530502")


def test_a_registrar_cannot_register_in_another_area_and_learns_nothing(app, app_sessions):
    client = app.test_client()
    client.post("/api/v1/registrations", json={"registrations": [registration(GOOD)]},
                headers=token_for(app_sessions, "zhou"))
    tengchong = token_for(app_sessions, "liu")
    known, unknown = (client.post("/api/v1/registrations", json={"registrations": [
        registration(row, name="改名公司")]}, headers=tengchong).get_json()
        for row in (GOOD, OTHER))
    for report in (known, unknown):  # the same answer for a known and an unknown USCC
        assert (report["invalid"], report["new"], report["changed"]) == (1, 0, 0)
        assert [(p["column"], p["reason"]) for p in report["problems"]] == [
            ("area_code", "outside your registration area")]
    assert count(app_sessions, MarketEntity) == 1
