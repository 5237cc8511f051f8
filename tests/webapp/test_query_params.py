"""Query values from the address bar: junk or huge numbers never answer 500.

Pages fall back to their defaults; the API answers 422 naming the parameter; ids in paths
beyond the database's integers are not found."""

from __future__ import annotations

import pytest

HUGE = str(10**30)
pytestmark = pytest.mark.both_backends  # the point is what PostgreSQL accepts


@pytest.mark.parametrize("url", [
    "/inbox/?priority=x",
    f"/inbox/?priority={HUGE}",
    f"/inbox/?page={HUGE}",
    "/inbox/?due_from=0001-01-01&due_to=9999-12-31",
    f"/notifications/?page={HUGE}",
    "/notifications/?page=-3",
    f"/monitor/?department={HUGE}",
    f"/monitor/?page={HUGE}",
    f"/notices/?department={HUGE}",
    f"/notices/directory?department={HUGE}",
    f"/notices/?department={2**31}",  # one past PostgreSQL's integer
    f"/monitor/?department={2**31}",
    f"/notices/?page={HUGE}",
])
def test_junk_and_huge_numbers_fall_back_to_the_first_page(login, url):
    response = login("zhang").get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize(("query", "name"), [
    (f"priority={HUGE}", "priority"), ("priority=x", "priority"), (f"page={HUGE}", "page"),
    (f"per_page={HUGE}", "per_page"), ("due_from=0001-01-01", "due_from"),
])
def test_the_api_answers_422_naming_the_parameter(login, query, name):
    response = login("zhang").get(f"/api/v1/inbox?{query}")
    assert response.status_code == 422, query
    assert name in response.get_json()["fields"]


@pytest.mark.parametrize("url", [f"/tasks/{HUGE}", f"/notices/{HUGE}",
                                 f"/tasks/attachments/{HUGE}", f"/api/v1/tasks/{HUGE}"])
def test_an_id_beyond_the_database_integers_is_not_found(login, url):
    assert login("zhang").get(url).status_code == 404


def test_a_nul_byte_anywhere_in_a_request_is_refused_with_a_reason(login):
    officer = login("zhang")
    for response in (officer.get("/inbox/?entity=a%00b"),
                     officer.get("/api/v1/inbox?entity=a%00b"),
                     officer.post("/notifications/read", {"x": "a\0b"}),
                     officer.http.post("/api/v1/tasks/1/claim", json={"note": "a\0b"},
                                       headers={"X-CSRFToken": officer.token or ""})):
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert "NUL" in text and "Traceback" not in text


def test_json_nested_deeper_than_any_body_is_refused(login):
    officer = login("zhang")
    deep = {"a": 1}
    for _ in range(40):
        deep = {"a": deep}
    response = officer.http.post("/api/v1/tasks/1/claim", json=deep)
    assert response.status_code == 400 and response.get_json()["code"] == "nesting"
    very_deep = "[" * 100_000 + "]" * 100_000
    response = officer.http.post("/api/v1/tasks/1/claim", data=very_deep,
                                 content_type="application/json")
    assert response.status_code == 400 and response.get_json()["code"] == "nesting"


def test_a_chosen_id_beyond_the_database_integers_is_refused_by_the_form(login, case):
    response = login("zhang").post(f"/tasks/{case.id}/assign", {"target": f"user:{HUGE}"})
    assert response.status_code == 400  # the form is invalid: a page saying so
    response = login("zhang").post_json(f"/api/v1/tasks/{case.id}/assign", {"user_id": HUGE})
    assert response.status_code == 422 and "user_id" in response.get_json()["fields"]
