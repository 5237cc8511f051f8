"""A seeded catalogue, a serious-listed and an abnormal-listed entity of 隆阳区, a clean one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine import credit_check
from engine.models import ListType
from tests.engine.credit_check.entries import list_entry
from tests.factories import SETUP, make_entity


@dataclass
class Listed:
    serious: str
    abnormal: str
    clean: str


@pytest.fixture
def listed(app, app_sessions, world) -> Listed:
    with app_sessions() as session:
        credit_check.seed_catalogue(session, SETUP)
        serious, abnormal, clean = (make_entity(session) for _ in range(3))
        list_entry(session, serious, ListType.SERIOUS, number="保市监严入〔2026〕第3号")
        list_entry(session, abnormal, ListType.ABNORMAL, number="保市监异入〔2026〕第7号")
        session.commit()
        return Listed(serious.uscc, abnormal.uscc, clean.uscc)
