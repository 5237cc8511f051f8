"""Fixtures of the dual-notice page tests: Baoshan's departments on Monday 2 March 2026,
and registrations pushed to them. Import the fixtures into a test module to use them."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from engine import audit
from engine.dual_notice.routing import route_entities
from engine.models import DualNotice, MarketEntity, OrgUnit, Role
from engine.org.units import add_user
from tests.factories import (
    MONDAY,
    PASSWORD,
    SETUP,
    Change,
    World,
    make_entity,
    make_notice_world,
    notices_of,
)

IMPORT = audit.Actor("test:import", "test")


@pytest.fixture
def world(sessions) -> World:  # type: ignore[no-untyped-def]
    with time_machine.travel(MONDAY, tick=False), sessions() as session:
        world = make_notice_world(session)
        world.users["audit"] = add_user(session, SETUP, "audit", "audit", PASSWORD, "530500",
                                        [Role.AUDITOR])
        session.commit()
    return world


def push(app_sessions, scope: str = "印章刻制", **overrides: Any  # type: ignore[no-untyped-def]
         ) -> tuple[int, dict[str, int]]:
    """A registration routed as an import would: its id and its notices by department code."""
    with app_sessions() as session:
        entity = make_entity(session, scope, **overrides)
        route_entities(session, IMPORT, [Change(entity)])
        notices = {session.get(OrgUnit, n.department_org_id).code: n.id
                   for n in notices_of(session, entity)}
        session.commit()
        return entity.id, notices


def notice_state(app_sessions, notice_id: int) -> str:  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        return session.get(DualNotice, notice_id).state.value


def entity_named(app_sessions, name: str) -> MarketEntity | None:  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        return session.execute(select(MarketEntity).where(MarketEntity.name == name)).scalar()
