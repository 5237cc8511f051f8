"""Form versions: deployed with their diagrams, saved from the editor, pinned to the process
version, so a running case keeps the form it started with."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from engine import tasks
from engine.errors import InvalidInput
from engine.models import AuditEvent, FormVersion, ProcessDefinition, ProcessForm, WorkItem
from engine.runtime.deploy import deploy
from engine.runtime.form_catalogue import catalogue
from engine.runtime.form_versions import (
    create_form,
    form_problems,
    latest_version,
    save_form,
    uses,
)
from engine.runtime.forms import form_for, form_of_task, shipped_raw
from engine.work.returns import REASON_CODES, return_route
from tests.factories import SETUP, make_world, sample_files, start_sample

pytestmark = pytest.mark.both_backends  # the processes using a form are a grouped query

REVIEW = shipped_raw("sample_review")
assert REVIEW is not None
DETAIL = {"name": "return_detail", "type": "textarea", "label_zh": "退回说明",
          "label_en": "What to redo", "required": True, "min_length": 2,
          "show_if": {"field": "decision", "in": ["reject"]}}


def with_detail() -> dict:
    raw = copy.deepcopy(REVIEW)
    raw["fields"].insert(1, copy.deepcopy(DETAIL))
    return raw


def review_item(session, instance) -> WorkItem:
    return session.execute(select(WorkItem).where(
        WorkItem.instance_id == instance.id, WorkItem.form_key == "sample_review")).scalar_one()


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar()


def test_a_deploy_stores_the_shipped_forms_once_and_pins_them(session):
    make_world(session)
    definition = session.execute(select(ProcessDefinition)).scalar_one()
    pins = dict(session.execute(select(ProcessForm.form_key, FormVersion.version).join(
        FormVersion, FormVersion.id == ProcessForm.form_version_id)
        .where(ProcessForm.definition_id == definition.id)).all())
    assert pins == {"sample_review": 1, "sample_escalation": 1, "sample_rejection": 1}
    again, created = deploy(session, SETUP, sample_files())
    assert not created and again.id == definition.id
    assert count(session, FormVersion) == 3
    assert uses(session)["sample_review"] == [("sample_review", 1)]


def test_saving_identical_content_makes_no_version_and_a_change_is_audited(session):
    make_world(session)
    same, created = save_form(session, SETUP, "sample_review", copy.deepcopy(REVIEW), "again")
    assert not created and same.version == 1
    row, created = save_form(session, SETUP, "sample_review", with_detail(), "ask why")
    assert created and row.version == 2 and row.comment == "ask why"
    event = session.execute(select(AuditEvent).where(AuditEvent.action == "form.save")
                            .order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
    assert event.actor == "test:setup"
    assert [f["name"] for f in event.summary["before"]["fields"]] == ["decision", "opinion"]
    assert "return_detail" in [f["name"] for f in event.summary["after"]["fields"]]


def test_a_case_keeps_its_form_after_a_new_form_version_and_a_redeploy(session):
    world = make_world(session)
    old_case = start_sample(session)
    save_form(session, SETUP, "sample_review", with_detail(), "ask why")
    second, created = deploy(session, SETUP, sample_files())  # same files, newer form
    assert created and second.version == 2
    assert latest_version(session, "sample_review").version == 2  # the file undid nothing
    new_case = start_sample(session)
    old_form = form_of_task(session, review_item(session, old_case))
    new_form = form_of_task(session, review_item(session, new_case))
    assert [f.name for f in old_form.fields] == ["decision", "opinion"]
    assert [f.name for f in new_form.fields] == ["decision", "return_detail", "opinion"]
    chen = world.actor("chen")
    item = review_item(session, new_case)
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(session, chen, item.id, {"decision": "reject", "opinion": "不全"})
    assert refused.value.details["fields"] == {"return_detail": "required"}
    tasks.complete_task(session, chen, review_item(session, old_case).id,
                        {"decision": "reject", "opinion": "材料不全"})


def test_the_editor_is_told_every_problem_by_entry(session):
    raw = with_detail()
    raw["fields"].append({"name": "decision", "type": "text", "label_zh": "重复",
                          "label_en": "Again"})
    raw["fields"].append({"name": "when", "type": "date", "label_zh": "日期", "label_en": "",
                          "show_if": {"field": "opinion", "in": ["x"]}})
    raw["fields"][1]["show_if"] = {"field": "decision", "in": ["maybe"]}
    assert form_problems(raw) == {"fields.1.show_if_values": "not_offered",
                                  "fields.3.name": "duplicate_name",
                                  "fields.4.label_en": "required",
                                  "fields.4.show_if": "no_earlier_choice"}
    with pytest.raises(InvalidInput) as refused:
        save_form(session, SETUP, "sample_review", with_detail(), "  ")
    assert refused.value.details["fields"] == {"comment": "required"}
    assert count(session, FormVersion) == 0


def test_without_any_deploy_the_shipped_file_is_the_form(session):
    assert [f.name for f in form_for(session, "sample_review").fields] == ["decision", "opinion"]


REASON = {"name": "return_reason", "type": "select", "label_zh": "退回原因",
          "label_en": "Why it is returned",
          "choices": [{"value": "incomplete", "zh": "材料不全", "en": "Incomplete"},
                      {"value": "not_ours", "zh": "非本单位事项", "en": "Not ours"}]}


def test_a_return_offers_the_reasons_of_the_form_version_the_case_started_with(session):
    world = make_world(session)
    old_case = start_sample(session)
    raw = copy.deepcopy(REVIEW)
    raw["fields"].append(copy.deepcopy(REASON))
    save_form(session, SETUP, "sample_review", raw, "reasons of our own")
    deploy(session, SETUP, sample_files())
    new_case = start_sample(session)
    old_item, new_item = review_item(session, old_case), review_item(session, new_case)
    assert return_route(session, old_item).reasons == REASON_CODES
    assert return_route(session, new_item).reasons == ("incomplete", "not_ours")
    chen = world.actor("chen")
    with pytest.raises(InvalidInput) as refused:
        tasks.return_task(session, chen, old_item.id, "incomplete", "材料不全")
    assert refused.value.details["fields"] == {"reason": "invalid_choice"}
    with pytest.raises(InvalidInput):
        tasks.return_task(session, chen, new_item.id, "1", "材料不全")
    tasks.return_task(session, chen, new_item.id, "incomplete", "材料不全")
    tasks.return_task(session, chen, old_item.id, "1", "材料不全")
    returned = session.execute(select(AuditEvent.summary).where(
        AuditEvent.action == "task.return").order_by(AuditEvent.id)).scalars().all()
    assert [event["reason"] for event in returned] == ["incomplete", "1"]


def naming(form_key: str) -> list[tuple[str, bytes]]:
    """The sample diagram whose review task asks the form `form_key`."""
    ((name, data),) = sample_files()
    return [(name, data.replace(b'name="formKey" value="sample_review"',
                                f'name="formKey" value="{form_key}"'.encode()))]


def test_a_new_form_is_version_1_and_a_diagram_naming_it_deploys_and_asks_it(session):
    world = make_world(session)
    with pytest.raises(InvalidInput) as refused:
        create_form(session, SETUP, "Site Visit", " ", "Site visit", "new")
    assert refused.value.details["fields"] == {"key": "bad_key", "title_zh": "required"}
    with pytest.raises(InvalidInput) as refused:
        create_form(session, SETUP, "sample_review", "审查", "Review", "new")  # shipped
    assert refused.value.details["fields"] == {"key": "taken"}
    row = create_form(session, SETUP, " site_visit ", "现场核查", "Site visit", "new")
    assert (row.key, row.version, row.saved_by) == ("site_visit", 1, "test:setup")
    with pytest.raises(InvalidInput) as refused:
        create_form(session, SETUP, "site_visit", "再来", "Again", "new")  # saved
    assert refused.value.details["fields"] == {"key": "taken"}
    event = session.execute(select(AuditEvent).where(
        AuditEvent.action == "form.create")).scalar_one()
    assert event.summary["before"] is None and event.summary["after"]["title_zh"] == "现场核查"
    assert "site_visit" in {f.key for f in catalogue(session)}  # the modeler's choices
    raw = copy.deepcopy(row.definition)
    raw["fields"].insert(0, {"name": "visited_on", "type": "date", "required": True,
                             "label_zh": "核查日期", "label_en": "Visited on"})
    assert save_form(session, SETUP, "site_visit", raw, "add the date")[0].version == 2
    definition, created = deploy(session, SETUP, naming("site_visit"))
    assert created and definition.version == 2
    item = session.execute(select(WorkItem).where(
        WorkItem.instance_id == start_sample(session).id)).scalar_one()
    assert item.form_key == "site_visit"
    form = form_of_task(session, item)
    assert form.title_zh == "现场核查" and [f.name for f in form.fields] == [
        "visited_on", "opinion"]
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(session, world.actor("chen"), item.id, {"opinion": "已核查"})
    assert refused.value.details["fields"] == {"visited_on": "required"}
