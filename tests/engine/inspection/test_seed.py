"""The demo: the two demo officers of 隆阳区 find spot checks to prepare in their inbox."""

from __future__ import annotations

import time_machine
from sqlalchemy import select

from engine import inspection
from engine.calendar.workdays import seed_from_chinese_calendar
from engine.models import Inspection, User, WorkItem, WorkItemStatus
from engine.seed.seeders import seed_baoshan, seed_demo
from tests.factories import MONDAY, SETUP


def test_the_demo_officers_have_inspections_to_prepare(session):
    with time_machine.travel(MONDAY, tick=False):
        seed_baoshan(session, SETUP)
        seed_from_chinese_calendar(session, SETUP)
        seed_demo(session, SETUP)
        seed_demo(session, SETUP)  # once only
    rows = session.execute(select(Inspection)).scalars().all()
    users = {u.username: u.id for u in session.execute(select(User)).scalars()}
    assert len(rows) == 3
    assert all(r.officer_ids == [users["officer_longyang"], users["officer_longyang2"]]
               for r in rows)
    held = session.execute(select(WorkItem.task_name, WorkItem.assignee_id).where(
        WorkItem.process_key == inspection.PROCESS_KEY,
        WorkItem.status == WorkItemStatus.OPEN)).all()
    assert held == [("prepare_inspection", users["officer_longyang"])] * 3
