"""An administrator adds a conditional field to a task form in the editor (the preview
shows it as the task will), saves it as the next version and deploys the process again;
on a new case's task page the field shows only for its choice, and the server asks for it."""

from __future__ import annotations

from tests.browser.conftest import sign_in
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
