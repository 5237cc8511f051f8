"""What a notice's page offers whom: its steps, the dispatch targets, the claimable rows; the
scan of a signed promise; pushed registrations read as a file."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from engine import audit
from engine.calendar import calendar_for
from engine.db import settings_of
from engine.dual_notice.notices import notice_claim, notice_return
from engine.dual_notice.papers import commitment_scan, record_commitment, store_commitment_scan
from engine.dual_notice.queries import (
    NoticeActions,
    claimable,
    dispatch_targets,
    notice_actions,
    notice_list,
    notice_page,
)
from engine.dual_notice.routing import route_entities
from engine.errors import InvalidInput, NotFound
from engine.models import WorkItem, WorkItemStatus
from engine.registry import import_registrations
from engine.registry.files import records_csv
from tests.factories import MONDAY, Change, make_entity, notices_of

IMPORT = audit.Actor("test:import", "test")


@pytest.fixture
def notice(session, world):
    with time_machine.travel(MONDAY, tick=False):
        entity = make_entity(session, "印章刻制")
        route_entities(session, IMPORT, [Change(entity)])
    (pushed,) = notices_of(session, entity)
    return pushed


def actions(session, world, notice, *users):
    return {u: notice_actions(session, world.users[u], notice) for u in users}


def test_the_department_may_claim_or_return_a_pushed_notice(session, world, notice):
    found = actions(session, world, notice, "hu", "luo", "tian", "wang", "zhou", "admin")
    assert found == {"hu": NoticeActions(claim=True), "luo": NoticeActions(claim=True),
                     "tian": NoticeActions(claim=True), "wang": NoticeActions(),
                     "zhou": NoticeActions(), "admin": NoticeActions()}
    calendar = calendar_for(session, settings_of(session))
    rows = notice_list(session, world.users["hu"], calendar).rows
    assert claimable(session, world.users["hu"], rows) == {notice.id}
    assert claimable(session, world.users["wang"], rows) == set()


def test_a_claimed_notice_is_dispatched_closed_or_revoked(session, world, notice):
    with time_machine.travel(MONDAY, tick=False):
        notice_claim(session, world.actor("hu"), notice.id)
    found = actions(session, world, notice, "hu", "luo", "wang", "admin", "qian")
    assert found["hu"] == NoticeActions(dispatch=True, outcome=True)
    # The outcome is the claimer's to record (or whom the case is dispatched to); the
    # department's administrator dispatches or revokes, he does not take it over silently.
    assert found["luo"] == NoticeActions(dispatch=True, revoke=True)
    assert found["wang"] == NoticeActions(dispatch=True)
    assert found["admin"] == NoticeActions(dispatch=True, revoke=True)
    assert found["qian"] == NoticeActions()
    users, units = dispatch_targets(session, notice)
    assert {u.username for u in users} == {"hu", "ma", "luo", "tian"}
    assert [u.code for u in units] == ["530502-psb-st"]


def test_a_returned_notice_is_for_the_registrar(session, world, notice):
    with time_machine.travel(MONDAY, tick=False):
        notice_return(session, world.actor("hu"), notice.id, 1, "不属本局职责")
    found = actions(session, world, notice, "hu", "zhou", "chen")
    assert found == {"hu": NoticeActions(), "zhou": NoticeActions(reroute=True),
                     "chen": NoticeActions()}
    page = notice_page(session, world.actor("zhou"), notice.id,
                       calendar_for(session, settings_of(session)))
    assert page.actions.reroute and page.department.code == "530502-psb"
    assert [e.action for e in page.history] == ["notice.return"]
    with pytest.raises(NotFound):
        notice_page(session, world.actor("liu"), notice.id,
                    calendar_for(session, settings_of(session)))


def test_a_scan_is_served_only_to_those_who_route_the_entity(session, world, notice, settings):
    session.info["settings"] = settings
    with time_machine.travel(MONDAY, tick=False):
        path = store_commitment_scan(session, world.actor("zhou"), notice.entity_id, "s.png",
                                     io.BytesIO(b"\x89PNG scan"))
        row = record_commitment(session, world.actor("zhou"), notice.entity_id,
                                date(2026, 3, 2), path)
        bare = record_commitment(session, world.actor("zhou"), notice.entity_id,
                                 date(2026, 3, 2), None)
    found, content_type = commitment_scan(session, world.actor("zhou"), row.id)
    assert found.read_bytes() == b"\x89PNG scan" and content_type == "image/png"
    for user, commitment in (("hu", row.id), ("liu", row.id), ("zhou", bare.id),
                             ("zhou", 999)):
        with pytest.raises(NotFound):
            commitment_scan(session, world.actor(user), commitment)


def test_pushed_records_are_read_like_a_file(session, world):
    source = records_csv([
        {"uscc": "91530502MA6K0000XB", "企业名称": "永昌餐饮", "area_code": 530502,
         "business_scope": "餐饮服务", "established_on": "2026-01-05", "phone": None},
        {"uscc": "bad", "企业名称": "x, \"y\"\nz"}])
    with time_machine.travel(MONDAY, tick=False):
        report = import_registrations(session, IMPORT, source, file_name="api", dry_run=True)
    assert (report.rows_read, report.valid, report.invalid) == (2, 1, 1)
    assert {(p.row, p.column) for p in report.problems} == {
        (3, "uscc"), (3, "area_code"), (3, "business_scope"), (3, "established_on")}
    for bad, field in (("x", "registrations"), ([1], "registrations[0]"),
                       ([{"name": ["a"]}], "registrations[0].name")):
        with pytest.raises(InvalidInput) as refused:
            records_csv(bad)
        assert list(refused.value.details["fields"]) == [field]


def test_the_follow_up_stays_with_the_claimer_with_its_own_deadline(session, world, notice):
    """After a claim the outcome task is the claimer's, due in 20 working days; it does not
    fall back into the department's pool without holder or deadline."""
    with time_machine.travel(MONDAY, tick=False):
        notice_claim(session, world.actor("hu"), notice.id)
    (item,) = session.execute(select(WorkItem).where(
        WorkItem.instance_id == notice.instance_id,
        WorkItem.status == WorkItemStatus.OPEN)).scalars()
    assert item.task_name == "record_outcome"
    assert item.assignee_id == world.users["hu"].id and item.claimed_at is not None
    calendar = calendar_for(session, settings_of(session))
    assert item.due_at == calendar.end_of_day(calendar.add_workdays(MONDAY.date(), 20))
