"""A world for the credit lists: the notice world plus the city market regulator's
administrator (the level above 隆阳区's), and shortcuts through the cases."""

from __future__ import annotations

import random
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import credit_lists
from engine.models import CreditListEntry, MarketEntity, Role, WorkItem, WorkItemStatus
from engine.org.units import add_user
from engine.registry.uscc import generate
from tests.factories import CST, PASSWORD, SETUP, World, make_entity, make_notice_world

RNG = random.Random(14)


def make_list_world(session: Session) -> World:
    world = make_notice_world(session)
    world.users["gao"] = add_user(session, SETUP, "gao", "gao", PASSWORD, "530500-amr",
                                  [Role.DEPT_ADMIN])
    world.users["he"] = add_user(session, SETUP, "he", "he", PASSWORD, "530500-amr",
                                 [Role.OFFICER])
    session.flush()
    return world


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CST)


def individual(session: Session) -> MarketEntity:
    return make_entity(session, uscc=generate(RNG, "530502", prefix="92"),
                       entity_type="个体工商户")


def proposed(session: Session, world: World, entity: MarketEntity | None = None,
             trigger: date = date(2026, 3, 2), reason: str = "4") -> CreditListEntry:
    return credit_lists.propose_abnormal(
        session, world.actor("chen"), entity or make_entity(session), reason=reason,
        trigger_source="entered", trigger_date=trigger, text="通过登记的住所无法联系")


def listed(session: Session, world: World, entity: MarketEntity | None = None
           ) -> CreditListEntry:
    entry = proposed(session, world, entity)
    return credit_lists.decide_listing(session, world.actor("zhang"), entry.id, "list")


def steps(session: Session, entry: CreditListEntry) -> list[tuple[str, str | None, int | None]]:
    return [(i.task_name, i.candidate_role, i.candidate_org_id)
            for i in credit_lists.open_steps(session, entry)]


def open_item(session: Session, task_name: str) -> WorkItem | None:
    return session.execute(select(WorkItem).where(
        WorkItem.task_name == task_name, WorkItem.status == WorkItemStatus.OPEN)).scalar()


def entry_in(sessions, entry_id: int) -> CreditListEntry:
    session = sessions()
    entry = session.get(CreditListEntry, entry_id)
    assert entry is not None
    return entry
