"""The APScheduler that sweeps due timers and deadlines; each job opens its own transactions."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.db import transaction
from engine.runtime.schedules import start_due
from engine.runtime.timers import sweep, worker_name
from engine.work.notifications import sweep_deadlines

log = logging.getLogger(__name__)
SWEEP_JOB_ID = "timers.sweep"
DEADLINES_JOB_ID = "notifications.deadlines"
# Deadlines move by working days; looking every few minutes is soon enough.
DEADLINES_INTERVAL_SECONDS = 300


def sweep_job(sessions: sessionmaker[Session]) -> None:
    result = sweep(sessions, worker_name())
    if result.leased:
        log.info("timer sweep: %s", result)
    started = start_due(sessions, worker_name())
    if started:
        log.info("timer start events: %d case(s) started", started)


def deadlines_job(sessions: sessionmaker[Session]) -> None:
    """Notify due-soon, overdue and escalated items, once per item and kind."""
    with transaction(sessions) as session:
        result = sweep_deadlines(session)
    if result.due_soon or result.overdue or result.escalated:
        log.info("deadline notifications: %s", result)


def add_jobs(scheduler: BackgroundScheduler | BlockingScheduler,
             sessions: sessionmaker[Session], settings: Settings) -> None:
    scheduler.add_job(sweep_job, "interval", args=[sessions], id=SWEEP_JOB_ID,
                      replace_existing=True, seconds=settings.sweep_interval_seconds,
                      max_instances=1, coalesce=True)
    scheduler.add_job(deadlines_job, "interval", args=[sessions], id=DEADLINES_JOB_ID,
                      replace_existing=True, seconds=DEADLINES_INTERVAL_SECONDS,
                      max_instances=1, coalesce=True)


def background_scheduler(sessions: sessionmaker[Session], settings: Settings
                         ) -> BackgroundScheduler:
    """A started scheduler running beside a web server."""
    scheduler = BackgroundScheduler(timezone=settings.timezone)
    add_jobs(scheduler, sessions, settings)
    scheduler.start()
    return scheduler


def run_forever(sessions: sessionmaker[Session], settings: Settings) -> None:
    """A scheduler process of its own (`creditflow scheduler`)."""
    scheduler = BlockingScheduler(timezone=settings.timezone)
    add_jobs(scheduler, sessions, settings)
    scheduler.start()
