"""Notifications: the deadline sweep tells people once, the header counts unread, reading."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine import runtime
from engine.models import Notification, NotificationKind, User, WorkItem, WorkItemStatus
from engine.runtime.timers import sweep
from engine.scheduler import (
    DEADLINES_JOB_ID,
    DELIVERY_JOB_ID,
    PRACTICE_DEADLINES_JOB_ID,
    PRACTICE_SWEEP_JOB_ID,
    RATE_JOB_ID,
    SWEEP_JOB_ID,
    add_jobs,
    deadlines_job,
)
from engine.work.notifications import notify
from tests.factories import SETUP, case_data, make_entity
from tests.webapp.conftest import open_item, start_case

CST = ZoneInfo("Asia/Shanghai")


pytestmark = pytest.mark.usefixtures("traveller")


def kinds(sessions) -> list[tuple[str, int]]:
    with sessions() as session:
        return sorted((n.kind.value, n.user_id) for n in session.execute(
            select(Notification)).scalars())


def unread(html: str) -> int:
    match = re.search(r'id="unread-count"[^>]*>(\d+)<', html)
    return int(match.group(1)) if match else 0


def test_due_soon_then_overdue_once_each(app_sessions, world, traveller):
    item = start_case(app_sessions)
    with app_sessions() as session:
        runtime.claim(session, world.actor("chen"), item.id)
        session.commit()
    deadlines_job(app_sessions)
    assert kinds(app_sessions) == []
    traveller.move_to(datetime(2026, 3, 4, 9, 0, tzinfo=CST))
    deadlines_job(app_sessions)
    deadlines_job(app_sessions)
    chen = world.users["chen"].id
    assert kinds(app_sessions) == [("due_soon", chen)]
    traveller.move_to(datetime(2026, 3, 6, 9, 0, tzinfo=CST))
    deadlines_job(app_sessions)
    deadlines_job(app_sessions)
    assert kinds(app_sessions) == [("due_soon", chen), ("overdue", chen)]


def test_escalated_items_tell_the_joint_office(app_sessions, world, traveller):
    start_case(app_sessions)
    traveller.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=CST))  # past 5 working days
    sweep(app_sessions)
    with app_sessions() as session:
        escalated = session.execute(select(WorkItem).where(
            WorkItem.task_name == "handle_escalation",
            WorkItem.status == WorkItemStatus.OPEN)).scalar_one()
        assert escalated.candidate_org_id == world.units["530502-jmo"].id
    deadlines_job(app_sessions)
    assert ("escalated", world.users["wang"].id) in kinds(app_sessions)


def test_header_count_list_and_reading(login, app_sessions, world, traveller):
    item = start_case(app_sessions)
    traveller.move_to(datetime(2026, 3, 6, 9, 0, tzinfo=CST))
    deadlines_job(app_sessions)
    officer = login("chen")
    assert unread(officer.get("/inbox/").get_data(as_text=True)) == 1
    # Each tab reads the badge with its counts; another page reads it on its own.
    assert unread(officer.get("/inbox/?tab=overdue").get_data(as_text=True)) == 1
    assert unread(officer.get("/auth/password").get_data(as_text=True)) == 1
    html = officer.get("/notifications/").get_data(as_text=True)
    assert "已超期" in html and "审查案件" in html
    with app_sessions() as session:
        note = session.execute(select(Notification).where(
            Notification.user_id == world.users["chen"].id)).scalar_one()
    assert login("yang").post(f"/notifications/{note.id}/open").status_code == 404
    opened = officer.post(f"/notifications/{note.id}/open")
    assert opened.headers["Location"] == f"/tasks/{item.id}"
    assert unread(officer.get("/inbox/").get_data(as_text=True)) == 0
    yang = login("yang")
    assert unread(yang.get("/inbox/").get_data(as_text=True)) == 1
    yang.post("/notifications/read")
    assert unread(yang.get("/inbox/").get_data(as_text=True)) == 0


def test_scheduler_has_its_jobs_with_fixed_ids(app_sessions, app):
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler()
    scheduler.start(paused=True)
    settings = app.extensions["creditflow.settings"]
    try:
        add_jobs(scheduler, app_sessions, settings)
        add_jobs(scheduler, app_sessions, settings)  # replace_existing: still one of each
        assert sorted(job.id for job in scheduler.get_jobs()) == sorted(
            [DEADLINES_JOB_ID, DELIVERY_JOB_ID, PRACTICE_DEADLINES_JOB_ID, PRACTICE_SWEEP_JOB_ID,
             RATE_JOB_ID, SWEEP_JOB_ID])
    finally:
        scheduler.shutdown(wait=False)


def test_kinds_are_labelled(login, app_sessions, world):
    item = start_case(app_sessions)
    with app_sessions() as session:
        row = session.get(WorkItem, item.id)
        for kind in NotificationKind:
            notify(session, world.users["chen"].id, kind, row)
        session.commit()
    html = login("chen").get("/notifications/").get_data(as_text=True)
    for label in ("分派给您", "已退回", "即将到期", "已超期", "已升级督办", "催办"):
        assert label in html


def test_a_notification_names_the_entity_and_the_person(login, app_sessions, world):
    with app_sessions() as session:
        entity = make_entity(session, "餐饮服务", name="永昌茶社")
        instance = runtime.start_process(session, SETUP, "sample_review",
                                         data=case_data("530502"), area_code="530502",
                                         entity_id=entity.id)
        item = open_item(session, instance)
        session.get_one(User, world.users["zhang"].id).display_name = "张科长"
        notify(session, world.users["chen"].id, NotificationKind.URGED, item,
               actor_name="zhang", note="请尽快办理")
        session.commit()
    html = login("chen").get("/notifications/").get_data(as_text=True)
    assert "永昌茶社 · " in html and "张科长" in html
    assert " · zhang<" not in html
