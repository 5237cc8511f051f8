"""The processes pages and the modeler's endpoints: versions with their counts, a draft
saved and opened again, deploy with a comment (or refused, each problem on its element),
the sandbox check as one types, and who may do what."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.errors import DeploymentProblem
from engine.models import ProcessDefinition, ProcessDraft, Role
from engine.org.units import add_user
from tests.factories import PASSWORD, SETUP
from tests.webapp.conftest import start_case
from webapp import deploy_problems

pytestmark = pytest.mark.both_backends

SAMPLE = Path("bpmn/sample_review.bpmn").read_text(encoding="utf-8")


def changed(xml: str = SAMPLE, old: str = 'name="dueWorkingDays" value="3"',
            new: str = 'name="dueWorkingDays" value="4"') -> str:
    assert old in xml
    return xml.replace(old, new)


def test_the_list_shows_each_version_with_its_cases(login, app_sessions):
    start_case(app_sessions)
    page = login("admin").get("/processes/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="process-sample_review"' in text
    row = text.split('data-version="1"')[1].split("</tr>")[0]
    assert 'data-state="waiting"' in row or 'data-state="running"' in row
    assert 'href="/operations/instances?key=sample_review&amp;status=' in row
    assert 'href="/operations/versions/1"' in row  # where they stand, on the diagram
    assert "案件审查示例" in text  # the name in the page's language
    assert 'action="/processes/copy/sample_review"' in text


def test_a_department_administrator_reads_without_changing(login, app_sessions):
    start_case(app_sessions)
    client = login("zhang")
    text = client.get("/processes/").get_data(as_text=True)
    assert 'id="process-sample_review"' in text
    assert "/processes/copy/" not in text and "/edit" not in text
    assert "/operations/" not in text  # the counts, without the operators' console
    assert '<span data-state="' in text.split('data-version="1"')[1].split("</tr>")[0]
    assert client.get("/processes/sample_review/versions/1").status_code == 200
    assert client.get("/processes/sample_review/edit").status_code == 404
    assert client.post_json("/processes/draft", {"xml": SAMPLE}).status_code == 404


def test_a_draft_is_kept_and_opened_again(login, app_sessions):
    client = login("admin")
    saved = client.post_json("/processes/draft", {"xml": changed()})
    assert saved.status_code == 200
    assert saved.get_json()["key"] == "sample_review"
    assert saved.get_json()["edit_url"] == "/processes/sample_review/edit"
    opened = client.get("/processes/sample_review/draft.bpmn").get_data(as_text=True)
    assert 'name="dueWorkingDays" value="4"' in opened
    listed = client.get("/processes/").get_data(as_text=True)
    assert 'class="draft-note"' in listed.split('id="process-sample_review"')[1]
    with app_sessions() as session:
        assert session.execute(select(ProcessDraft.saved_by)).scalar_one() == "admin"


def test_without_a_draft_the_modeler_opens_the_latest_version(login):
    text = login("admin").get("/processes/sample_review/draft.bpmn").get_data(as_text=True)
    assert text == SAMPLE


def test_what_is_not_a_diagram_is_not_saved(login):
    response = login("admin").post_json("/processes/draft", {"xml": "<not-bpmn/>"})
    assert response.status_code == 422
    assert response.get_json()["error"]


def test_deploy_makes_the_next_version_with_who_when_and_why(login, app_sessions):
    client = login("admin")
    client.post_json("/processes/draft", {"xml": changed()})
    response = client.post_json("/processes/sample_review/deploy",
                                {"comment": "Four days to review"})
    assert response.status_code == 200
    assert response.get_json()["version"] == 2
    with app_sessions() as session:
        latest = session.execute(select(ProcessDefinition).where(
            ProcessDefinition.version == 2)).scalar_one()
        assert (latest.deployed_by, latest.comment) == ("admin", "Four days to review")
        assert session.execute(select(ProcessDraft)).first() is None  # the draft is done
    text = client.get("/processes/").get_data(as_text=True)
    assert "Four days to review" in text and 'data-version="2"' in text
    assert "Four days to review" in client.get(
        "/processes/sample_review/versions/2").get_data(as_text=True)


def test_deploy_needs_a_comment_and_keeps_the_draft(login, app_sessions):
    client = login("admin")
    client.post_json("/processes/draft", {"xml": changed()})
    response = client.post_json("/processes/sample_review/deploy", {"comment": "  "})
    assert response.status_code == 422
    with app_sessions() as session:
        assert session.execute(select(ProcessDraft)).scalar_one().key == "sample_review"
        assert session.execute(select(ProcessDefinition.version)).scalars().all() == [1]


def test_a_refused_deploy_names_each_element_and_keeps_the_draft(login, app_sessions):
    client = login("admin")
    broken = changed(changed(), 'name="formKey" value="sample_review"',
                     'name="formKey" value="no_such_form"')
    broken = broken.replace('name="登记机关 registrar"', 'name="登记机关 nobody"')
    client.post_json("/processes/draft", {"xml": broken})
    response = client.post_json("/processes/sample_review/deploy", {"comment": "try"})
    assert response.status_code == 422
    problems = response.get_json()["problems"]
    by_element = {p["element"]: p for p in problems}
    form = by_element["review"]
    assert (form["code"], form["params"]) == ("form_missing", {"form": "no_such_form"})
    assert form["message"] == "表单“no_such_form”不存在：请选择已有的表单。"
    lane = by_element["handle_rejection"]
    assert (lane["code"], lane["params"]) == ("lane_without_rule", {"lane": "登记机关 nobody"})
    assert "nobody" in lane["message"] and "lane" not in lane["message"]
    client.post("/auth/language", {"locale": "en"})
    english = client.post_json("/processes/sample_review/deploy", {"comment": "try"})
    assert {p["element"]: p["message"] for p in english.get_json()["problems"]}["review"] == (
        "The form “no_such_form” does not exist: choose a form that does.")
    with app_sessions() as session:
        assert "no_such_form" in session.execute(select(ProcessDraft.bpmn_xml)).scalar_one()
        assert session.execute(select(ProcessDefinition.version)).scalars().all() == [1]


def test_the_sandbox_check_answers_as_one_types_worded_as_deploy_words_it(login):
    client = login("admin")
    assert client.post_json("/processes/check", {"source": "x == 1", "kind": "condition"}
                            ).get_json() == {"problem": None}
    refused = client.post_json("/processes/check", {"source": "__import__('os')",
                                                    "kind": "condition"}).get_json()["problem"]
    assert (refused["code"], refused["params"]["what"]) == ("code_refused", "condition")
    assert refused["message"] == "条件: 沙箱拒绝了这段代码。"
    assert "__import__" in refused["detail"]  # the sandbox's own words, quoted apart
    script = client.post_json("/processes/check", {"source": "import os", "kind": "script"})
    assert script.get_json()["problem"]["message"] == "脚本: 沙箱拒绝了这段代码。"
    invalid = client.post_json("/processes/check", {"source": "a = (", "kind": "script"}
                               ).get_json()["problem"]
    assert invalid["message"] == "脚本: 沙箱拒绝了这段代码。"  # as deploy says it
    assert "SyntaxError" in invalid["detail"] and "Line 1" in invalid["detail"]
    client.post("/auth/language", {"locale": "en"})
    english = client.post_json("/processes/check", {"source": "import os", "kind": "script"})
    assert english.get_json()["problem"]["message"] == "script: The sandbox refuses this code."


def test_a_copy_of_a_shipped_diagram_is_one_click(login, app_sessions):
    client = login("admin")
    response = client.post("/processes/copy/info_publication")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/processes/info_publication/edit")
    page = client.get("/processes/info_publication/edit")
    assert page.status_code == 200
    assert 'data-xml-url="/processes/info_publication/draft.bpmn"' in page.get_data(as_text=True)
    assert client.post("/processes/copy/nothing_like_it").status_code == 404


def test_the_modeler_gets_the_lane_roles_and_the_forms(login):
    data = login("admin").get("/processes/modeler.json").get_json()
    assert {lane["name"] for lane in data["lanes"]} >= {"department", "supervisor", "registrar"}
    assert all(lane["meaning"] for lane in data["lanes"])
    review = next(f for f in data["forms"] if f["key"] == "sample_review")
    assert review["zh"] == "审查案件" and review["url"] == "/processes/forms/sample_review"
    assert data["labels"]["due"]


def test_two_versions_are_compared(login):
    client = login("admin")
    client.post_json("/processes/draft", {"xml": changed()})
    client.post_json("/processes/sample_review/deploy", {"comment": "four"})
    page = client.get("/processes/sample_review/diff?a=1&b=2")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-older-url="/processes/sample_review/versions/1/diagram.bpmn"' in text
    assert client.get("/processes/sample_review/diff?a=1&b=9").status_code == 404


def test_a_form_is_shown_read_only(login):
    text = login("zhang").get("/processes/forms/sample_review").get_data(as_text=True)
    assert "审查结论" in text and "<input" not in text.split("<main>")[1]


def test_a_copy_of_an_older_version_opens_that_version(login):
    client = login("admin")
    client.post_json("/processes/draft", {"xml": changed()})
    client.post_json("/processes/sample_review/deploy", {"comment": "four"})
    text = client.get("/processes/sample_review/versions/1").get_data(as_text=True)
    assert 'href="/processes/sample_review/edit?version=1"' in text
    page = client.get("/processes/sample_review/edit?version=1").get_data(as_text=True)
    assert 'data-xml-url="/processes/sample_review/versions/1/diagram.bpmn"' in page
    assert client.get("/processes/sample_review/edit?version=7").status_code == 404


def test_a_new_process_starts_from_a_lane_and_is_saved_under_its_own_key(login):
    client = login("admin")
    assert client.get("/processes/new").status_code == 200
    template = client.get("/processes/new.bpmn").get_data(as_text=True)
    saved = client.post_json("/processes/draft", {"xml": template.replace(
        "new_process", "permit_review")})
    assert saved.get_json()["edit_url"] == "/processes/permit_review/edit"
    listed = client.get("/processes/").get_data(as_text=True)
    assert 'id="process-permit_review"' in listed and "尚未部署" in listed
    deployed = client.post_json("/processes/permit_review/deploy", {"comment": "first"})
    assert deployed.get_json()["version"] == 1
    assert client.get("/processes/permit_review/versions/1").status_code == 200


@pytest.fixture
def second_admin(app_sessions):  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        add_user(session, SETUP, "admin2", "第二管理员", PASSWORD, "530500", [Role.SYSADMIN])
        session.commit()
    return "admin2"


def test_someone_elses_draft_is_not_overwritten_unasked(login, app_sessions, second_admin):
    mine = login("admin")
    first = mine.post_json("/processes/draft", {"xml": changed()}).get_json()
    theirs = login(second_admin)
    page = theirs.get("/processes/sample_review/edit").text
    assert 'id="others-draft"' in page and "admin" in page.split('id="others-draft"')[1]
    # They save after opening my draft: fine, they were told. Then I save on mine, opened
    # before theirs: refused, naming who and when, until I say to replace theirs.
    base = page.split('data-base="')[1].split('"')[0]
    assert base == first["saved_at"]
    five, six = (changed(new=f'name="dueWorkingDays" value="{n}"') for n in (5, 6))
    again = theirs.post_json("/processes/draft", {"xml": five, "base": base})
    assert again.status_code == 200
    refused = mine.post_json("/processes/draft", {"xml": six, "base": first["saved_at"]})
    assert refused.status_code == 409
    assert refused.get_json()["error"].startswith("admin2 已在")
    with app_sessions() as session:
        assert 'value="5"' in session.execute(select(ProcessDraft.bpmn_xml)).scalar_one()
    replaced = mine.post_json("/processes/draft", {"xml": six, "base": first["saved_at"],
                                                   "replace": True})
    assert replaced.status_code == 200
    with app_sessions() as session:
        row = session.execute(select(ProcessDraft)).scalar_one()
        assert ('name="dueWorkingDays" value="6"' in row.bpmn_xml, row.saved_by) == (
            True, "admin")


def test_a_copy_of_a_shipped_diagram_opens_a_draft_already_there(login, second_admin):
    theirs = login(second_admin)
    theirs.post_json("/processes/draft", {"xml": changed()})
    mine = login("admin")
    response = mine.post("/processes/copy/sample_review")
    assert response.headers["Location"].endswith("/processes/sample_review/edit")
    page = mine.get("/processes/sample_review/edit").text
    assert page.count("admin2 已在") == 2  # the flash, and the warning on the page
    assert 'name="dueWorkingDays" value="4"' in mine.get(
        "/processes/sample_review/draft.bpmn").text


def test_the_modelers_words_and_deploy_refusals_are_chinese_on_a_chinese_page(login, app):
    words = login("admin").get("/processes/modeler.json").get_json()
    for name, text in {**words["labels"], **words["words"]}.items():
        english = re.findall(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}|%[a-z]", "", text))
        assert not english, (name, text)
    names = ("BPMN", "DMN", "XML", "Python", "Camunda")  # names of things, as in Chinese
    params = dict.fromkeys(("lane", "form", "name", "value", "limit", "process", "count"), "")
    with app.test_request_context():
        for code in deploy_problems.PROBLEMS:
            text = deploy_problems.message(DeploymentProblem("x.bpmn", "e", "", code, **params))
            assert not set(re.findall(r"[A-Za-z]{2,}", text)) - set(names), (code, text)
