"""The registry shared with departments: who reads which area, the search, the export, the
changes feed other systems page through, and the change times the import keeps."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
import time_machine
from sqlalchemy import select

from engine import entity_records, shared_registry
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import AuditEvent, Role
from engine.org.units import add_org_unit, add_user
from engine.registry import RegistryFilter, shared_areas
from engine.shared_registry import entity_changes, export_registry, search_registry
from tests.engine.registry.test_registry import csv_file, entity, registration, run
from tests.factories import MONDAY, PASSWORD, SETUP, make_entity

pytestmark = pytest.mark.both_backends  # who sees what, and the feed's order, are SQL

PHONE = "13912345678"


@pytest.fixture
def world(notice_world, session):
    """The notice world plus a city department (教育体育局 of the city) with an officer."""
    units = notice_world.units
    units["530500-edu"] = units.get("530500-edu") or add_org_unit(
        session, "530500-edu", "保山市教育体育局", "department", "530500", units["city"])
    notice_world.users["gao"] = add_user(session, SETUP, "gao", "gao", PASSWORD, "530500-edu",
                                         [Role.OFFICER])
    session.flush()
    return notice_world


@pytest.fixture
def entities(session, world):
    """Two entities of 隆阳区 and one of 腾冲市."""
    return {
        "food": make_entity(session, "餐饮服务", name="保山永昌餐饮有限公司", phone=PHONE,
                            entity_type="有限责任公司", township="永昌街道",
                            established_on=date(2025, 3, 1)),
        "shop": make_entity(session, "日用百货销售", name="保山兰城百货商店", phone=PHONE,
                            entity_type="个体工商户", township="兰城街道", status="注销",
                            established_on=date(2026, 1, 5)),
        "far": make_entity(session, "餐饮服务", area="530581", registrar="530581-amr-reg",
                           name="腾冲和顺餐饮有限公司", established_on=date(2025, 6, 1)),
    }


def names(session, world, username, **asked) -> set[str]:
    page = search_registry(session, world.users[username], RegistryFilter(**asked), 1, 50)
    return {row.values["name"] for row in page.rows}


def test_departments_read_their_area_and_the_city_reads_every_county(session, world):
    assert shared_areas(session, world.users["hu"]) == ["530502"]  # 隆阳区公安局
    assert shared_areas(session, world.users["tian"]) == ["530502"]  # its police station
    assert shared_areas(session, world.users["luo"]) == ["530502"]  # its administrator
    assert shared_areas(session, world.users["gao"]) is None  # a city department
    for other in ("wang", "admin"):  # supervisors and system administrators: pages of their own
        assert shared_areas(session, world.users[other]) == []


def test_a_search_reads_the_users_area_only(session, world, entities):
    assert names(session, world, "hu") == {"保山永昌餐饮有限公司", "保山兰城百货商店"}
    assert names(session, world, "liu") == {"腾冲和顺餐饮有限公司"}
    assert len(names(session, world, "gao")) == 3
    assert names(session, world, "gao", area_code="530581") == {"腾冲和顺餐饮有限公司"}
    with pytest.raises(Forbidden):
        search_registry(session, world.users["wang"], RegistryFilter())


@pytest.mark.parametrize(("asked", "found"), [
    ({"name": "永昌"}, {"food"}),
    ({"entity_type": "个体工商户"}, {"shop"}),
    ({"status": "注销"}, {"shop"}),
    ({"township": "兰城"}, {"shop"}),
    ({"established_from": date(2025, 1, 1), "established_to": date(2025, 12, 31)}, {"food"}),
    ({"name": "保山", "status": "存续"}, {"food"}),
])
def test_a_search_filters_by_each_field(session, world, entities, asked, found):
    expected = {entities[key].name for key in found}
    assert names(session, world, "hu", **asked) == expected


def test_a_search_finds_a_uscc_by_its_start_and_masks_the_phone(session, world, entities):
    food = entities["food"]
    page = search_registry(session, world.users["hu"],
                           RegistryFilter(uscc=food.uscc[:12].lower()))
    assert [row.id for row in page.rows] == [food.id]
    assert page.rows[0].values["phone"] == "139****5678"
    assert page.rows[0].values["legal_representative"] == "张三"


def test_a_department_opens_the_page_of_an_entity_of_its_area(session, world, entities):
    hu = world.actor("hu")  # no notice or directory entry brings these to the police
    assert entity_records.get_entity(session, hu, entities["shop"].id) == entities["shop"]
    with pytest.raises(NotFound):
        entity_records.get_entity(session, hu, entities["far"].id)
    shown = entity_records.registration(session, hu, entities["shop"].id)
    assert shown.values["phone"] == "139****5678" and shown.may_reveal


def exported(stream: io.BytesIO) -> list[tuple]:
    stream.seek(0)
    return list(openpyxl.load_workbook(stream).active.iter_rows(values_only=True))


def test_an_export_masks_personal_data_and_is_audited(session, world, entities):
    out = io.BytesIO()
    headers = [f"h-{name}" for name in shared_registry.SHARED_FIELDS]

    rows = export_registry(session, world.actor("hu"), RegistryFilter(name="保山"), headers, out)

    sheet = exported(out)
    assert rows == 2 and sheet[0] == tuple(headers) and len(sheet) == 3
    phone = shared_registry.SHARED_FIELDS.index("phone")
    assert {line[phone] for line in sheet[1:]} == {"139****5678"}
    assert PHONE not in repr(sheet)
    event = session.execute(select(AuditEvent).where(
        AuditEvent.action == "registry.export")).scalar_one()
    assert (event.actor, event.object_id) == ("hu", "530502")
    assert event.summary == {"filter": {"name": "保山"}, "rows": 2}


def test_an_export_beyond_the_cap_writes_nothing(session, world, entities, monkeypatch):
    monkeypatch.setattr(shared_registry, "MAX_EXPORT_ROWS", 1)
    out = io.BytesIO()
    with pytest.raises(InvalidInput) as refused:
        export_registry(session, world.actor("hu"), RegistryFilter(), ["x"], out)
    assert refused.value.code == "export_too_large" and refused.value.details["total"] == 2
    assert out.getvalue() == b""
    assert session.execute(select(AuditEvent).where(
        AuditEvent.action == "registry.export")).first() is None


def stamp(session, rows, moment: datetime) -> None:
    for row in rows:
        row.updated_at = moment
    session.flush()


def test_the_feed_pages_through_rows_sharing_a_time_without_skips_or_repeats(session, world):
    moment = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    same = [make_entity(session, f"范围{i}") for i in range(5)]
    stamp(session, same, moment)
    later = make_entity(session, "餐饮服务")
    stamp(session, [later], moment + timedelta(seconds=1))
    seen, cursor, pages = [], None, 0
    while True:
        page = entity_changes(session, world.users["hu"], cursor=cursor, limit=2)
        seen += [row["uscc"] for row in page.rows]
        cursor, pages = page.next_cursor, pages + 1
        if not page.has_more:
            break
    assert seen == [e.uscc for e in sorted(same, key=lambda e: e.id)] + [later.uscc]
    assert pages == 3
    again = entity_changes(session, world.users["hu"], cursor=cursor)
    assert (again.rows, again.next_cursor, again.has_more) == ([], cursor, False)
    later.name = "保山新名称"
    stamp(session, [later], moment + timedelta(minutes=5))
    assert [r["name"] for r in entity_changes(session, world.users["hu"], cursor=cursor).rows] \
        == ["保山新名称"]


def test_the_feed_gives_public_fields_from_a_time_in_the_callers_area(session, world, entities):
    moment = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    stamp(session, [entities["food"], entities["far"]], moment - timedelta(days=1))
    stamp(session, [entities["shop"]], moment)

    page = entity_changes(session, world.users["hu"], since=moment)

    assert [row["uscc"] for row in page.rows] == [entities["shop"].uscc]
    assert set(page.rows[0]) == {"uscc", "name", "legal_representative", "address",
                                 "business_scope", "status", "updated_at"}
    assert page.rows[0]["updated_at"] == "2026-03-02T01:00:00+00:00"
    assert len(entity_changes(session, world.users["gao"]).rows) == 3
    with pytest.raises(Forbidden):
        entity_changes(session, world.users["wang"])


@pytest.mark.parametrize("cursor", ["junk", "bm90IGEgY3Vyc29y", "MjAyNi0wMy0wMlQwMTowMDowMHx4"])
def test_a_cursor_the_feed_did_not_give_is_refused(session, world, cursor):
    with pytest.raises(InvalidInput):
        entity_changes(session, world.users["hu"], cursor=cursor)


def test_a_time_without_an_offset_is_refused():
    with pytest.raises(InvalidInput):
        shared_registry.parse_moment("2026-03-02T08:00:00", "changed_since")
    assert shared_registry.parse_moment("2026-03-02T08:00:00+08:00", "x") == datetime(
        2026, 3, 2, 0, 0, tzinfo=UTC)


def test_the_import_stamps_every_insert_and_change(session, world):
    food = registration()
    with time_machine.travel(MONDAY, tick=False):
        run(session, csv_file([food]))
    inserted = entity(session, food["统一社会信用代码"]).updated_at
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        run(session, csv_file([food]))  # unchanged: keeps its time
        assert entity(session, food["统一社会信用代码"]).updated_at == inserted
        run(session, csv_file([{**food, "登记状态": "注销"}]))
    changed = entity(session, food["统一社会信用代码"])
    assert inserted == MONDAY
    assert (changed.status, changed.updated_at) == ("注销", MONDAY + timedelta(hours=1))
