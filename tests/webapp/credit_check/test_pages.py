"""The credit-check pages: check one code, a file, the catalogue and its versions, the
feedback inbox and the figures, as the officers and administrators see them."""

from __future__ import annotations

import io

import openpyxl
import pytest

from engine.models import OrgKind, Role
from engine.org.units import add_org_unit, add_user, org_by_code
from tests.factories import PASSWORD, SETUP

pytestmark = pytest.mark.both_backends


def check(client, uscc: str, action: str = "licence"):
    return client.post("/credit-check/", {"uscc": uscc, "action": action,
                                          "purpose": "许可申请2026-001"})


def test_a_restricted_entity_shows_its_measures_with_basis_and_period(login, listed):
    chen = login("chen")
    answered = check(chen, listed.serious)
    assert answered.status_code == 302
    page = chen.get(answered.headers["Location"]).get_data(as_text=True)
    assert 'id="restricted"' in page and "保市监严入〔2026〕第3号" in page
    assert "在行政许可审批中从严审核" in page and "2026-01-05 – 2029-01-05" in page


def test_a_clean_entity_shows_no_restriction(login, listed):
    chen = login("chen")
    page = chen.get(check(chen, listed.clean).headers["Location"]).get_data(as_text=True)
    assert 'id="no-restriction"' in page and 'id="restricted"' not in page
    recent = chen.get("/credit-check/").get_data(as_text=True)
    assert 'id="recent"' in recent and listed.clean in recent


def test_a_bad_code_comes_back_with_its_error(login, listed):
    chen = login("chen")
    page = chen.follow(check(chen, "91530502MA6K0000XX"))
    assert page.anchor == "field-uscc"
    text = page.get_data(as_text=True)
    assert "统一社会信用代码无效" in text
    assert 'value="91530502MA6K0000XX"' in text


def test_another_department_cannot_read_the_check(login, listed):
    chen = login("chen")
    location = check(chen, listed.serious).headers["Location"]
    assert login("liu").get(location).status_code == 404


def test_a_file_is_checked_and_its_result_comes_as_excel(login, listed):
    chen = login("chen")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业名称", "统一社会信用代码"])
    for code in (listed.serious, "bad", listed.clean, listed.abnormal):
        sheet.append(["某公司", code])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    answered = chen.post("/credit-check/batch", {"action": "simplified_deregistration",
                                                 "file": (data, "codes.xlsx")},
                         content_type="multipart/form-data")
    assert answered.status_code == 302
    page = chen.get(answered.headers["Location"]).get_data(as_text=True)
    assert 'id="counts"' in page and 'id="result-file"' in page
    result = chen.get(answered.headers["Location"] + ".xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(result.data)).active.iter_rows(
        values_only=True))
    assert [r[0] for r in rows[1:]] == [listed.serious, "BAD", listed.clean, listed.abnormal]
    assert [r[3] for r in rows[1:]][0] == "不适用简易注销程序"


def test_a_file_without_the_code_column_is_refused(login, listed):
    chen = login("chen")
    answered = chen.post("/credit-check/batch", {
        "action": "licence", "file": (io.BytesIO("名称\n某公司\n".encode()), "x.csv")},
        content_type="multipart/form-data")
    page = chen.follow(answered)
    assert page.anchor == "field-file"


def test_the_catalogue_is_read_by_all_and_edited_by_administrators(login, listed):
    assert "不适用简易注销程序" in login("liu").get("/credit-check/catalogue").get_data(
        as_text=True)
    assert login("chen").get("/credit-check/catalogue/measure").status_code == 403
    zhang = login("zhang")
    saved = zhang.post("/credit-check/catalogue/measure", {
        "code": "M20", "list_type": "abnormal", "title": "审慎给予财政补贴",
        "basis_document": "保山市信用联合奖惩实施细则", "basis_clause": "第十二条",
        "initiating_department": "amr", "implementing_departments": ["finance"],
        "actions": ["subsidy"], "period_years": "", "comment": "市里新规定"})
    assert saved.status_code == 302
    page = zhang.get("/credit-check/catalogue").get_data(as_text=True)
    assert 'id="measure-M20"' in page and "市里新规定" in page
    old = zhang.get("/credit-check/catalogue?version=1").get_data(as_text=True)
    assert 'id="measure-M20"' not in old
    removed = zhang.post("/credit-check/catalogue/remove", {"code": "M20", "comment": "撤回"})
    assert removed.status_code == 302
    assert 'id="measure-M20"' not in zhang.get("/credit-check/catalogue").get_data(as_text=True)


def test_feedback_from_the_inbox_to_the_figures(login, listed):
    chen = login("chen")
    check(chen, listed.serious)
    inbox = chen.get("/credit-check/feedback").get_data(as_text=True)
    hit_id = int(inbox.split('id="hit-')[1].split('"')[0])
    refused = chen.post(f"/credit-check/feedback/{hit_id}", {"outcome": "not_applicable"})
    assert refused.status_code == 302
    assert f'id="hit-{hit_id}"' in chen.get("/credit-check/feedback").get_data(as_text=True)
    done = chen.post(f"/credit-check/feedback/{hit_id}", {"outcome": "restricted"})
    assert done.status_code == 302
    assert 'id="no-feedback"' in chen.get("/credit-check/feedback").get_data(as_text=True)
    figures = login("wang").get("/credit-check/figures?from=2026-01-01&to=2026-12-31")
    text = figures.get_data(as_text=True)
    assert "隆阳区市场监管局" in text and "100%" in text
    export = login("wang").get("/credit-check/figures.xlsx?from=2026-01-01&to=2026-12-31")
    rows = list(openpyxl.load_workbook(io.BytesIO(export.data)).active.iter_rows(
        values_only=True))
    assert rows[1][:3] == ("隆阳区市场监管局", 1, 1)


