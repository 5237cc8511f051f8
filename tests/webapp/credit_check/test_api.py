"""POST /api/v1/credit-check: token or session, one code or a batch, its limits and errors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import CreditCheck, CreditHit
from tests.webapp.test_api import bearer, token_for

pytestmark = pytest.mark.both_backends
URL = "/api/v1/credit-check"


def test_anonymous_calls_are_refused(client, listed):
    assert client.http.post(URL, json={"uscc": listed.serious, "action": "licence"}
                            ).status_code == 401


def test_one_code_by_token(app, app_sessions, listed):
    secret = token_for(app_sessions, "chen")
    http = app.test_client()
    body = http.post(URL, headers=bearer(secret), json={
        "uscc": listed.abnormal, "action": "simplified_deregistration",
        "purpose": "简易注销申请"}).get_json()
    assert body["restricted"] is True and body["catalogue_version"] == 1
    (restriction,) = body["restrictions"]
    assert restriction["measure"] == "M01" and restriction["list_type"] == "abnormal"
    assert restriction["decision_number"] == "保市监异入〔2026〕第7号"
    assert restriction["basis"]["clause"] == "第二条"
    clean = http.post(URL, headers=bearer(secret), json={
        "uscc": listed.clean, "action": "simplified_deregistration"}).get_json()
    assert clean["restricted"] is False and clean["restrictions"] == []
    with app_sessions() as session:
        logs = session.scalars(select(CreditCheck).order_by(CreditCheck.id)).all()
        assert [(c.origin, c.checked_by, c.hits) for c in logs] == [
            ("api", "chen", 1), ("api", "chen", 0)]
        assert logs[0].purpose == "简易注销申请"


def test_a_batch_answers_each_code_in_order(login, app_sessions, listed):
    codes = [listed.serious, "123", listed.clean, listed.abnormal]
    body = login("chen").post_json(URL, {"usccs": codes, "action": "procurement"}).get_json()
    assert (body["requested"], body["invalid"], body["restricted"]) == (4, 1, 2)
    assert [r["uscc"] for r in body["results"]] == codes
    assert [r["valid"] for r in body["results"]] == [True, False, True, True]
    assert "18" in body["results"][1]["problem"]
    assert [[x["measure"] for x in r["restrictions"]] for r in body["results"]] == [
        ["M05"], [], [], ["M03"]]
    with app_sessions() as session:
        assert len(session.scalars(select(CreditHit)).all()) == 2


@pytest.mark.parametrize(("payload", "field"), [
    ({"uscc": "91530502MA6K0000XX", "action": "licence"}, "uscc"),
    ({"uscc": "", "action": "licence"}, "uscc"),
    ({"uscc": "{serious}", "action": "haircut"}, "action"),
    ({"usccs": "{serious}", "action": "licence"}, "usccs"),
    ({"usccs": [], "action": "licence"}, "usccs"),
    ({"usccs": ["{serious}"] * 10_001, "action": "licence"}, "uscc"),
])
def test_bad_requests_are_422_with_the_field(login, listed, payload, field):
    payload = {k: ([v.format(serious=listed.serious) for v in value]
                   if isinstance(value, list) else value.format(serious=listed.serious))
               for k, value in payload.items()}
    response = login("chen").post_json(URL, payload)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_a_full_batch_of_ten_thousand_is_answered(login, listed):
    codes = [listed.serious, listed.clean] * 5_000
    body = login("chen").post_json(URL, {"usccs": codes, "action": "bidding"}).get_json()
    assert (body["requested"], body["restricted"]) == (10_000, 5_000)


def test_the_endpoint_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/credit-check"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "simplified_deregistration" in schema["properties"]["action"]["enum"]
    assert schema["properties"]["usccs"]["maxItems"] == 10_000
