"""The registrar's pages: registration uploads (dry run, then import with progress), the
routing-failed pool with manual routing, returned notices re-routed or terminated."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.exc import DataError

from engine.models import DualNotice, MarketEntity, RegistryImport, RegistryUpload
from engine.registry.uploads import upload_path
from engine.seed.samples import HEADERS, sample_rows
from tests.engine.registry.bombs import xlsx_bomb
from tests.factories import make_entity
from tests.webapp.dual_notice import notice_world
from tests.webapp.dual_notice.notice_world import entity_named, notice_state, push

world = notice_world.world  # fixture
pytestmark = [pytest.mark.usefixtures("traveller"), pytest.mark.both_backends]

BAD_CODE = "91530502MA6K00000X"  # the check character does not match
LONGYANG = [("530502", "隆阳区")]  # the area of the registrar zhou


def csv_bytes(rows: list[list[str]], headers: list[str] = HEADERS, encoding: str = "utf-8"
              ) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def registration_file() -> bytes:
    """Three good rows, then one with a bad USCC (row 5) and one without a name (row 6),
    all of 隆阳区, the area of the registrar who uploads them."""
    rows = list(sample_rows(5, seed=7, counties=LONGYANG))
    rows[3][0] = BAD_CODE
    rows[4][1] = ""
    return csv_bytes(rows)


def upload(client, data: bytes, name: str = "登记数据.csv"):  # type: ignore[no-untyped-def]
    return client.post("/registry/imports", {"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def finish(app) -> None:  # type: ignore[no-untyped-def]
    app.extensions["creditflow.jobs"].wait(30)


def count(app_sessions, model) -> int:  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def latest_upload(app_sessions) -> RegistryUpload:  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        return session.execute(select(RegistryUpload).order_by(RegistryUpload.id.desc())
                               ).scalars().first()


def test_the_dry_run_lists_every_bad_row_and_writes_nothing(app, login, app_sessions):
    clerk = login("zhou")
    response = upload(clerk, registration_file())
    assert response.status_code == 302
    finish(app)
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    problems = page.split('id="problems"')[1]
    assert "<td class=\"num\">5</td><td>统一社会信用代码</td>" in problems
    assert "<td class=\"num\">6</td><td>企业名称</td>" in problems
    assert 'id="import"' in page and 'id="rows-valid">3<' in page
    assert count(app_sessions, MarketEntity) == 0
    assert count(app_sessions, RegistryImport) == 0
    assert count(app_sessions, DualNotice) == 0


def test_the_import_runs_in_the_background_and_reports_its_progress(app, login, app_sessions):
    clerk = login("zhou")
    location = upload(clerk, registration_file()).headers["Location"]
    finish(app)
    row = latest_upload(app_sessions)
    response = clerk.post(f"/registry/imports/{row.id}/import")
    assert response.status_code == 302
    finish(app)
    progress = clerk.get(f"/registry/imports/{row.id}/progress").get_json()
    assert progress["state"] == "done" and progress["running"] is False
    page = clerk.get(location).get_data(as_text=True)
    assert 'id="done"' in page and 'id="rows-new">3<' in page
    assert count(app_sessions, MarketEntity) == 3
    assert count(app_sessions, RegistryImport) == 1
    with app_sessions() as session:
        assert not upload_path(session, row.stored_name).exists(), "the file is not kept"
    again = clerk.post(f"/registry/imports/{row.id}/import")
    assert again.status_code == 409


def test_the_progress_of_a_running_check_is_polled_by_a_script(app, login, app_sessions):
    clerk = login("zhou")
    location = upload(clerk, registration_file()).headers["Location"]
    finish(app)
    with app_sessions() as session:
        row = session.get(RegistryUpload, int(location.rsplit("/", 1)[1]))
        row.state, row.stage, row.done, row.total = "importing", "importing", 1, 4
        session.commit()
    page = clerk.get(location).get_data(as_text=True)
    assert f'data-progress-url="/registry/imports/{row.id}/progress"' in page
    assert '<progress id="progress" max="100" value="25">' in page
    assert '<script src="/static/js/progress.js">' in page and "<script>" not in page
    assert clerk.get(f"/registry/imports/{row.id}/progress").get_json() == {
        "state": "importing", "state_label": "导入中", "stage": "importing",
        "stage_label": "正在导入", "done": 1, "total": 4, "percent": 25, "running": True,
        "stalled": False}


def test_an_import_without_progress_for_ten_minutes_is_shown_as_cut_off(
        app, login, app_sessions, traveller):
    clerk = login("zhou")
    location = upload(clerk, registration_file()).headers["Location"]
    finish(app)
    with app_sessions() as session:
        row = session.get(RegistryUpload, int(location.rsplit("/", 1)[1]))
        row.state = "importing"
        session.commit()
    traveller.shift(11 * 60)
    page = clerk.get(location).get_data(as_text=True)
    assert 'id="stalled"' in page and "data-progress-url" not in page
    assert clerk.get(f"{location}/progress").get_json()["running"] is False


def test_a_nul_in_a_cell_refuses_its_row_naming_the_column(app, login, app_sessions):
    clerk = login("zhou")
    rows = list(sample_rows(2, seed=9, counties=LONGYANG))
    rows[1][1] = "保山\x00商行"
    location = upload(clerk, csv_bytes(rows)).headers["Location"]
    finish(app)
    problems = clerk.get(location).get_data(as_text=True).split('id="problems"')[1]
    assert "<td class=\"num\">3</td><td>企业名称</td>" in problems
    assert "含有控制字符 U+0000" in problems
    assert clerk.post(f"/registry/imports/{latest_upload(app_sessions).id}/import"
                      ).status_code == 302
    finish(app)
    assert count(app_sessions, MarketEntity) == 1


def test_a_database_error_in_a_batch_is_reported_without_sql(app, login, app_sessions,
                                                              monkeypatch):
    from engine.registry import imports

    def refuse(*_args, **_kwargs):
        raise DataError("INSERT INTO market_entity (uscc, name) VALUES (%(uscc)s)",
                        {"uscc": "x"}, Exception("invalid byte sequence"))

    monkeypatch.setattr(imports, "upsert_entities", refuse)
    clerk = login("zhou")
    location = upload(clerk, registration_file()).headers["Location"]
    finish(app)
    clerk.post(f"/registry/imports/{latest_upload(app_sessions).id}/import")
    finish(app)
    page = clerk.get(location).get_data(as_text=True)
    error = page.split('id="file-error"')[1].split("</p>")[0]
    assert "数据库拒绝了一批数据" in error
    assert "INSERT" not in page and "DataError" not in page and "market_entity" not in page
    with app_sessions() as session:
        recorded = session.execute(select(RegistryImport.error)).scalar_one()
    assert "INSERT" not in recorded


def test_a_file_without_a_required_column_is_refused_as_a_whole(app, login, app_sessions):
    clerk = login("zhou")
    headers = [h for h in HEADERS if h != "经营范围"]
    rows = [r[:9] + r[10:] for r in sample_rows(2)]
    location = upload(clerk, csv_bytes(rows, headers)).headers["Location"]
    finish(app)
    page = clerk.get(location).get_data(as_text=True)
    assert 'id="file-error"' in page and "经营范围" in page.split('id="file-error"')[1]
    assert 'id="import"' not in page
    assert latest_upload(app_sessions).state == "failed"


def test_gbk_and_xlsx_files_are_read(app, login, app_sessions):
    clerk = login("zhou")
    upload(clerk, csv_bytes(list(sample_rows(2, seed=3, counties=LONGYANG)), encoding="gbk"),
           "gbk.csv")
    finish(app)
    assert latest_upload(app_sessions).rows_valid == 2
    book = Workbook()
    book.active.append(HEADERS)
    for row in sample_rows(2, seed=4, counties=LONGYANG):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    upload(clerk, out.getvalue(), "export.xlsx")
    finish(app)
    assert latest_upload(app_sessions).rows_valid == 2


def test_a_workbook_that_unpacks_far_beyond_its_size_is_refused_with_the_figures(
        app, login, app_sessions, tmp_path):
    clerk = login("zhou")
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", 5 << 20, wide=True)
    location = upload(clerk, bomb.read_bytes(), "export.xlsx").headers["Location"]
    finish(app)
    page = clerk.get(location).get_data(as_text=True)
    error = page.split('id="file-error"')[1].split("</")[0]
    assert re.search(r"Excel 文件的压缩比为 \d+:1，超过上限 100:1，未读取即拒收", error)
    row = latest_upload(app_sessions)
    assert row.state == "failed" and row.rows_read == 0
    with app_sessions() as session:
        assert not upload_path(session, row.stored_name).exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("scan.pdf", b"%PDF-1.4", "请上传 CSV 或 XLSX 文件"),
    ("empty.csv", b"", "文件为空"),
])
def test_other_files_are_refused_before_checking(login, app_sessions, name, data, message):
    clerk = login("zhou")
    response = clerk.follow(upload(clerk, data, name))
    assert message in response.get_data(as_text=True)
    assert count(app_sessions, RegistryUpload) == 0


def test_a_file_over_the_limit_is_refused(app, login, app_sessions, monkeypatch):
    from engine.registry import uploads as registry_uploads

    small = app.extensions["creditflow.settings"].replace(registry_upload_max_bytes=100)
    monkeypatch.setattr(registry_uploads, "settings_of", lambda _session: small)
    clerk = login("zhou")
    response = clerk.follow(upload(clerk, registration_file()))
    assert "文件超过允许的大小" in response.get_data(as_text=True)
    app.extensions["creditflow.settings"] = small  # the request itself is cut off
    assert upload(clerk, b"x" * 400_000).status_code == 413
    assert count(app_sessions, RegistryUpload) == 0


def test_an_upload_without_the_csrf_token_is_refused(login, app_sessions):
    clerk = login("zhou")
    response = clerk.http.post("/registry/imports", data={
        "file": (io.BytesIO(registration_file()), "a.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert count(app_sessions, RegistryUpload) == 0


def test_a_checked_file_can_be_discarded(app, login, app_sessions):
    clerk = login("zhou")
    upload(clerk, registration_file())
    finish(app)
    row = latest_upload(app_sessions)
    assert clerk.post(f"/registry/imports/{row.id}/discard").status_code == 302
    assert latest_upload(app_sessions).state == "discarded"
    with app_sessions() as session:
        assert not upload_path(session, row.stored_name).exists()
    assert count(app_sessions, MarketEntity) == 0


def test_registry_pages_are_for_the_market_regulator(app, login, app_sessions):
    clerk = login("zhou")
    upload(clerk, registration_file())
    finish(app)
    row = latest_upload(app_sessions)
    for user in ("hu", "wang", "audit"):
        other = login(user)
        assert other.get("/registry/imports").status_code == 404
        assert other.get(f"/registry/imports/{row.id}").status_code == 404
        assert "/registry/imports" not in other.get("/notices/").get_data(as_text=True)
    assert login("liu").get(f"/registry/imports/{row.id}").status_code == 404
    assert "/registry/imports" in clerk.get("/notices/").get_data(as_text=True)


def test_an_entity_nothing_matched_is_routed_by_hand(login, app_sessions, world):
    entity_id, notices = push(app_sessions, "五金产品零售")
    assert notices == {}
    clerk = login("zhou")
    pool = clerk.get("/registry/pool").get_data(as_text=True)
    assert f'data-entity="{entity_id}"' in pool
    response = clerk.post(f"/registry/entities/{entity_id}/route", {
        "licence_item": "PS-SEAL", "department": str(world.units["530502-psb"].id)})
    assert response.status_code == 302
    with app_sessions() as session:
        entity = session.get(MarketEntity, entity_id)
        (notice,) = session.execute(select(DualNotice).where(
            DualNotice.entity_id == entity_id)).scalars()
    assert entity.routing_state == "manually_routed" and notice.routed == "manual"
    assert f'data-entity="{entity_id}"' not in clerk.get("/registry/pool").get_data(
        as_text=True)


def test_a_returned_notice_is_rerouted_or_terminated(login, app_sessions, world):
    _e, first = push(app_sessions, "印章刻制")
    _e, second = push(app_sessions, "印章刻制")
    officer = login("hu")
    for notices in (first, second):
        officer.post(f"/notices/{notices['530502-psb']}/return",
                     {"reason": "1", "note": "不属本局职责"})
    clerk = login("zhou")
    listed = clerk.get("/registry/returned").get_data(as_text=True)
    assert f'data-notice="{first["530502-psb"]}"' in listed and "不属本局职责" in listed
    same = clerk.sent_back(f"/notices/{first['530502-psb']}/reroute", {
        "licence_item": "PS-SEAL", "department": str(world.units["530502-psb"].id)})
    assert "has-error" in same.get_data(as_text=True)
    assert notice_state(app_sessions, first["530502-psb"]) == "returned"
    moved = clerk.post(f"/notices/{first['530502-psb']}/reroute", {
        "licence_item": "PS-SEAL", "department": str(world.units["530500-psb"].id),
        "note": "市局办理"})
    assert moved.status_code == 302
    assert notice_state(app_sessions, first["530502-psb"]) == "rerouted"
    ended = clerk.post(f"/notices/{second['530502-psb']}/terminate", {"note": "已注销"})
    assert ended.status_code == 302
    assert notice_state(app_sessions, second["530502-psb"]) == "terminated"
    assert "data-notice" not in clerk.get("/registry/returned").get_data(as_text=True)


def test_a_registrar_cannot_route_into_another_area(login, app_sessions, world):
    entity_id, _notices = push(app_sessions, "五金产品零售")
    _e, pushed = push(app_sessions, "印章刻制")
    login("hu").post(f"/notices/{pushed['530502-psb']}/return",
                     {"reason": "2", "note": "住所不在本辖区"})
    clerk = login("zhou")
    tengchong = str(world.units["530581-psb"].id)
    pool = clerk.get("/registry/pool").get_data(as_text=True)
    assert f'value="{tengchong}"' not in pool
    routed = clerk.post(f"/registry/entities/{entity_id}/route",
                        {"licence_item": "PS-SEAL", "department": tengchong})
    assert routed.status_code == 302
    hint = "该部门不负责本主体所在地区的这一许可事项。负责该事项的部门：隆阳区公安局、保山市公安局"
    assert hint in clerk.get(routed.headers["Location"]).get_data(as_text=True)
    rerouted = clerk.sent_back(f"/notices/{pushed['530502-psb']}/reroute",
                               {"licence_item": "PS-SEAL", "department": tengchong})
    assert "该部门不负责本主体所在地区的这一许可事项" in rerouted.get_data(as_text=True)
    assert notice_state(app_sessions, pushed["530502-psb"]) == "returned"
    with app_sessions() as session:
        assert session.scalar(select(func.count()).select_from(DualNotice).where(
            DualNotice.department_org_id == world.units["530581-psb"].id)) == 0


def test_an_upload_refuses_rows_of_another_areas_entities(app, login, app_sessions):
    rows = list(sample_rows(2, seed=7))
    with app_sessions() as session:
        make_entity(session, "印章刻制", uscc=rows[0][0], name="隆阳老字号")
        session.commit()
    for row in rows:
        row[HEADERS.index("行政区划代码")] = "530581"
    tengchong = login("liu")
    location = upload(tengchong, csv_bytes(rows)).headers["Location"]
    finish(app)
    page = tengchong.get(location).get_data(as_text=True)
    problems = page.split('id="problems"')[1]
    assert ('<td class="num">2</td><td>统一社会信用代码</td><td>不在您的登记管辖范围内</td>'
            in problems)
    assert 'id="rows-valid">1<' in page
    tengchong.post(f"/registry/imports/{latest_upload(app_sessions).id}/import")
    finish(app)
    assert entity_named(app_sessions, "隆阳老字号").area_code == "530502"
    assert count(app_sessions, MarketEntity) == 2
