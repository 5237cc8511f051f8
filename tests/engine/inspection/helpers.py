"""Drawn targets as the draw hands them over, and the steps of their cases, for the
inspection tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import inspection
from engine.models import Inspection, MarketEntity, User, WorkItem
from engine.runtime.forms import load_form, validate
from tests.factories import SETUP, World

ITEMS = [{"code": "SC-01", "name": "营业执照", "sub_items": ["亮照经营", "登记事项一致"]},
         {"code": "SC-02", "name": "年度报告公示", "sub_items": []}]
ALL_OK = {"SC-01.1": "ok", "SC-01.2": "ok", "SC-02": "ok"}
FORMS = {"prepare_inspection": "inspection_prepare", "enter_result": "inspection_result",
         "review_result": "inspection_review", "recheck": "inspection_recheck",
         "check_order": "inspection_order", "urge_inspection": "inspection_urge",
         "urge_publication": "inspection_urge", "inspect": "inspection_field"}


def target(world: World, entity: MarketEntity, **overrides: Any) -> dict[str, Any]:
    """A target of task 7, drawn for chen and yang of 隆阳区市场监管局, checked on Monday
    2 March 2026, due by Friday 13 March."""
    return {"task_id": 7, "task_number": "保市监抽查〔2026〕3号", "entity_id": entity.id,
            "officer_ids": [world.users["chen"].id, world.users["yang"].id],
            "unit_id": world.units["530502-amr"].id, "items": ITEMS,
            "inspection_date": date(2026, 3, 2), "deadline": date(2026, 3, 13), **overrides}


def start(session: Session, world: World, entity: MarketEntity, **overrides: Any) -> Inspection:
    inspection.start_inspections(session, SETUP, [target(world, entity, **overrides)])
    return session.execute(select(Inspection).where(
        Inspection.entity_id == entity.id).order_by(Inspection.id.desc())).scalars().first()


def steps(session: Session, row: Inspection) -> list[tuple[str, str | None]]:
    """The open steps and who holds each (a user name, or the candidate role)."""
    found = []
    for item in inspection.open_steps(session, row):
        holder = (session.get(User, item.assignee_id).username if item.assignee_id
                  else item.candidate_role)
        found.append((item.task_name, holder))
    return found


def do(session: Session, world: World, row: Inspection, task: str, user: str,
       **values: Any) -> Inspection:
    """Work the open step `task` as `user` with the form's values, validated as the web
    form would."""
    item = next(i for i in inspection.open_steps(session, row) if i.task_name == task)
    data = validate(load_form(FORMS[task]), values)
    return inspection.complete_step(session, world.actor(user), item.id, data)


def field_work(session: Session, world: World, row: Inspection) -> None:
    """Both drawn officers record the checklist and confirm it."""
    inspection.save_field_record(session, world.actor("chen"), row.id, ALL_OK, "现场检查正常")
    inspection.confirm(session, world.actor("chen"), row.id)
    inspection.confirm(session, world.actor("yang"), row.id)


def item_of(session: Session, row: Inspection, task: str) -> WorkItem:
    return next(i for i in inspection.open_steps(session, row) if i.task_name == task)
