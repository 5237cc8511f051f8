"""The diagram modeler in a browser: a copy of a shipped diagram changed in the properties
panel, saved and deployed as the next version; a deploy refused with its problem marked
on the element; the pages at 1280 and 375 px."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.audit import Actor
from engine.models import ProcessDefinition, ProcessDraft, Role
from engine.org.units import add_user
from engine.runtime import drafts
from engine.runtime.drafts import save_draft
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, SETUP

READY = "#modeler[data-ready=true]"


def open_copy(page, server: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server, "admin")
    page.goto(f"{server}/processes/")
    page.click("button[data-copy=sample_review]")
    page.wait_for_url(f"{server}/processes/sample_review/edit")
    page.wait_for_selector(READY)


def pick(page, element_id: str) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("""id => { const m = window.creditflowModeler;
        m.get('selection').select(m.get('elementRegistry').get(id)); }""", element_id)


def deploy(page, comment: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#deploy-comment", comment)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#deploy")


def test_a_copy_gets_new_due_days_and_is_deployed_as_version_2(server, server_sessions,
                                                               new_page):
    page = new_page(width=1280, height=900)
    open_copy(page, server)
    page.click('[data-element-id="review"]')
    due = page.locator("#bio-properties-panel-cf-due")
    assert due.input_value() == "3"
    due.fill("4")
    page.wait_for_function("""() => window.creditflowModeler.get('elementRegistry')
        .get('review').businessObject.extensionElements.values[0].values
        .some(p => p.name === 'dueWorkingDays' && p.value === '4')""")
    page.locator("#bio-properties-panel-cf-reminder").fill("1")
    page.wait_for_function("""() => window.creditflowModeler.get('elementRegistry')
        .get('reminder_timer').businessObject.eventDefinitions[0].timeDate.body
        === 'workdays_from_today(1)'""")
    assert page.locator("#lint-status").get_attribute("data-errors") == "0"
    page.click("#save-draft")
    page.wait_for_selector("#modeler-status[data-kind=ok]")
    deploy(page, "审查期限改为4个工作日")
    page.wait_for_url(f"{server}/processes/#process-sample_review")
    row = page.locator("#process-sample_review tr[data-version='2']")
    assert "审查期限改为4个工作日" in row.inner_text()
    assert "admin" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_selector("#version-diagram[data-ready=true]")
    with server_sessions() as session:
        xml = session.execute(select(ProcessDefinition.bpmn_xml).where(
            ProcessDefinition.version == 2)).scalar_one()
    # The platform's properties survive the modeler, changed where the panel changed them.
    assert 'name="dueWorkingDays" value="4"' in xml
    assert 'name="formKey" value="sample_review"' in xml
    assert "workdays_from_today(5)" in xml and "workdays_from_today(1)" in xml
    assert "workdays_from_today(2)" not in xml
    page.goto(f"{server}/processes/sample_review/diff?a=1&b=2")
    page.wait_for_selector("#differ[data-ready=true]")
    assert page.locator("#diff-list li.diff-changed[data-element=review]").count() == 1
    marked = "#diff-newer .djs-element.diff-changed[data-element-id=review]"
    assert page.locator(marked).count() == 1


def test_a_refused_deploy_marks_the_element_and_keeps_the_draft(server, new_page):
    page = new_page(width=1280, height=900)
    open_copy(page, server)
    pick(page, "lane_registrar")
    page.select_option("#bio-properties-panel-cf-lane-role", "")
    page.wait_for_function("() => document.querySelector('#lint-status').dataset.errors !== '0'")
    assert page.locator(".djs-element[data-element-id=handle_rejection]").count() == 1
    pick(page, "note_reminder")
    script = page.locator("#bio-properties-panel-cf-script-text")
    script.fill("import os")
    check = page.locator(".cf-check[data-state=problem]")
    check.wait_for()
    # Worded as deploy words it, in the page's language; the sandbox's words quoted apart.
    assert check.locator(".cf-check-text").inner_text() == "不通过： 脚本: 沙箱拒绝了这段代码。"
    assert check.get_attribute("data-code") == "code_refused"
    detail = check.locator("code.problem-detail")
    assert "Import" in detail.inner_text() and detail.get_attribute("lang") == "en"
    assert float(detail.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) < float(
        check.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    script.fill("reminded = True")
    page.wait_for_selector(".cf-check[data-state=ok]")
    script.fill("import os")
    page.wait_for_selector(".cf-check[data-state=problem]")
    deploy(page, "没有角色的泳道")
    problem = page.locator("#problems li[data-element=handle_rejection]")
    problem.wait_for()
    # In the page's language, on the element and in the list; the sandbox's words apart.
    script_problem = page.locator("#problems li[data-element=note_reminder]")
    assert "脚本: 沙箱拒绝了这段代码。" in script_problem.inner_text()
    assert script_problem.locator("code.problem-detail").inner_text()
    assert "未指定案件角色" in problem.inner_text()
    assert not re.search(r"[A-Za-z]{3,}", problem.inner_text().split(":", 1)[1])
    assert page.locator(".djs-element.cf-problem[data-element-id=handle_rejection]").count() == 1
    badge = page.locator(".cf-problem-badge[data-element=handle_rejection]")
    assert "未指定案件角色" in badge.get_attribute("title")
    # The lint marks in the page's words: messages translated, the rules' ids not shown.
    marks = page.evaluate("""() => [...document.querySelectorAll('li[data-rule]')].map(li => [
        li.querySelector('.message').textContent,
        getComputedStyle(li.querySelector('.rule')).display])""")
    assert marks and all(not re.search(r"[A-Za-z]{2,}", message) and shown == "none"
                         for message, shown in marks), marks
    problem.locator("button").click()
    selected = page.evaluate("""() => window.creditflowModeler.get('selection').get()
        .map(e => e.id)""")
    assert selected == ["handle_rejection"]
    page.goto(f"{server}/processes/")
    assert page.locator("#process-sample_review .draft-note").count() == 1
    assert page.locator("#process-sample_review tr[data-version='2']").count() == 0


def test_the_pages_at_1280_and_375(server, new_page):
    for width in (1280, 375):
        page = new_page(width=width, height=800)
        sign_in(page, server, "admin")
        for path in ("/processes/", "/processes/sample_review/versions/1"):
            page.goto(f"{server}{path}")
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{path} is {overflow} px wide at {width} px"
        page.wait_for_selector("#version-diagram[data-ready=true]")
        page.goto(f"{server}/processes/sample_review/edit")
        assert page.locator("#too-narrow").is_visible() == (width < 900)
        if width >= 900:
            page.wait_for_selector(READY)
            page.screenshot(path="/tmp/modeler-1280.png")
            page.click("#toggle-simulation")
            assert page.locator("#toggle-simulation").get_attribute("aria-pressed") == "true"


def test_a_draft_saved_meanwhile_by_another_administrator_is_replaced_only_when_asked(
        server, server_sessions, new_page):  # type: ignore[no-untyped-def]
    page = new_page(width=1280, height=900)
    open_copy(page, server)
    with server_sessions() as session:  # another administrator saves meanwhile, told
        add_user(session, SETUP, "admin2", "第二管理员", PASSWORD, "530500", [Role.SYSADMIN])
        save_draft(session, Actor("admin2", "web"), drafts.shipped_xml("sample_review").replace(
            'name="dueWorkingDays" value="3"', 'name="dueWorkingDays" value="9"'), replace=True)
        session.commit()
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#save-draft")
    page.wait_for_selector("#modeler-status[data-kind=error]")
    assert asked and "admin2" in asked[0] and "替换" in asked[0]
    assert "admin2" in page.inner_text("#modeler-status")
    with server_sessions() as session:
        assert session.execute(select(ProcessDraft.saved_by)).scalar_one() == "admin2"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#save-draft")
    page.wait_for_selector("#modeler-status[data-kind=ok]")
    with server_sessions() as session:
        assert session.execute(select(ProcessDraft.saved_by)).scalar_one() == "admin"


def test_on_a_phone_a_process_shows_its_latest_version_and_folds_the_earlier(
        server, server_sessions, new_page):  # type: ignore[no-untyped-def]
    with server_sessions() as session:  # versions 2 and 3 of the sample, with a comment
        for days in ("4", "5"):
            save_draft(session, SETUP, drafts.shipped_xml("sample_review").replace(
                'name="dueWorkingDays" value="3"', f'name="dueWorkingDays" value="{days}"'),
                replace=True)
            drafts.deploy_draft(session, SETUP, "sample_review", f"期限改为{days}个工作日")
        session.commit()
    for width in (375, 1280):
        page = new_page(width=width, height=800)
        sign_in(page, server, "admin")
        page.goto(f"{server}/processes/")
        card = page.locator("#process-sample_review")
        assert card.locator("tr[data-version='3']").is_visible()
        older = card.locator("details.older-versions")
        assert "更早的版本（2）" in older.locator("summary").inner_text()
        assert not card.locator("tr[data-version='1']").is_visible()
        older.locator("summary").click()
        assert card.locator("tr[data-version='1']").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width == 375:  # the number, who and when on one line; an empty comment not shown
            row = card.locator("tr[data-version='3']")
            tops = {round(row.locator(f"td.{c}").bounding_box()["y"])
                    for c in ("v-number", "v-by", "v-when")}
            assert len(tops) == 1, tops
            assert not card.locator("tr[data-version='1'] td.comment").is_visible()
            assert row.locator("td.comment").inner_text().endswith("期限改为5个工作日")
