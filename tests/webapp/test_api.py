"""/api/v1: session (with CSRF) or token auth, JSON errors, the task actions, OpenAPI."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner
from sqlalchemy import select

from engine.models import ApiToken, WorkItem, WorkItemStatus
from engine.org.tokens import create_token, revoke_token
from tests.factories import SETUP
from webapp.cli import main


def token_for(app_sessions, username: str) -> str:
    with app_sessions() as session:
        _row, secret = create_token(session, SETUP, "registry system", username)
        session.commit()
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_anonymous_calls_get_401_json(client):
    response = client.get("/api/v1/inbox")
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
    assert response.get_json()["message"] == "请登录，或提供 API 令牌。"  # the UI's language


def test_inbox_by_session(login, case):
    body = login("chen").get("/api/v1/inbox?tab=claimable").get_json()
    assert body["total"] == 1 and body["counts"]["claimable"] == 1
    (item,) = body["items"]
    assert item["id"] == case.id and item["light"] == "green" and item["holder"] is None


def test_bad_query_values_are_422_with_fields(login):
    response = login("chen").get("/api/v1/inbox?tab=nope&due_from=x")
    assert response.status_code == 422 and response.get_json()["fields"] == {
        "tab": "invalid_choice"}
    assert login("chen").get("/api/v1/inbox?due_from=x").get_json()["fields"] == {
        "due_from": "not_date"}


def test_session_posts_need_the_csrf_header(login, case):
    officer = login("chen")
    refused = officer.http.post(f"/api/v1/tasks/{case.id}/claim", json={})
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"
    claimed = officer.post_json(f"/api/v1/tasks/{case.id}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["item"]["assignee_id"]


def test_token_calls_need_no_csrf_and_act_as_their_user(app, case, app_sessions, world):
    secret = token_for(app_sessions, "chen")
    http = app.test_client()
    assert http.get("/api/v1/me", headers=bearer(secret)).get_json()["username"] == "chen"
    response = http.post(f"/api/v1/tasks/{case.id}/claim", headers=bearer(secret))
    assert response.status_code == 200
    assert response.get_json()["item"]["assignee_id"] == world.users["chen"].id
    with app_sessions() as session:
        row = session.execute(select(ApiToken)).scalar_one()
        assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in (row.token_hash, row.prefix) and row.last_used_at is not None


def test_wrong_and_revoked_tokens_are_refused(app, app_sessions):
    secret = token_for(app_sessions, "chen")
    http = app.test_client()
    assert http.get("/api/v1/me", headers=bearer(secret + "x")).status_code == 401
    assert http.get("/api/v1/me", headers=bearer("cf_nothing")).status_code == 401
    with app_sessions() as session:
        revoke_token(session, SETUP, session.execute(select(ApiToken.id)).scalar_one())
        session.commit()
    assert http.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_tokens_work_only_for_the_api(app, app_sessions):
    secret = token_for(app_sessions, "chen")
    assert app.test_client().get("/inbox/", headers=bearer(secret)).status_code == 302


def test_task_detail_form_and_permissions(login, case):
    body = login("chen").get(f"/api/v1/tasks/{case.id}").get_json()
    assert body["item"]["task"] == "review"
    assert [f["name"] for f in body["form"]] == ["decision", "opinion"]
    assert body["permissions"] == {"claim": True, "release": False, "assign": False,
                                   "complete": True, "return": True}


def test_complete_validates_then_completes(login, case, app_sessions):
    officer = login("chen")
    bad = officer.post_json(f"/api/v1/tasks/{case.id}/complete",
                            {"data": {"decision": "maybe"}})
    assert bad.status_code == 422
    assert bad.get_json()["fields"] == {"decision": "not one of the choices",
                                        "opinion": "required"}
    done = officer.post_json(f"/api/v1/tasks/{case.id}/complete",
                             {"data": {"decision": "approve", "opinion": "同意"}})
    assert done.status_code == 200 and done.get_json()["status"] == "completed"
    again = officer.post_json(f"/api/v1/tasks/{case.id}/complete",
                              {"data": {"decision": "approve", "opinion": "同意"}})
    assert again.status_code == 409


def test_return_and_assign(login, case, app_sessions, world):
    officer = login("chen")
    assert officer.post_json(f"/api/v1/tasks/{case.id}/return",
                             {"reason": "7", "note": ""}).get_json()["fields"] == {
        "reason": "invalid_choice", "note": "required"}
    returned = officer.post_json(f"/api/v1/tasks/{case.id}/return",
                                 {"reason": "2", "note": "住所不在本辖区"})
    assert returned.status_code == 200
    with app_sessions() as session:
        new_item = session.execute(select(WorkItem).where(
            WorkItem.status == WorkItemStatus.OPEN)).scalar_one()
    registrar = login("zhou")
    assert registrar.post_json(f"/api/v1/tasks/{new_item.id}/assign",
                               {"user_id": world.users["zhou"].id}).status_code == 403
    registrar.post_json(f"/api/v1/tasks/{new_item.id}/claim")
    station = world.units["530502-amr-reg"].id
    assigned = registrar.post_json(f"/api/v1/tasks/{new_item.id}/assign", {"org_unit_id": station})
    assert assigned.status_code == 200 and assigned.get_json()["item"]["assignee_id"] is None
    assert registrar.post_json(f"/api/v1/tasks/{new_item.id}/assign", {}).status_code == 422
    assert registrar.post_json(f"/api/v1/tasks/{new_item.id}/assign",
                               {"user_id": "x"}).status_code == 422


def test_out_of_scope_is_404_json(login, case):
    response = login("liu").get(f"/api/v1/tasks/{case.id}")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_openapi_document_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert document["servers"][0]["url"].endswith("/api/v1")
    documented = set(document["paths"])
    routes = {rule.rule.removeprefix("/api/v1").replace("<int:item_id>", "{item_id}")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")}
    assert routes - {"/openapi.json"} == documented
    for path in documented:
        for operation in document["paths"][path].values():
            assert operation["summary"] and operation["responses"]


def test_cli_creates_lists_and_revokes_tokens(app, tmp_path):
    url = app.extensions["creditflow.settings"].database_url
    env = {"CREDITFLOW_DATABASE_URL": url, "CREDITFLOW_VAR_DIR": str(tmp_path)}
    runner = CliRunner()
    created = runner.invoke(main, ["api-token", "create", "registry", "--user", "chen"], env=env)
    assert created.exit_code == 0, created.output
    secret = created.output.strip().split(": ")[-1]
    assert secret.startswith("cf_")
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 200
    listed = runner.invoke(main, ["api-token", "list"], env=env)
    assert "registry" in listed.output and secret not in listed.output
    token_id = listed.output.split()[0]
    assert runner.invoke(main, ["api-token", "revoke", token_id], env=env).exit_code == 0
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert runner.invoke(main, ["api-token", "create", "x", "--user", "nobody"],
                         env=env).exit_code == 1
    assert "serve" in runner.invoke(main, ["--help"], env=env).output
