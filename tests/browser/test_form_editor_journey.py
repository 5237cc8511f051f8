"""An administrator adds a conditional field to a task form in the editor (the preview
shows it as the task will), saves it as the next version and deploys the process again;
on a new case's task page the field shows only for its choice, and the server asks for it.
A new form made from the list is chosen for a user task in the modeler, deployed with the
diagram, and asked on a new case's task page."""

from __future__ import annotations

from tests.browser.conftest import sign_in
from tests.browser.test_modeler import READY, deploy
from tests.webapp.conftest import start_case


def test_a_conditional_field_added_in_the_editor_is_honoured_by_the_task_page(
        server, server_sessions, new_page):
    page = new_page(width=1280)
    sign_in(page, server, "admin")
    page.goto(f"{server}/processes/forms/")
    page.click("#form-sample_review a")
    page.click("#add-field")
    row = page.locator(".form-row").last
    row.locator("input[name$='-name']").fill("return_detail")
    row.locator("select[name$='-type']").select_option("textarea")
    row.locator("input[name$='-label_zh']").fill("退回说明")
    row.locator("input[name$='-label_en']").fill("What to redo")
    row.locator("input[name$='-required']").check()
    row.locator("input[name$='-show_if_field']").fill("decision")
    row.locator("input[name$='-show_if_values']").fill("reject")
    row.locator("button[data-move=up]").click()  # between the decision and the opinion
    preview = page.locator("#form-preview")
    conditional = preview.locator("#field-return_detail")
    page.wait_for_function(  # the preview follows the fields and their order as one types
        "() => [...document.querySelectorAll('#form-preview label')].map("
        "l => l.textContent.trim()).join('|') === '审查结论|退回说明|审查意见'")
    assert conditional.is_hidden(), "hidden until its choice"
    preview.locator("select#decision").select_option("reject")
    assert conditional.is_visible()

    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.fill("#comment", "退回时说明需补正的内容")
    with page.expect_navigation():
        page.click("#save-form")
    assert "版本 2" in asked[0]
    assert "已保存为版本 2" in page.inner_text(".flash-success")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#redeploy")
    assert "已重新部署：sample_review v2" in page.inner_text(".flash-success")

    item = start_case(server_sessions)
    officer = new_page(width=375, height=740)
    sign_in(officer, server, "chen")
    officer.goto(f"{server}/tasks/{item.id}")
    detail = officer.locator("#field-return_detail")
    assert detail.is_hidden()
    officer.select_option("#decision", "approve")
    assert detail.is_hidden()
    officer.select_option("#decision", "reject")
    assert detail.is_visible()
    officer.fill("#opinion", "材料不全")
    with officer.expect_navigation():
        officer.click("#complete")
    assert officer.url.endswith("#field-return_detail"), "the server asks for it"
    assert "此项为必填项" in officer.inner_text("#field-return_detail")
    assert officer.input_value("#opinion") == "材料不全", "nothing typed is lost"
    officer.fill("#return_detail", "请补充营业执照复印件")
    officer.click("#complete")
    officer.wait_for_url(f"{server}/inbox/")


def test_a_new_form_made_from_the_list_is_chosen_in_the_modeler_and_asked_by_the_task(
        server, server_sessions, new_page):
    page = new_page(width=1280, height=900)
    sign_in(page, server, "admin")
    page.goto(f"{server}/processes/forms/")
    page.click("#new-form summary")
    page.fill("#new-key", "Site Visit")
    page.fill("#new-title_zh", "现场核查")
    page.fill("#new-title_en", "Site visit")
    with page.expect_navigation():
        page.click("#create-form")
    assert "请使用小写字母" in page.inner_text("#new-form")
    assert page.input_value("#new-key") == "Site Visit", "what was typed is kept"
    page.fill("#new-key", "site_visit")
    with page.expect_navigation():
        page.click("#create-form")
    assert page.url.endswith("/processes/forms/site_visit")
    assert "已建为版本 1" in page.inner_text(".flash-success")
    row = page.locator(".form-row").last  # the blank row adds a field
    row.locator("input[name$='-name']").fill("visited_on")
    row.locator("select[name$='-type']").select_option("date")
    row.locator("input[name$='-label_zh']").fill("核查日期")
    row.locator("input[name$='-label_en']").fill("Visited on")
    row.locator("input[name$='-required']").check()
    page.wait_for_function("() => document.querySelector('#form-preview')"
                           ".textContent.includes('核查日期')")
    page.fill("#comment", "加上核查日期")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#save-form")
    assert "已保存为版本 2" in page.inner_text(".flash-success")

    page.goto(f"{server}/processes/")
    page.click("button[data-copy=sample_review]")
    page.wait_for_selector(READY)
    page.click('[data-element-id="review"]')
    page.select_option("#bio-properties-panel-cf-form", "site_visit")
    page.wait_for_function("""() => window.creditflowModeler.get('elementRegistry')
        .get('review').businessObject.extensionElements.values[0].values
        .some(p => p.name === 'formKey' && p.value === 'site_visit')""")
    page.click("#save-draft")
    page.wait_for_selector("#modeler-status[data-kind=ok]")
    deploy(page, "审查改用现场核查表单")
    page.wait_for_url(f"{server}/processes/#process-sample_review")

    item = start_case(server_sessions)
    officer = new_page(width=375, height=740)
    sign_in(officer, server, "chen")
    officer.goto(f"{server}/tasks/{item.id}")
    assert "现场核查" in officer.inner_text("main")
    assert officer.locator("#visited_on").count() == 1
    assert officer.locator("#decision").count() == 0, "the shipped form is not asked"
