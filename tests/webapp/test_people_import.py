"""People from a sheet: every row checked as the people page checks an account, the valid
ones created at once with one-time passwords handed back once as a workbook, department
administrators kept to their department."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from engine.models import AuditEvent, Role, User
from tests.webapp.conftest import CSRF, Client

pytestmark = pytest.mark.usefixtures("traveller")
HEADER = ["用户名", "姓名", "单位代码", "角色", "电子邮箱", "执法证号", "执法证有效期至"]


def sheet(*rows: list[object]) -> tuple[io.BytesIO, str]:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out, "people.xlsx"


def upload(client: Client, file: tuple[io.BytesIO, str]):
    done = client.post("/admin/users/import", {"file": file},
                       content_type="multipart/form-data")
    assert done.status_code == 302, done.status_code
    return done.headers["Location"]


def test_an_administrator_checks_a_sheet_then_creates_its_valid_accounts(app, login,
                                                                          app_sessions):
    admin = login("admin")
    report_url = upload(admin, sheet(
        ["xuming", "徐明", "530502-amr", "执法人员", "xu@amr.example.cn", "53001234",
         "2028-01-01"],
        ["liqiang", "李强", "530581-amr", "officer,dept_admin", "", "", ""],
        ["yang", "重名", "530502-amr", "officer", "", "", ""],
        ["nobody", "无单位", "530999-none", "officer", "", "", ""],
        ["badrole", "乱角色", "530502-amr", "局长", "", "", ""],
        ["xuming", "又一个", "530502-amr", "officer", "", "", ""]))
    report = admin.get(report_url).text
    assert 'id="rows-read">6<' in report and 'id="rows-valid">2<' in report
    assert 'id="rows-invalid">4<' in report
    for reason in ("用户名 yang 已被使用", "没有代码为 530999-none 的在用单位",
                   "不是角色：局长", "与第 2 行的用户名相同"):
        assert reason in report, reason
    assert "徐明" in report.split('id="planned"')[1] and "李强" in report
    with app_sessions() as session:  # checking wrote nothing
        assert session.scalar(select(func.count(User.id)).where(
            User.username.in_(["xuming", "liqiang"]))) == 0

    created = admin.post(report_url + "/create", {})
    assert created.status_code == 200
    assert created.headers["Content-Disposition"].startswith("attachment;")
    rows = list(load_workbook(io.BytesIO(created.data)).active.values)
    assert rows[0] == ("用户名", "姓名", "单位", "一次性密码")
    passwords = {row[0]: row[3] for row in rows[1:]}
    assert set(passwords) == {"xuming", "liqiang"} and all(
        len(p) == 12 for p in passwords.values())

    xu = Client(app.test_client())
    assert xu.login("xuming", passwords["xuming"]).status_code == 302
    assert xu.get("/inbox/").headers["Location"].endswith("/auth/password")  # must change it
    with app_sessions() as session:
        li = session.execute(select(User).where(User.username == "liqiang")).scalar_one()
        assert li.roles == frozenset({Role.OFFICER, Role.DEPT_ADMIN})
        assert li.org_unit.code == "530581-amr"
        xu_row = session.execute(select(User).where(User.username == "xuming")).scalar_one()
        assert (xu_row.email, xu_row.certificate_no) == ("xu@amr.example.cn", "53001234")
        assert session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "user.create",
            AuditEvent.object_id.in_([str(li.id), str(xu_row.id)]))) == 2
        assert session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "people.import")) == 1

    done = admin.get(report_url).text
    assert 'id="done"' in done and "2 个账号已创建" in done
    assert passwords["xuming"] not in done  # shown once, in the workbook only
    again = admin.post(report_url + "/create", {})
    assert again.status_code == 302
    assert "这些账号已经创建" in admin.get(again.headers["Location"]).text


def test_a_department_administrator_imports_into_the_department_only(login, world):
    zhang = login("zhang")  # 隆阳区市场监督管理局's administrator
    report = zhang.get(upload(zhang, sheet(
        ["inside", "本局", "530502-amr-st", "officer", "", "", ""],
        ["outside", "外局", "530581-amr", "officer", "", "", ""],
        ["boss", "越权", "530502-amr", "sysadmin", "", "", ""]))).text
    assert 'id="rows-valid">1<' in report
    assert "不属于您部门的单位" in report and "部门管理员只能授予本部门的角色" in report
    assert zhang.get(upload(login("admin"), sheet(
        ["x1", "甲", "530502-amr", "officer", "", "", ""]))).status_code == 404  # admin's own


def test_a_file_that_is_not_a_sheet_is_refused_and_says_why(login):
    admin = login("admin")
    page = admin.sent_back("/admin/users/import", {
        "file": (io.BytesIO(b"hello"), "people.pdf")}, content_type="multipart/form-data")
    assert "请上传 CSV 或 XLSX 文件" in page.text
    unread = admin.get(upload(admin, (io.BytesIO(b"PK\x03\x04broken"), "people.xlsx"))).text
    assert 'id="file-error"' in unread and 'id="create"' not in unread


def test_the_template_is_a_sheet_the_import_reads(login):
    admin = login("admin")
    template = admin.get("/admin/users/import/template.xlsx")
    assert template.status_code == 200
    report = admin.get(upload(admin, (io.BytesIO(template.data), "template.xlsx"))).text
    assert 'id="rows-read">1<' in report and "没有代码为 530502-amr 的在用单位" not in report
    assert CSRF.search(report)  # the create form is there