def test_another_implementing_department_sees_and_answers_what_it_owes(login, listed,
                                                                       app_sessions):
    """The licence measure names the health commission too: its officer finds the
    restriction chen's check triggered, answers it, and the figures count it apart."""
    with app_sessions() as session:
        unit = add_org_unit(session, "530502-health", "隆阳区卫生健康委", OrgKind.DEPARTMENT,
                            "530502", org_by_code(session, "530502"))
        add_user(session, SETUP, "qian", "qian", PASSWORD, unit.code, [Role.OFFICER])
        session.commit()
    check(login("chen"), listed.serious)
    qian = login("qian")
    inbox = qian.get("/credit-check/feedback").get_data(as_text=True)
    assert listed.serious in inbox and "在行政许可审批中从严审核" in inbox
    hit_id = int(inbox.split('id="hit-')[1].split('"')[0])
    done = qian.post(f"/credit-check/feedback/{hit_id}",
                     {"outcome": "not_applicable", "reason": "不涉及本委许可"})
    assert done.status_code == 302
    assert 'id="no-feedback"' in qian.get("/credit-check/feedback").get_data(as_text=True)
    assert f'id="hit-{hit_id}"' in login("chen").get("/credit-check/feedback").get_data(
        as_text=True)  # the regulator still owes its own answer
    text = login("wang").get("/credit-check/figures?from=2026-01-01&to=2026-12-31").get_data(
        as_text=True)
    health_row = text.split("隆阳区卫生健康委")[1].split("</tr>")[0]
    amr_row = text.split("隆阳区市场监管局")[1].split("</tr>")[0]
    assert "100%" in health_row and "0%" in amr_row


def test_the_check_log_for_administrators_supervisors_and_auditors(login, listed):
    check(login("chen"), listed.serious)
    check(login("chen"), listed.clean, "honour")
    assert login("chen").get("/credit-check/log").status_code == 404  # officers: no log
    page = login("audit").get("/credit-check/log").get_data(as_text=True)
    assert page.count('data-check="') == 2 and listed.serious in page and "许可申请2026-001" in page
    restricted = login("wang").get("/credit-check/log?result=restricted").get_data(as_text=True)
    assert restricted.count('data-check="') == 1 and listed.clean not in restricted
    assert login("zhao").get("/credit-check/log").get_data(as_text=True).count(
        'data-check="') == 0  # another area's office
    export = login("zhang").get(f"/credit-check/log.xlsx?uscc={listed.clean}")
    rows = list(openpyxl.load_workbook(io.BytesIO(export.data)).active.iter_rows(
        values_only=True))
    assert len(rows) == 2 and rows[1][2] == "chen" and rows[1][7] == listed.clean


def tabs(page: str) -> list[str]:
    """The joint-punishment section's tabs, as their words."""
    nav = page.split('<nav class="subnav"')[1].split("</nav>")[0]
    return [a.split(">", 1)[1].split("<")[0] for a in nav.split("<a ")[1:]]


def test_the_tabs_offer_each_role_only_what_it_can_use(login, listed):
    # chen works in a member department: it owes feedback; the auditor gives none, nor does
    # the city's system administrator, and neither is offered the inbox.
    assert tabs(login("chen").get("/credit-check/").text) == [
        "信用名单", "信用核查", "措施清单", "待我反馈"]
    for page in ("/credit-check/", "/lists/", "/credit-check/log"):
        assert tabs(login("audit").get(page).text) == [
            "信用名单", "信用核查", "措施清单", "反馈统计", "核查记录"], page
    assert "待我反馈" not in login("admin").get("/credit-check/catalogue").text
    # the joint-meeting office answers for the departments its area and the city lack
    assert "待我反馈" in tabs(login("wang").get("/credit-check/").text)
    # opened by its address, the inbox tells the auditor why it is empty and where to look
    opened = login("audit").get("/credit-check/feedback").text
    assert "您所在单位无需反馈" in opened and 'href="/credit-check/figures"' in opened
    assert "请记录处理情况" not in opened  # no instruction to record what it cannot
def test_a_restriction_of_a_department_the_area_lacks_says_who_answers_and_why(
        login, listed, app_sessions):
    """隆阳区 has no health commission: the city's answers for it, and says why; no forestry
    bureau anywhere: 隆阳区's joint-meeting office answers for it, and says why."""
    with app_sessions() as session:
        unit = add_org_unit(session, "530500-health", "保山市卫生健康委", OrgKind.DEPARTMENT,
                            "530500", org_by_code(session, "530500"))
        add_user(session, SETUP, "he", "he", PASSWORD, unit.code, [Role.OFFICER])
        session.commit()
    check(login("chen"), listed.serious)
    city = login("he").get("/credit-check/feedback").get_data(as_text=True)
    assert listed.serious in city and 'data-standing="city"' in city
    assert "隆阳区没有卫生健康部门：由市级部门反馈。" in city
    office = login("wang").get("/credit-check/feedback").get_data(as_text=True)
    assert listed.serious in office and 'data-standing="office"' in office
    assert "林业和草原" in office.split('data-standing="office"')[1].split("</dd>")[0]
    assert "卫生健康" not in office.split('data-standing="office"')[1].split("</dd>")[0]
    hit_id = int(office.split('id="hit-')[1].split('"')[0])
    assert login("wang").post(f"/credit-check/feedback/{hit_id}", {
        "outcome": "not_applicable", "reason": "本区无林草部门"}).status_code == 302
    assert 'id="no-feedback"' in login("wang").get("/credit-check/feedback").get_data(
        as_text=True)
    assert 'data-standing' not in login("chen").get("/credit-check/feedback").get_data(
        as_text=True)  # the regulator answers for its own area, as before
