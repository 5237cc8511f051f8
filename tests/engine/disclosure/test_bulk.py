"""Bulk entry of records from a department's file: headers as exports spell them, every
row checked as the entry form checks it, the party matched against the registry, the
valid rows entered and sent for review (or published, when the department allows it)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest

from engine import disclosure
from engine.disclosure import bulk
from engine.disclosure.files import import_records, template_csv
from engine.errors import Forbidden
from engine.models import AuditEvent, DataSource, DisclosureRecord, RecordStatus, WorkItem
from tests.engine.disclosure.helpers import penalty_values
from tests.factories import World, make_entity

HEADERS = ["行政相对人名称", "统一社会信用代码", "行政处罚决定书文号", "处罚决定日期",
           "法定代表人", "违法行为类型", "违法事实", "处罚依据", "程序", "处罚类别", "处罚内容",
           "罚款金额（万元）", "所属领域", "处罚机关", "处罚机关统一社会信用代码", "存量补录"]


@pytest.fixture
def world(notice_world: World) -> World:
    return notice_world


@pytest.fixture(autouse=True)
def monday(traveller):
    return traveller


def row(entity: Any, **overrides: Any) -> list[str]:
    values = {**penalty_values(entity), "penalty_category": "罚款", "procedure": "普通程序",
              "sector": "general", "backfilled": "否", **overrides}
    order = ["party_name", "party_uscc", "decision_number", "decision_date",
             "legal_representative", "violation_type", "facts", "legal_basis", "procedure",
             "penalty_category", "content", "fine", "sector", "authority_name",
             "authority_uscc", "backfilled"]
    return [values[k] for k in order]


def csv_bytes(rows: list[list[str]], headers: list[str] = HEADERS, encoding: str = "utf-8",
              above: list[list[str]] = ()) -> bytes:  # type: ignore[assignment]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([*above, headers, *rows])
    return out.getvalue().encode(encoding)


def run(session, sessions, world: World, data: bytes, dry_run: bool = False,
        user: str = "hu"):
    department_id, actor = world.units["530502-psb"].id, world.actor(user)
    session.commit()  # the import commits batch by batch with sessions of its own
    return import_records(sessions, actor, data, "penalty", department_id,
                          dry_run=dry_run, file_name="处罚.csv")


def records(session) -> list[DisclosureRecord]:
    session.expire_all()
    return list(session.query(DisclosureRecord).order_by(DisclosureRecord.id))


def test_a_dry_run_reports_and_writes_nothing_then_the_import_sends_each_for_review(
        session, sessions, world):
    a, b = make_entity(session), make_entity(session)
    session.commit()
    data = csv_bytes([row(a), row(b, decision_number="隆公罚〔2026〕2号")])
    checked = run(session, sessions, world, data, dry_run=True)
    assert (checked.rows_read, checked.valid, checked.invalid) == (2, 2, 0)
    assert checked.file_error is None and records(session) == []
    done = run(session, sessions, world, data)
    assert (done.created, done.invalid) == (2, 0)
    stored = records(session)
    assert [r.party_uscc for r in stored] == [a.uscc, b.uscc]
    assert {(r.status, r.data_source) for r in stored} == {
        (RecordStatus.SUBMITTED, DataSource.IMPORTED)}
    assert all(r.instance_id and r.submitted_at and r.entry_late_days == 0 for r in stored)
    assert stored[0].fields["penalty_category"] == ["fine"]
    reviews = session.query(WorkItem).filter_by(task_name="review_record").count()
    assert reviews == 2
    assert session.query(AuditEvent).filter_by(action="disclosure.enter").count() == 2
    # the department administrator reviews an imported record like any other
    disclosure.review(session, world.actor("luo"), stored[0].id, "approve")
    assert disclosure.get_record(session, world.actor("luo"), stored[0].id).status == (
        RecordStatus.PUBLISHED)


def test_english_headers_and_field_names_are_read_too(session, sessions, world):
    entity = make_entity(session)
    session.commit()
    names = ["party_name", "Unified social credit code", "decision_number", "Decision date",
             "legal_representative", "violation_type", "facts", "legal_basis", "procedure",
             "Penalty category", "content", "fine", "sector", "authority_name",
             "authority_uscc", "backfilled"]
    report = run(session, sessions, world, csv_bytes([row(entity, penalty_category="Fine",
                                                  procedure="general")], names))
    assert (report.created, report.problems) == (1, [])


def test_a_gbk_file_with_title_rows_and_blank_rows(session, sessions, world):
    entity = make_entity(session, name="保山市永昌餐饮管理有限公司")
    session.commit()
    data = csv_bytes([row(entity), [""] * len(HEADERS)],
                     above=[["隆阳区公安局行政处罚信息（双公示）"], ["导出时间：2026-03-09"]],
                     encoding="gbk")
    report = run(session, sessions, world, data)
    assert (report.rows_read, report.created, report.problems) == (1, 1, [])
    assert records(session)[0].party_name == "保山市永昌餐饮管理有限公司"


def test_an_xlsx_with_dates_as_dates_and_numbers_as_numbers(session, sessions, world):
    entity = make_entity(session)
    session.commit()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["行政处罚信息"])
    sheet.append(HEADERS)
    cells: list[Any] = row(entity)
    cells[3], cells[11] = datetime(2026, 3, 2), 5
    sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    report = run(session, sessions, world, out.getvalue())
    assert (report.created, report.problems) == (1, [])
    stored = records(session)[0]
    assert stored.decision_date == date(2026, 3, 2) and stored.fields["fine"] == "5"


def test_every_bad_row_is_named_with_its_column_and_the_good_ones_go_in(
        session, sessions, world):
    good, other = make_entity(session), make_entity(session, name="保山市永昌餐饮管理有限公司")
    unknown = make_entity(session)
    code = unknown.uscc
    session.delete(unknown)
    session.commit()
    data = csv_bytes([
        row(good),
        row(good),  # the same decision again
        row(other, party_name="保山永昌餐饮有限公司", decision_number="2号"),
        row(good, party_uscc=code, decision_number="3号"),
        row(good, decision_date="2026-02-30", decision_number="4号"),
        row(good, penalty_category="罚款、拘留", decision_number="5号"),
    ])
    report = run(session, sessions, world, data)
    assert (report.rows_read, report.valid, report.invalid, report.created) == (6, 1, 5, 1)
    assert report.problem_rows() == [
        [3, "行政处罚决定书文号", "duplicate of row 2"],
        [4, "行政相对人名称",
         "the registry names this code 保山市永昌餐饮管理有限公司, the row 保山永昌餐饮有限公司"],
        [5, "统一社会信用代码", f"not in the registry: {code}"],
        [6, "处罚决定日期", "not a date: 2026-02-30 (write YYYY-MM-DD)"],
        [7, "处罚类别", "not one of the choices: fine、拘留 (choose from 警告、通报批评、罚款、"
                      "没收违法所得、没收非法财物、责令停产停业、暂扣许可证、吊销许可证、吊销执照、限制从业、其他)"],
    ]


def test_a_decision_entered_before_is_not_entered_again(session, sessions, world):
    entity = make_entity(session)
    session.commit()
    data = csv_bytes([row(entity)])
    assert run(session, sessions, world, data).created == 1
    again = run(session, sessions, world, data)
    assert (again.created, again.problem_rows()) == (
        0, [[2, "行政处罚决定书文号", "already entered"]])


def test_several_penalty_categories_in_one_cell(session, sessions, world):
    entity = make_entity(session)
    session.commit()
    report = run(session, sessions, world, csv_bytes([row(
        entity, penalty_category="罚款；没收违法所得、没收非法财物", confiscated="2")],
        [*HEADERS[:-1], "存量补录"]))
    # the confiscated amount has no column: the form asks for it
    assert report.problem_rows() == [[2, "没收违法所得、没收非法财物的金额（万元）",
                                      "required"]]
    headers = [*HEADERS, "没收金额"]
    cells = [*row(entity, penalty_category="罚款;没收违法所得、没收非法财物"), "2"]
    report = run(session, sessions, world, csv_bytes([cells], headers))
    assert (report.created, report.problems) == (1, [])
    assert records(session)[0].fields["penalty_category"] == ["fine", "confiscation"]


def test_a_summary_procedure_penalty_is_recorded_not_published_even_directly(
        session, sessions, world):
    entity = make_entity(session)
    bulk.set_direct_publication(session, world.actor("luo"), True)
    session.commit()
    report = run(session, sessions, world, csv_bytes([
        row(entity, procedure="简易程序"),
        row(entity, decision_number="2号", backfilled="是")]))
    assert report.created == 2 and report.direct
    summary, general = records(session)
    assert (summary.status, summary.publishable, summary.published_at) == (
        RecordStatus.RECORDED, False, None)
    assert (general.status, general.backfilled) == (RecordStatus.PUBLISHED, True)
    assert general.published_at is not None and general.publication_ends_on is not None
    assert session.query(WorkItem).filter_by(task_name="review_record").count() == 0
    assert session.query(AuditEvent).filter_by(action="disclosure.setting").count() == 1
    # the published record's case waits for its end, a revocation or a repair
    disclosure.report_revocation(session, world.actor("hu"), general.id, "复议撤销原决定")
    assert session.query(WorkItem).filter_by(task_name="withdraw_record").count() == 1


def test_without_the_setting_a_backfilled_record_is_still_reviewed(session, sessions, world):
    entity = make_entity(session)
    session.commit()
    run(session, sessions, world, csv_bytes([row(entity, backfilled="是")]))
    stored = records(session)[0]
    assert (stored.status, stored.backfilled) == (RecordStatus.SUBMITTED, True)


def test_a_file_without_the_party_columns_is_refused_as_a_whole(session, sessions, world):
    report = run(session, sessions, world, csv_bytes([["x"]], ["处罚内容"]))
    assert report.file_error is not None and "统一社会信用代码" in report.file_error
    assert report.rows_read == 0


def test_the_template_has_the_categorys_labels(session, sessions, world):
    header = template_csv(session, "penalty").decode("utf-8-sig").strip()
    assert header.startswith("统一社会信用代码,市场主体名称,决定文书号,决定日期,存量补录,")
    report = run(session, sessions, world, template_csv(session, "penalty"))
    assert report.file_error == "the file has a header (row 1) but no data rows"


def test_only_the_department_administrator_allows_direct_publication(session, world):
    with pytest.raises(Forbidden) as refused:
        bulk.set_direct_publication(session, world.actor("hu"), True)
    assert refused.value.code == "not_settings_admin"
    assert not bulk.direct_publication(session, world.units["530502-psb"])
    bulk.set_direct_publication(session, world.actor("luo"), True)
    assert bulk.direct_publication(session, world.units["530502-psb"])


def test_a_cell_with_a_control_character_is_refused_naming_it(session, sessions, world):
    entity = make_entity(session)
    session.commit()
    report = run(session, sessions, world, csv_bytes([row(entity, facts="经查\x00当事人")]))
    assert report.problem_rows() == [[2, "违法事实", "control character U+0000 not allowed"]]
