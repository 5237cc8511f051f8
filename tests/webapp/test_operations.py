"""The operations console: versions with instances by state, instance search and detail,
suspend/resume/terminate with a reason, a variable changed, incidents retried together,
the timer queue, and where a version's instances stand, element by element."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import clock
from engine.models import AuditEvent, Incident, InstanceStatus, ProcessInstance, WorkItem
from engine.runtime import incidents
from tests.webapp.conftest import start_case

pytestmark = pytest.mark.usefixtures("traveller")


def test_versions_count_instances_by_state_and_the_search_finds_them(login, app_sessions):
    first = start_case(app_sessions, phone_note="联系人 13812345678")
    start_case(app_sessions)
    admin = login("admin")
    with app_sessions() as session:
        incidents.raise_incident(session, first.instance_id, "script", "division by zero",
                                 element="review")
        session.commit()
    page = admin.get("/operations/").text
    assert 'id="incident-count"' in page and 'href="/processes/"' in page
    # One list of versions, with the processes: the console's counts by state are there.
    listed = admin.get("/processes/").text
    row = listed.split('id="process-sample_review"')[1].split('data-version="1"')[1]
    row = row.split("</tr>")[0]
    assert "运行中 1</a>" in row and 'class="late">有事件 1</a>' in row  # one waits, one stopped
    assert 'href="/operations/instances?key=sample_review&amp;status=incident"' in row
    found = admin.get("/operations/instances?key=sample_review&status=incident").text
    assert f'data-instance="{first.instance_id}"' in found and "1 个实例" in found
    none = admin.get("/operations/instances?key=sample_review&business_key=nothing-like-it")
    assert "没有匹配的实例" in none.text


def test_an_instance_in_full_with_its_variables_masked(login, app_sessions):
    item = start_case(app_sessions, phone_note="联系人 13812345678")
    page = login("admin").get(f"/operations/instances/{item.instance_id}").text
    assert "phone_note" in page and "138****5678" in page and "13812345678" not in page
    assert f'data-item="{item.id}"' in page  # its open task
    assert "reminder_timer" in page and "escalation_timer" in page  # its waiting timers


def test_suspend_needs_a_reason_and_resume_and_terminate_are_audited(login, app_sessions):
    item = start_case(app_sessions)
    admin = login("admin")
    url = f"/operations/instances/{item.instance_id}"
    back = admin.sent_back(url + "/suspend", {"reason": ""})
    assert 'aria-invalid="true"' in back.text
    assert admin.post(url + "/suspend", {"reason": "等待核实登记信息"}).status_code == 302
    assert "已暂停" in admin.get(url).text.split('id="state"')[1][:200]
    assert admin.post(url + "/resume", {"reason": "核实完毕"}).status_code == 302
    assert admin.post(url + "/terminate", {"reason": "重复立案"}).status_code == 302
    with app_sessions() as session:
        row = session.get(ProcessInstance, item.instance_id)
        assert row.status == InstanceStatus.TERMINATED
        actions = session.execute(select(AuditEvent.action, AuditEvent.summary).where(
            AuditEvent.object_type == "process_instance",
            AuditEvent.object_id == str(item.instance_id),
            AuditEvent.action.like("process.%"))).all()
    assert [(a, s.get("reason")) for a, s in actions if a != "process.start"] == [
        ("process.suspend", "等待核实登记信息"), ("process.resume", "核实完毕"),
        ("process.terminate", "重复立案")]
    again = admin.post(url + "/resume", {"reason": "再试一次"})
    assert "不再处于允许此操作的状态" in admin.get(again.headers["Location"]).text


def test_a_variable_changed_is_what_the_diagram_decides_with(login, app_sessions):
    item = start_case(app_sessions, amount=100)
    admin = login("admin")
    url = f"/operations/instances/{item.instance_id}"
    refused = admin.sent_back(url + "/variable", {"name": "amount", "value": "一百"})
    assert "请以 JSON 填写值" in refused.text
    assert admin.post(url + "/variable", {"name": "amount", "value": "250"}).status_code == 302
    with app_sessions() as session:
        row = session.get(ProcessInstance, item.instance_id)
        assert json.loads(row.state)["data"]["amount"] == 250
        event = session.execute(select(AuditEvent).where(
            AuditEvent.action == "process.variable")).scalar_one()
        assert (event.summary["before"], event.summary["after"]) == (100, 250)


def test_incidents_are_retried_together(login, app_sessions):
    cases = [start_case(app_sessions) for _ in range(2)]
    with app_sessions() as session:
        ids = [incidents.raise_incident(session, c.instance_id, "timer", "calendar missing",
                                        element="escalation_timer").id for c in cases]
        session.commit()
    admin = login("admin")
    listed = admin.get("/operations/incidents").text
    assert all(f'data-incident="{i}"' in listed for i in ids)
    done = admin.post("/operations/incidents/retry", {"incident": [str(i) for i in ids]})
    assert "2 个事件已重试" in admin.get(done.headers["Location"]).text
    with app_sessions() as session:
        assert all(session.get(Incident, i).resolved_by == "admin" for i in ids)
        assert {session.get(ProcessInstance, c.instance_id).status for c in cases} == {
            InstanceStatus.WAITING}
    assert 'id="no-incidents"' in admin.get("/operations/incidents").text


def test_where_a_versions_instances_stand(login, app_sessions):
    items = [start_case(app_sessions) for _ in range(3)]
    with app_sessions() as session:
        incidents.raise_incident(session, items[0].instance_id, "timer", "x",
                                 element="escalation_timer")
        definition_id = session.get(ProcessInstance, items[0].instance_id).definition_id
        for item in items[:2]:  # two of them past their due time
            session.get(WorkItem, item.id).due_at = clock.now() - timedelta(hours=1)
        session.commit()
    admin = login("admin")
    counts = admin.get(f"/operations/versions/{definition_id}/counts.json").get_json()
    assert counts["review"] == {"running": 3, "late": 2, "incidents": 0}
    assert counts["escalation_timer"] == {"running": 3, "late": 0, "incidents": 1}
    page = admin.get(f"/operations/versions/{definition_id}").text
    assert 'data-element="review"' in page and 'id="heatmap"' in page
    assert admin.get(f"/operations/versions/{definition_id}/diagram.bpmn").data.startswith(b"<")


def element_rows(page: str) -> list[tuple[str, str]]:
    """The rows of the element table: (element id, the name it shows first)."""
    table = page.split('id="element-counts"')[1].split("</table>")[0]
    return [(row.split('"')[0], row.split('class="element-name"')[1].split(">", 1)[1]
             .split("<")[0]) for row in table.split('<tr data-element="')[1:]]


def test_the_element_table_names_the_elements_in_the_pages_language(login, app_sessions):
    item = start_case(app_sessions)
    with app_sessions() as session:
        incidents.raise_incident(session, item.instance_id, "timer", "x",
                                 element="escalation_timer")
        incidents.raise_incident(session, item.instance_id, "flow", "x",
                                 element="flow_start_review")  # a flow has no name
        definition_id = session.get(ProcessInstance, item.instance_id).definition_id
        session.commit()
    admin = login("admin")
    path = f"/operations/versions/{definition_id}"
    page = admin.get(path).text
    # In the diagram's order; the id apart, for whoever reads the diagram's file.
    assert element_rows(page) == [("review", "审查案件"), ("reminder_timer", "2个工作日提醒"),
                                  ("escalation_timer", "5个工作日升级"),
                                  ("flow_start_review", "flow_start_review")]
    assert '<span class="element-name" title="review">审查案件</span>' in page
    assert '<code class="element-id">review</code>' in page
    admin.post("/auth/language", {"locale": "en"})
    assert [name for _id, name in element_rows(admin.get(path).text)] == [
        "Review the case", "Reminder after 2 working days", "Escalate after 5 working days",
        "flow_start_review"]


def test_the_timer_queue_lists_the_soonest_first(login, app_sessions):
    item = start_case(app_sessions)
    page = login("admin").get("/operations/timers").text
    assert f"#{item.instance_id} sample_review" in page
    assert page.index("2个工作日提醒") < page.index("5个工作日升级")
