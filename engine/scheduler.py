"""The APScheduler that sweeps due timers; each job opens its own transactions."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.timers import sweep, worker_name

log = logging.getLogger(__name__)
SWEEP_JOB_ID = "timers.sweep"


def sweep_job(sessions: sessionmaker[Session]) -> None:
    result = sweep(sessions, worker_name())
    if result.leased:
        log.info("timer sweep: %s", result)


def add_jobs(scheduler: BackgroundScheduler | BlockingScheduler,
             sessions: sessionmaker[Session], settings: Settings) -> None:
    scheduler.add_job(sweep_job, "interval", args=[sessions], id=SWEEP_JOB_ID,
                      replace_existing=True, seconds=settings.sweep_interval_seconds,
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
