"""The market-entity registry: reading AMR exports, checking rows, upserting by USCC, the CLI."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, domains
from engine.cli import main
from engine.config import Settings
from engine.db import make_engine, session_factory
from engine.models import AuditEvent, Base, MarketEntity, OrgKind, RegistryImport
from engine.org.units import add_org_unit
from engine.registry import EntityChange, ImportReport, import_file, import_registrations
from engine.registry.rows import RowProblem, parse_capital, parse_date
from engine.registry.uscc import generate
from engine.seed.samples import write_sample_csv
from tests.factories import World, make_world

CLERK = audit.Actor("zhou", "test")
HEADERS = ["统一社会信用代码", "企业名称", "市场主体类型", "法定代表人", "联系电话", "成立日期",
           "核准日期", "注册资本", "住所", "经营范围", "登记机关", "登记状态", "行政区划代码"]
RNG = random.Random(4)


def code(area: str = "530502", prefix: str = "91") -> str:
    return generate(RNG, area, prefix)


def registration(**overrides: Any) -> dict[str, Any]:
    values = {"统一社会信用代码": code(), "企业名称": "保山市永昌餐饮有限公司",
              "市场主体类型": "有限责任公司", "法定代表人": "张三", "联系电话": "13800000001",
              "成立日期": "2025-03-01", "核准日期": "2025/3/2", "注册资本": "100",
              "住所": "保山市隆阳区永昌路1号", "经营范围": "餐饮服务；食品销售",
              "登记机关": "隆阳区市场监督管理局", "登记状态": "存续", "行政区划代码": "530502"}
    values.update(overrides)
    return values


def csv_file(rows: list[dict[str, Any]], headers: list[str] | None = None,
             encoding: str = "utf-8") -> bytes:
    headers = headers or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([row.get(h, "") for h in headers] for row in rows)
    return out.getvalue().encode(encoding)


class Batches:
    """An on_batch that remembers what it was given and starts one notice per change."""

    def __init__(self) -> None:
        self.changes: list[EntityChange] = []

    def __call__(self, session: Session, changes: list[EntityChange]) -> int:
        self.changes.extend(changes)
        return len(changes)

    def seen(self) -> list[tuple[str, str, str | None]]:
        return [(c.trigger, c.entity.uscc, c.old_scope) for c in self.changes]


def run(session: Session, data: bytes, name: str = "amr.csv", **kwargs: Any) -> ImportReport:
    return import_registrations(session, CLERK, io.BytesIO(data), file_name=name, **kwargs)


def entity(session: Session, uscc: str) -> MarketEntity:
    found = session.execute(select(MarketEntity).where(MarketEntity.uscc == uscc)
                            .execution_options(populate_existing=True)).scalar_one()
    return found


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session, calendar=False)


def test_a_gbk_export_with_its_own_header_spellings_imports_every_field(session, world):
    first = registration(**{"成立日期": "2025年3月1日", "核准日期": "2025.3.5"})
    headers = {"企业名称": "名称", "市场主体类型": "企业类型", "法定代表人": "负责人",
               "住所": "经营场所", "注册资本": "注册资本（万元）", "行政区划代码": "所属区域",
               "统一社会信用代码": " 统一社会 信用代码 "}
    row = {headers.get(k, k): v for k, v in first.items()}
    row.update({"注册资本（万元）": "100.5万元", "所属区域": "隆阳区", "营业期限": "长期",
                "乡镇（街道）": "永昌街道", "属地监管所": "永昌市场监管所", "行业代码": "6210"})
    data = csv_file([row], encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    report = run(session, data)

    assert (report.file_error, report.problems) == (None, [])
    assert report.summary_line() == ("rows read 1, valid 1, invalid 0, imported 1, "
                                     "notices started 0")
    stored = entity(session, first["统一社会信用代码"])
    assert (stored.name, stored.entity_type, stored.legal_representative, stored.phone) == (
        "保山市永昌餐饮有限公司", "有限责任公司", "张三", "13800000001")
    assert (stored.established_on, stored.approved_on) == (date(2025, 3, 1), date(2025, 3, 5))
    assert stored.registered_capital == Decimal("100.5")
    assert stored.address == "保山市隆阳区永昌路1号"
    assert stored.business_scope == "餐饮服务；食品销售"
    assert (stored.area_code, stored.township, stored.business_term) == ("530502", "永昌街道",
                                                                          "长期")
    assert (stored.supervising_station, stored.industry_code) == ("永昌市场监管所", "6210")
    assert (stored.registration_authority, stored.status) == ("隆阳区市场监督管理局", "存续")
    assert stored.registrar_org_id == world.units["530502-amr-reg"].id
    assert stored.routing_state == "not_routed"


def test_utf8_with_a_byte_order_mark_and_english_headers(session, world):
    row = {"USCC": code(), "Name": "腾冲市和顺客栈", "Business Scope": "住宿服务",
           "area_code": "530581", "established_on": "2024-12-31", "Registered_Capital": "50"}
    data = b"\xef\xbb\xbf" + csv_file([row])

    report = run(session, data)

    assert report.problems == [] and report.imported == 1
    stored = entity(session, row["USCC"])
    assert (stored.name, stored.area_code, stored.status) == ("腾冲市和顺客栈", "530581", "存续")
    assert stored.registrar_org_id == world.units["530581-amr-reg"].id


def test_excel_unicode_text_tab_separated_utf16_under_a_title_line(session, world):
    row = registration()
    text = "导出时间: 2025-03-01; 共1条\n" + csv_file([row]).decode().replace(",", "\t")

    report = run(session, text.encode("utf-16"), name="export.txt")

    assert (report.file_error, report.problems, report.imported) == (None, [], 1)
    assert entity(session, row["统一社会信用代码"]).name == row["企业名称"]


def test_a_stream_that_cannot_seek_is_read_once_into_a_spool(session, world):
    row = registration()

    class Upload(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
            chunk = self.data.read(len(buffer))
            buffer[:len(chunk)] = chunk
            return len(chunk)

    report = import_registrations(session, CLERK, Upload(csv_file([row], encoding="gbk")),
                                  file_name="upload.csv")

    assert report.imported == 1 and entity(session, row["统一社会信用代码"])


def test_an_xlsx_with_a_title_row_dates_numbers_and_a_bad_row(session, world):
    good, bad = registration(), registration()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["保山市市场主体登记信息（导出）"])
    sheet.append(HEADERS)
    sheet.append([datetime(2025, 3, 1) if h == "成立日期" else 1000 if h == "注册资本"
                  else 13800000002 if h == "联系电话" else good[h] for h in HEADERS])
    sheet.append([])
    sheet.append([bad[h] if h != "成立日期" else "2025-02-30" for h in HEADERS])
    out = io.BytesIO()
    workbook.save(out)

    report = run(session, out.getvalue(), name="export.xlsx")

    assert report.problems == [RowProblem(5, "成立日期", "no such day: '2025-02-30'")]
    assert (report.rows_read, report.valid, report.imported) == (2, 1, 1)
    stored = entity(session, good["统一社会信用代码"])
    assert (stored.established_on, stored.registered_capital, stored.phone) == (
        date(2025, 3, 1), Decimal(1000), "13800000002")


def test_a_bad_credit_code_is_refused_with_its_row_and_reason(session, world):
    valid = code()
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    rows = [registration(), registration(**{"统一社会信用代码": wrong_check}),
            registration(**{"统一社会信用代码": "91530502MA6K0O1X2S"}), registration()]

    report = run(session, csv_file(rows))

    assert report.problems == [
        RowProblem(3, "统一社会信用代码", f"invalid unified social credit code {wrong_check!r}: "
                                          f"check character does not match: {wrong_check[17]} "
                                          f"where {valid[17]} belongs"),
        RowProblem(4, "统一社会信用代码", "invalid unified social credit code "
                                          "'91530502MA6K0O1X2S': characters not allowed: OS"),
    ]
    assert report.summary_line() == ("rows read 4, valid 2, invalid 2, imported 2, "
                                     "notices started 0")
    assert count(session, MarketEntity) == 2


def test_control_characters_refuse_the_row_naming_the_column(session, world):
    rows = [registration(**{"企业名称": "昌宁县\x00茶叶店"}),
            registration(**{"住所": "保山市\x07隆阳区"}),
            registration(**{"经营范围": "茶叶种植；\r\n茶叶销售\t（零售）"})]

    report = run(session, csv_file(rows))

    assert report.problems == [
        RowProblem(2, "企业名称", "control character U+0000 not allowed"),
        RowProblem(3, "住所", "control character U+0007 not allowed"),
    ]
    assert report.valid == 1 and count(session, MarketEntity) == 1
    assert entity(session, rows[2]["统一社会信用代码"]).business_scope == (
        "茶叶种植；\r\n茶叶销售\t（零售）")


def test_every_problem_of_a_row_is_reported(session, world):
    rows = [registration(**{"企业名称": "", "核准日期": "next week", "注册资本": "about 10",
                            "行政区划代码": "昆明市", "经营范围": "  "})]

    report = run(session, csv_file(rows))

    assert [(p.row, p.column, p.reason) for p in report.problems] == [
        (2, "企业名称", "required"),
        (2, "核准日期", "not a date: 'next week' (write YYYY-MM-DD)"),
        (2, "注册资本", "not an amount: 'about 10' (write a number of 万元)"),
        (2, "经营范围", "required"),
        (2, "行政区划代码", "unknown area '昆明市'"),
    ]
    assert report.invalid == 1 and count(session, MarketEntity) == 0


def test_a_duplicate_credit_code_keeps_the_first_row(session, world):
    first = registration(**{"企业名称": "第一行"})
    again = registration(**{"统一社会信用代码": first["统一社会信用代码"], "企业名称": "第三行"})

    report = run(session, csv_file([first, registration(), again]))

    assert report.problems == [RowProblem(4, "统一社会信用代码", "duplicate of row 2")]
    assert entity(session, first["统一社会信用代码"]).name == "第一行"
    assert (report.valid, report.invalid, report.imported) == (2, 1, 2)


def test_a_missing_required_column_is_one_file_error(session, world):
    rows = [{k: v for k, v in registration().items() if k not in ("经营范围", "成立日期")}]

    report = run(session, csv_file(rows))

    assert report.file_error == (
        "missing required column(s): 经营范围、成立日期; headers found in row 1: 统一社会信用代码、"
        "企业名称、市场主体类型、法定代表人、联系电话、核准日期、注册资本、住所、登记机关、"
        "登记状态、行政区划代码")
    assert (report.rows_read, report.problems, count(session, MarketEntity)) == (0, [], 0)
    recorded = session.execute(select(RegistryImport)).scalar_one()
    assert recorded.error == report.file_error and recorded.finished_at is not None


@pytest.mark.parametrize(("data", "error"), [
    (b"", "the file is empty"),
    (b"\xef\xbb\xbf\r\n\r\n", "the file is empty"),
    ("统一社会信用代码,企业名称,经营范围,行政区划代码,成立日期\r\n".encode(),
     "the file has a header (row 1) but no data rows"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
     "old Excel (.xls) files cannot be read; save the sheet as .xlsx or CSV"),
])
def test_a_file_without_rows_is_a_clear_error(session, world, data, error):
    report = run(session, data)

    assert report.file_error == error
    assert report.summary_line() == ("rows read 0, valid 0, invalid 0, imported 0, "
                                     "notices started 0")


def test_the_dry_run_checks_every_row_and_writes_nothing(session, world):
    session.commit()
    before = {table.name: count(session, table) for table in Base.metadata.sorted_tables}
    rows = [registration(), registration(**{"成立日期": "yesterday"}), registration()]
    batches = Batches()

    report = run(session, csv_file(rows), dry_run=True, on_batch=batches)
    empty = run(session, b"", dry_run=True)
    session.commit()

    assert report.problems == [RowProblem(3, "成立日期", "not a date: 'yesterday' "
                                                       "(write YYYY-MM-DD)")]
    assert report.summary_line() == ("rows read 3, valid 2, invalid 1, imported 0, "
                                     "notices started 0")
    assert empty.file_error == "the file is empty"
    assert batches.changes == [] and report.import_id is None
    assert {table.name: count(session, table) for table in Base.metadata.sorted_tables} == before


def test_a_real_run_records_the_import_and_one_audit_event(session, world):
    audited = count(session, AuditEvent)

    report = run(session, csv_file([registration() for _ in range(5)]), batch_size=2,
                 on_batch=Batches())

    recorded = session.get(RegistryImport, report.import_id)
    assert (recorded.source, recorded.actor, recorded.rows_read, recorded.rows_valid) == (
        "amr.csv", "zhou", 5, 5)
    assert (recorded.rows_imported, recorded.notices_started) == (5, 5)
    assert recorded.finished_at is not None and recorded.error is None
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[audited:]
    assert [(e.action, e.object_id) for e in events] == [("registry.import",
                                                          str(report.import_id))]
    assert events[0].summary["new"] == 5 and events[0].summary["notices_started"] == 5


def test_reimporting_the_same_file_changes_nothing_and_starts_nothing(session, world):
    data = csv_file([registration() for _ in range(3)])
    first = run(session, data, on_batch=Batches())
    stamps = {e.uscc: e.updated_at for e in session.scalars(select(MarketEntity))}
    batches = Batches()

    again = run(session, data, on_batch=batches)

    assert (first.imported, first.notices_started) == (3, 3)
    assert (again.imported, again.unchanged, again.notices_started) == (0, 3, 0)
    assert batches.changes == []
    assert {e.uscc: e.updated_at
            for e in session.scalars(select(MarketEntity).execution_options(
                populate_existing=True))} == stamps


def test_a_new_scope_is_routed_again_other_changes_are_not(session, world):
    food, shop = registration(), registration(**{"经营范围": "日用百货销售"})
    run(session, csv_file([food, shop]))
    moved = {**food, "经营范围": "餐饮服务；烟草制品零售", "联系电话": "13900000000"}
    renamed = {**shop, "企业名称": "保山市新名称商贸有限公司", "行政区划代码": "腾冲市"}
    batches = Batches()

    report = run(session, csv_file([moved, renamed]), on_batch=batches)

    assert batches.seen() == [("change", food["统一社会信用代码"], "餐饮服务；食品销售")]
    assert (report.changed, report.new, report.notices_started) == (2, 0, 1)
    assert batches.changes[0].entity.business_scope == "餐饮服务；烟草制品零售"
    assert entity(session, food["统一社会信用代码"]).phone == "13900000000"
    shop_now = entity(session, shop["统一社会信用代码"])
    assert (shop_now.name, shop_now.area_code) == ("保山市新名称商贸有限公司", "530581")
    assert shop_now.registrar_org_id == world.units["530581-amr-reg"].id


def test_new_registrations_reach_on_batch_as_new(session, world):
    rows = [registration() for _ in range(5)]
    batches = Batches()

    report = run(session, csv_file(rows), batch_size=2, on_batch=batches)

    assert batches.seen() == [("new", r["统一社会信用代码"], None) for r in rows]
    assert all(c.entity.id is not None for c in batches.changes)
    assert report.notices_started == 5


def test_a_blank_cell_or_a_missing_column_keeps_what_is_stored(session, world):
    row = registration(**{"营业期限": "2025-03-01至长期"})
    run(session, csv_file([row]))
    blanked = {**row, "联系电话": "", "登记状态": ""}
    del blanked["营业期限"]

    report = run(session, csv_file([blanked]))

    stored = entity(session, row["统一社会信用代码"])
    assert (stored.phone, stored.status, stored.business_term) == (
        "13800000001", "存续", "2025-03-01至长期")
    assert report.unchanged == 1


def test_areas_by_name_or_code_and_the_registering_unit(session, world):
    """The areas are the city and the counties of the unit tree."""
    for code, name in (("530521", "施甸县"), ("530523", "龙陵县")):
        add_org_unit(session, code, name, OrgKind.COUNTY, code, world.units["city"])
    longling = add_org_unit(session, "530523-amr", "龙陵县市场监管局", OrgKind.DEPARTMENT,
                            "530523")
    areas = ["隆阳区", "530502", "保山市腾冲市", "530581000000", " 施甸县 ", "龙陵县", "保山市",
             "530599"]
    rows = [registration(**{"行政区划代码": a}) for a in areas]

    report = run(session, csv_file(rows))

    assert report.problems == [RowProblem(9, "行政区划代码", "unknown area '530599'")]
    longyang, tengchong = world.units["530502-amr-reg"].id, world.units["530581-amr-reg"].id
    stored = [entity(session, r["统一社会信用代码"]) for r in rows[:7]]
    assert [(e.area_code, e.registrar_org_id) for e in stored] == [
        ("530502", longyang), ("530502", longyang), ("530581", tengchong),
        ("530581", tengchong),
        ("530521", None),  # no AMR unit in this world
        ("530523", longling.id),  # no 登记注册科 there: the bureau itself
        ("530500", None)]


@pytest.mark.parametrize(("text", "day"), [
    ("2025-03-01", date(2025, 3, 1)), ("2025/3/1", date(2025, 3, 1)),
    ("2025年3月1日", date(2025, 3, 1)), ("2025.03.01", date(2025, 3, 1)),
    ("20250301", date(2025, 3, 1)), ("2025-03-01 00:00:00", date(2025, 3, 1)),
    (datetime(2025, 3, 1, 8), date(2025, 3, 1)), (45717, date(2025, 3, 1)),
    (20250301, date(2025, 3, 1)),
])
def test_dates_as_exports_write_them(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["2025-02-29", "1850-01-01", "3/1/2025", "2025-3"])
def test_dates_that_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(("text", "amount"), [
    ("100", "100"), ("100.5", "100.5"), ("100万元", "100"), ("1,000万人民币", "1000"),
    (12.25, "12.25"), ("50000元", "5"),
])
def test_registered_capital_in_ten_thousand_yuan(text, amount):
    assert parse_capital(text) == Decimal(amount)


def test_capital_in_a_column_headed_in_yuan_is_converted(session, world):
    row = registration()
    row["注册资本(元)"] = row.pop("注册资本").replace("100", "2000000")

    run(session, csv_file([row]))

    assert entity(session, row["统一社会信用代码"]).registered_capital == Decimal(200)


def test_long_values_and_full_width_codes(session, world):
    plain = code()
    wide = "".join(chr(ord(c) + 0xFEE0) for c in plain)  # as typed with a Chinese IME
    rows = [registration(**{"统一社会信用代码": wide}),
            registration(**{"企业名称": "名" * 201})]

    report = run(session, csv_file(rows))

    assert report.problems == [RowProblem(3, "企业名称", "longer than 200 characters (201)")]
    assert entity(session, plain).uscc == plain


def test_import_file_commits_each_batch_and_records_a_failure(sessions: sessionmaker[Session],
                                                              tmp_path: Path):
    with sessions.begin() as session:
        make_world(session, calendar=False)
    path = tmp_path / "amr.csv"
    path.write_bytes(csv_file([registration() for _ in range(5)]))
    calls = []

    def fail_on_the_second_batch(session: Session, changes: list[EntityChange]) -> int:
        calls.append(len(changes))
        if len(calls) == 2:
            raise RuntimeError("routing table broken")
        return 1

    with pytest.raises(RuntimeError):
        import_file(sessions, CLERK, path, batch_size=2, on_batch=fail_on_the_second_batch)

    with sessions() as session:
        assert count(session, MarketEntity) == 2
        recorded = session.execute(select(RegistryImport)).scalar_one()
        assert (recorded.source, recorded.rows_imported, recorded.notices_started) == (
            "amr.csv", 2, 1)
        assert recorded.error == "an unexpected error stopped the import (details in the log)"
        assert recorded.finished_at is not None
    report = import_file(sessions, CLERK, path, batch_size=2, on_batch=lambda s, c: len(c))
    assert (report.new, report.unchanged, report.notices_started) == (3, 2, 3)


def test_progress_is_reported_per_stage(sessions, tmp_path):
    with sessions.begin() as session:
        make_world(session, calendar=False)
    path = write_sample_csv(tmp_path / "amr.csv", 2500)
    seen: list[tuple[str, int, int | None]] = []

    report = import_file(sessions, CLERK, path, progress=lambda *args: seen.append(args))

    assert report.imported == 2500
    assert [s for s in seen if s[0] == "checking"][-1] == ("checking", 2500, 2500)
    assert [s for s in seen if s[0] == "importing"] == [
        ("importing", 1000, 2500), ("importing", 2000, 2500), ("importing", 2500, 2500)]


@pytest.mark.slow
def test_a_large_file_imports_batch_by_batch_and_reimports_unchanged(sessions, tmp_path):
    """The throughput target (2,000 rows/s) is measured by bench/import.py, not here."""
    with sessions.begin() as session:
        make_world(session, calendar=False)
    path = write_sample_csv(tmp_path / "amr.csv", 12_000)
    batches = Batches()

    report = import_file(sessions, CLERK, path, on_batch=lambda s, c: len(c))
    again = import_file(sessions, CLERK, path, on_batch=batches)

    assert report.summary_line() == ("rows read 12000, valid 12000, invalid 0, "
                                     "imported 12000, notices started 12000")
    assert (again.imported, again.unchanged, batches.changes) == (0, 12_000, [])


# The command line ---------------------------------------------------------------------------

@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    monkeypatch.setenv("CREDITFLOW_DATABASE_URL", url)
    monkeypatch.setenv("CREDITFLOW_VAR_DIR", str(tmp_path / "var"))
    sessions = session_factory(engine, Settings(var_dir=tmp_path / "var"))
    with sessions.begin() as session:
        make_world(session, calendar=False)
    yield sessions
    engine.dispose()


@pytest.fixture
def routing(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    """A stand-in registration handler that starts one notice per change."""
    calls: list[tuple[str, list[str]]] = []

    def route_entities(session: Session, actor: audit.Actor, changes: list[EntityChange]) -> int:
        calls.append((actor.name, [c.trigger for c in changes]))
        return len(changes)

    monkeypatch.setattr(domains, "REGISTRATION_HANDLERS", [route_entities])
    return calls


def cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["registry", "import", *args])


def test_cli_lists_bad_rows_then_one_summary_line_and_routes(cli_db, routing, tmp_path):
    path = tmp_path / "amr.csv"
    path.write_bytes(csv_file([registration(), registration(**{"成立日期": "tomorrow"}),
                               registration()], encoding="gbk"))

    result = cli(str(path))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "row 3, 成立日期: not a date: 'tomorrow' (write YYYY-MM-DD)",
        "rows read 3, valid 2, invalid 1, imported 2, notices started 2"]
    assert routing and routing[0][1] == ["new", "new"] and routing[0][0].startswith("cli:")
    assert "importing" in result.stderr
    with cli_db() as session:
        assert count(session, MarketEntity) == 2


def test_cli_dry_run_writes_nothing(cli_db, routing, tmp_path):
    path = tmp_path / "amr.csv"
    path.write_bytes(csv_file([registration()]))

    result = cli(str(path), "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "rows read 1, valid 1, invalid 0, imported 0, notices started 0"]
    assert "dry run: nothing was written" in result.stderr
    with cli_db() as session:
        assert (count(session, MarketEntity), count(session, RegistryImport)) == (0, 0)
    assert routing == []


def test_cli_exits_1_when_the_file_cannot_be_read(cli_db, tmp_path):
    path = tmp_path / "amr.csv"
    path.write_bytes("名称,地址\n某公司,某地\n".encode())

    result = cli(str(path))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == ("error: amr.csv: missing required column(s): "
                             "统一社会信用代码、经营范围、成立日期; "
                             "headers found in row 1: 名称、地址\n")


def test_cli_without_routing_imports_and_says_so(cli_db, tmp_path, monkeypatch):
    monkeypatch.setattr(domains, "REGISTRATION_HANDLERS", [])
    path = tmp_path / "amr.csv"
    path.write_bytes(csv_file([registration()]))

    result = cli(str(path))

    assert result.exit_code == 0, result.output
    assert "routing is not available" in result.stderr
    assert result.stdout.splitlines()[-1] == ("rows read 1, valid 1, invalid 0, imported 1, "
                                              "notices started 0")

