"""The scheduler fires the practice copy's timers and deadlines as it does the real
database's, and still sends nothing from it and touches nothing of the real database."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import Engine, MetaData, func, select

from engine.config import Settings
from engine.models import AuditEvent, Notification, NotificationDelivery, Timer
from engine.practice import practice_sessions, reset_practice
from engine.scheduler import practice_deadlines_job, practice_sweep_job
from tests.factories import MONDAY, SETUP
from tests.webapp.conftest import database_url

pytestmark = pytest.mark.both_backends


@pytest.fixture
def settings(tmp_path: Path, db_engine: Engine) -> Settings:
    """The test's settings with a URL that names its schema (the copy goes beside it)."""
    return Settings(var_dir=tmp_path / "var", database_url=database_url(db_engine))


def counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in tables.tables.items()}


def test_without_a_practice_copy_the_practice_jobs_do_nothing(settings):
    practice_sweep_job(settings)
    practice_deadlines_job(settings)
    with practice_sessions(settings) as sessions:
        assert sessions is None


def test_the_practice_copys_timers_fire_and_it_sends_nothing(world, settings, db_engine,
                                                             sessions):
    with sessions() as session:  # every unit has a group robot: practice must not post
        session.execute(world.units["530502-amr"].__table__.update().values(
            webhook_url="http://127.0.0.1:9/robot"))
        session.commit()
    with time_machine.travel(MONDAY, tick=False):
        reset_practice(settings, SETUP)
    real = counts(db_engine)
    fired_before, soonest = fired_and_soonest(settings)
    assert soonest is not None  # the generated cases wait on timers
    with time_machine.travel(soonest + timedelta(days=60), tick=False):
        practice_sweep_job(settings)
        practice_deadlines_job(settings)
    fired_after, _soonest = fired_and_soonest(settings)
    assert fired_after > fired_before
    with practice_sessions(settings) as practice:
        assert practice is not None
        with practice() as session:
            notified = session.execute(select(func.count(Notification.id))).scalar_one()
            statuses = set(session.execute(select(NotificationDelivery.status)).scalars())
    assert notified  # the deadlines were swept there too
    assert statuses <= {"pending"}  # queued for the robot perhaps, never delivered
    assert counts(db_engine) == real  # not one row of the real database


def fired_and_soonest(settings) -> tuple[int, datetime | None]:  # type: ignore[no-untyped-def]
    with practice_sessions(settings) as practice:
        assert practice is not None
        with practice() as session:
            return (session.execute(select(func.count(AuditEvent.id)).where(
                        AuditEvent.action == "timer.fire")).scalar_one(),
                    session.execute(select(func.min(Timer.due_at))).scalar_one())
