"""What the dual-notice pages show: lists with lights, the directory, figures, the papers."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from engine import audit
from engine.calendar import calendar_for
from engine.db import settings_of
from engine.dual_notice.directory import DirectoryFilter, directory, directory_departments
from engine.dual_notice.figures import export_figures_xlsx, notice_figures, period_of
from engine.dual_notice.notices import notice_claim, notice_reroute, notice_return
from engine.dual_notice.papers import (
    NOTICE_WORDING,
    commitments_of,
    notice_letter,
    record_commitment,
    store_commitment_scan,
)
from engine.dual_notice.queries import (
    NoticeFilter,
    entity_notices,
    notice_list,
    returned_notices,
    routing_choices,
)
from engine.dual_notice.routing import route_entities
from engine.errors import InvalidInput, NotFound
from engine.models import AuditEvent, Commitment
from tests.factories import CST, MONDAY, Change, make_entity, notices_of

IMPORT = audit.Actor("test:import", "test")


def at(day: int, month: int = 3, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=CST)


def push(session, scope: str, when: datetime = MONDAY, **entity):
    with time_machine.travel(when, tick=False):
        created = make_entity(session, scope, **entity)
        route_entities(session, IMPORT, [Change(created)])
    return created


def item_of(session, entity, item: str):
    return next(n for n in notices_of(session, entity) if n.licence_item == item)


def calendar(session):
    return calendar_for(session, settings_of(session))


def test_the_department_list_shows_lights_and_the_item_to_act_on(session, world):
    old = push(session, "印章刻制", MONDAY, name="老字号刻章店")
    new = push(session, "保安服务", at(12), name="新安保安公司")
    with time_machine.travel(at(13), tick=False):
        page = notice_list(session, world.users["hu"], calendar(session))
        assert [(r.entity_name, r.light) for r in page.rows] == [("老字号刻章店", "yellow"),
                                                                ("新安保安公司", "green")]
        assert page.rows[0].open_item_id is not None and page.total == 2
        yellow = notice_list(session, world.users["hu"], calendar(session),
                             filters=NoticeFilter(light="yellow"))
        assert [r.uscc for r in yellow.rows] == [old.uscc]
        by_text = notice_list(session, world.users["hu"], calendar(session),
                              filters=NoticeFilter(text=new.uscc[:10]))
        assert [r.entity_name for r in by_text.rows] == ["新安保安公司"]
        assert notice_list(session, world.users["qian"], calendar(session)).total == 0
        notice_claim(session, world.actor("hu"), item_of(session, old, "PS-SEAL").id)
        claimed = notice_list(session, world.users["hu"], calendar(session), "claimed")
        assert [(r.entity_name, r.light) for r in claimed.rows] == [("老字号刻章店", "yellow")]


def test_the_registrar_sees_returned_notices_and_an_entity_its_history(session, world):
    entity = push(session, "印章刻制")
    with time_machine.travel(MONDAY, tick=False):
        seal = item_of(session, entity, "PS-SEAL")
        notice_return(session, world.actor("hu"), seal.id, 1, "不属本部门")
        returned = returned_notices(session, world.users["zhou"], calendar(session))
        assert [r.notice.id for r in returned.rows] == [seal.id]
        assert returned_notices(session, world.users["liu"], calendar(session)).total == 0
        notice_reroute(session, world.actor("zhou"), seal.id, world.units["530502-health"].id,
                       licence_item="HE-PUBLIC-PLACE")
        history = entity_notices(session, world.actor("zhou"), entity.id, calendar(session))
    assert [(r.notice.licence_item, r.notice.state.value, r.department_name)
            for r in history] == [("PS-SEAL", "rerouted", "隆阳区公安局"),
                                  ("HE-PUBLIC-PLACE", "pushed", "隆阳区卫生健康委")]


def test_the_directory_lists_claimed_entities_per_department(session, world):
    hotel = push(session, "住宿服务；印章刻制", name="兰城客栈")
    seal = push(session, "印章刻制", name="永昌刻章")
    with time_machine.travel(at(3), tick=False):
        for entity, item in ((hotel, "PS-HOTEL"), (hotel, "PS-SEAL"), (seal, "PS-SEAL")):
            notice_claim(session, world.actor("hu"), item_of(session, entity, item).id)
        notice_claim(session, world.actor("qian"), item_of(session, hotel, "HE-PUBLIC-PLACE").id)
    psb = directory(session, world.users["hu"])
    assert sorted(r.name for r in psb.rows) == ["兰城客栈", "永昌刻章"]  # one entry per entity
    assert [r.name for r in directory(session, world.users["tian"]).rows] == [
        r.name for r in psb.rows]  # a station of the department sees its directory
    assert [r.name for r in directory(session, world.users["qian"]).rows] == ["兰城客栈"]
    assert [r.name for r in directory(session, world.users["hu"],
                                      DirectoryFilter(text="刻章")).rows] == ["永昌刻章"]
    hotels = directory(session, world.users["hu"], DirectoryFilter(licence_item="PS-HOTEL"))
    assert [r.name for r in hotels.rows] == ["兰城客栈"]
    assert directory(session, world.users["liu"]).total == 0
    supervisor = directory(session, world.users["wang"])
    assert supervisor.total == 3
    assert [name for _id, name in directory_departments(session, world.users["wang"])] == [
        "隆阳区公安局", "隆阳区卫生健康委"]


def test_figures_per_department_and_period(session, world):
    # Four notices to the police pushed on Monday 2 March, one to health.
    entities = [push(session, "印章刻制", name=f"刻章{i}") for i in range(4)]
    clinic = push(session, "理发服务", name="理发店")
    seals = [item_of(session, e, "PS-SEAL") for e in entities]
    with time_machine.travel(at(5), tick=False):  # the 3rd working day
        notice_claim(session, world.actor("hu"), seals[0].id)
        notice_claim(session, world.actor("qian"), item_of(session, clinic,
                                                           "HE-PUBLIC-PLACE").id)
    with time_machine.travel(at(13), tick=False):  # the 9th: late
        notice_claim(session, world.actor("hu"), seals[1].id)
        notice_return(session, world.actor("hu"), seals[2].id, 2, "不在辖区")
    later = push(session, "印章刻制", at(1, 4), name="四月刻章")  # outside the period
    assert later.id
    report = notice_figures(session, None, *period_of("2026-03"))
    health, psb = report.rows  # by area, then department code
    assert (psb.department_code, psb.received, psb.claimed, psb.returned, psb.waiting) == (
        "530502-psb", 4, 2, 1, 1)
    assert (psb.claim_rate, psb.on_time_claim_rate, psb.median_days_to_claim) == (
        0.5, 0.25, 6.0)
    assert (health.received, health.claimed_on_time, health.median_days_to_claim) == (1, 1, 3.0)
    assert (report.total.received, report.total.claimed, report.total.claim_rate) == (
        5, 3, 0.6)
    mine = notice_figures(session, world.users["qian"], date(2026, 3, 1), date(2026, 3, 31))
    assert [r.department_code for r in mine.rows] == ["530502-health"]

    stream = io.BytesIO()
    export_figures_xlsx(report, stream)
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].endswith("2026-03-01 — 2026-03-31")
    assert rows[1][3:6] == ("推送 Received", "认领 Claimed", "退回 Returned")
    assert rows[3] == ("530502", "530502-psb", "隆阳区公安局", 4, 2, 1, 1, 0.5, 0.25, 6.0)
    assert rows[4][2:5] == ("合计 Total", 5, 3)
    assert sheet.cell(4, 8).number_format == "0.0%"


def test_a_period_that_ends_before_it_starts_is_refused(session, world):
    with pytest.raises(InvalidInput):
        notice_figures(session, None, date(2026, 3, 2), date(2026, 3, 1))


def test_the_notice_letter_lists_each_item_with_its_department(session, world):
    entity = push(session, "餐饮服务；住宿服务")
    with time_machine.travel(at(3), tick=False):
        letter = notice_letter(session, world.actor("zhou"), entity.id)
    assert letter.wording == NOTICE_WORDING and letter.issued_on == date(2026, 3, 3)
    assert [(i.licence_item_name, i.department_name, i.state) for i in letter.items] == [
        ("食品经营许可（餐饮服务）", "隆阳区市场监管局", "pushed"),
        ("公共场所卫生许可", "隆阳区卫生健康委", "pushed"),
        ("特种行业许可（旅馆业）", "隆阳区公安局", "pushed")]
    assert letter.commitment is None
    with time_machine.travel(MONDAY, tick=False):
        unrouted = make_entity(session, "烟草制品零售")
        before = notice_letter(session, world.actor("zhou"), unrouted.id)
    assert [(i.licence_item, i.department_code, i.state) for i in before.items] == [
        ("TO-RETAIL", "530502-tobacco", None)]
    with pytest.raises(NotFound):
        notice_letter(session, world.actor("liu"), entity.id)


def test_the_signed_commitment_is_kept_with_its_scan(session, world, settings):
    session.info["settings"] = settings
    entity = push(session, "印章刻制")
    with time_machine.travel(at(3), tick=False):
        with pytest.raises(InvalidInput):
            store_commitment_scan(session, world.actor("zhou"), entity.id, "scan.pdf",
                                  io.BytesIO(b"<html>not a pdf</html>"))
        with pytest.raises(InvalidInput):
            store_commitment_scan(session, world.actor("zhou"), entity.id, "scan.exe",
                                  io.BytesIO(b"MZ"))
        path = store_commitment_scan(session, world.actor("zhou"), entity.id, "承诺书.pdf",
                                     io.BytesIO(b"%PDF-1.7 signed"))
        row = record_commitment(session, world.actor("zhou"), entity.id, date(2026, 3, 2), path)
        with pytest.raises(InvalidInput):
            record_commitment(session, world.actor("zhou"), entity.id, date(2026, 3, 4), None)
        with pytest.raises(InvalidInput):
            record_commitment(session, world.actor("zhou"), entity.id, date(2026, 3, 2),
                              "../../etc/passwd")
        letter = notice_letter(session, world.actor("zhou"), entity.id)
    assert (settings.upload_dir / path).read_bytes() == b"%PDF-1.7 signed"
    assert letter.commitment is row and commitments_of(
        session, world.actor("zhou"), entity.id) == [row]
    assert session.execute(select(Commitment.scan_path)).scalar_one() == path
    assert session.execute(select(AuditEvent.action).where(
        AuditEvent.object_type == "commitment")).scalar_one() == "commitment.record"


def test_routing_choices_offer_the_tables_items_and_the_areas_departments(session, world):
    choices = routing_choices(session, "530502")
    assert ("PS-SEAL", "特种行业许可（公章刻制）") in choices.licence_items
    codes = [code for _id, code, _name in choices.departments]
    assert codes[0].startswith("530502-") and codes[-1].startswith("530500-")
    assert "530502-psb" in codes and "530581-psb" not in codes
