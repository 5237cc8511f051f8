"""The APScheduler that sweeps due timers, deadlines and the outbox, in a process of its own.

`creditflow serve` starts it as a supervised child (`SchedulerProcess`), never inside the
web server: a sweep that holds the interpreter cannot stall requests, and the web server
answers signals while it runs. Each job opens its own transactions.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.config import PROJECT_DIR, Settings, as_environment
from engine.db import transaction
from engine.org.rate import forget_before
from engine.practice import practice_sessions
from engine.runtime.schedules import start_due
from engine.runtime.timers import sweep, worker_name
from engine.work.delivery.outbox import deliver_due
from engine.work.notifications import sweep_deadlines

log = logging.getLogger(__name__)
SWEEP_JOB_ID = "timers.sweep"
DEADLINES_JOB_ID = "notifications.deadlines"
DELIVERY_JOB_ID = "notifications.deliver"
RATE_JOB_ID = "portal.rate_counts"
PRACTICE_SWEEP_JOB_ID = "practice.timers.sweep"
PRACTICE_DEADLINES_JOB_ID = "practice.notifications.deadlines"
RATE_INTERVAL_SECONDS = 3600  # the portal's per-address counts of past windows go hourly
# Deadlines move by working days; looking every few minutes is soon enough.
DEADLINES_INTERVAL_SECONDS = 300
# One thread per job, so that a mail server that is slow to answer delays no timer.
JOB_THREADS = 4
PARENT_CHECK_SECONDS = 1.0
WATCH_SECONDS = 0.5  # how often the server looks whether its scheduler still runs
RESTART_SECONDS = (1.0, 60.0)  # the first delay before a restart, and the longest
STOP_SECONDS = 15.0  # for a sweep under way to finish, before the scheduler is killed


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


def delivery_job(sessions: sessionmaker[Session]) -> None:
    """Send the queued e-mails and robot posts that are due."""
    result = deliver_due(sessions, worker_name())
    if result.leased:
        log.info("notification delivery: %s", result)


def rate_job(sessions: sessionmaker[Session]) -> None:
    """Forget the portal's request counts of windows that ended over an hour ago."""
    with transaction(sessions) as session:
        forget_before(session, clock.now() - timedelta(seconds=RATE_INTERVAL_SECONDS))


def practice_sweep_job(settings: Settings) -> None:
    """The practice copy's timers and timer starts, as on the real database (its
    deadlines: `practice_deadlines_job`). Its outbox is never delivered: practice sends
    nothing."""
    with practice_sessions(settings) as sessions:
        if sessions is not None:
            sweep_job(sessions)


def practice_deadlines_job(settings: Settings) -> None:
    with practice_sessions(settings) as sessions:
        if sessions is not None:
            deadlines_job(sessions)


def add_jobs(scheduler: BaseScheduler, sessions: sessionmaker[Session],
             settings: Settings) -> None:
    scheduler.add_job(sweep_job, "interval", args=[sessions], id=SWEEP_JOB_ID,
                      replace_existing=True, seconds=settings.sweep_interval_seconds,
                      max_instances=1, coalesce=True)
    scheduler.add_job(deadlines_job, "interval", args=[sessions], id=DEADLINES_JOB_ID,
                      replace_existing=True, seconds=DEADLINES_INTERVAL_SECONDS,
                      max_instances=1, coalesce=True)
    scheduler.add_job(delivery_job, "interval", args=[sessions], id=DELIVERY_JOB_ID,
                      replace_existing=True, seconds=settings.sweep_interval_seconds,
                      max_instances=1, coalesce=True)
    scheduler.add_job(rate_job, "interval", args=[sessions], id=RATE_JOB_ID,
                      replace_existing=True, seconds=RATE_INTERVAL_SECONDS,
                      max_instances=1, coalesce=True)
    scheduler.add_job(practice_sweep_job, "interval", args=[settings],
                      id=PRACTICE_SWEEP_JOB_ID, replace_existing=True,
                      seconds=settings.sweep_interval_seconds, max_instances=1, coalesce=True)
    scheduler.add_job(practice_deadlines_job, "interval", args=[settings],
                      id=PRACTICE_DEADLINES_JOB_ID, replace_existing=True,
                      seconds=DEADLINES_INTERVAL_SECONDS, max_instances=1, coalesce=True)


def run_forever(sessions: sessionmaker[Session], settings: Settings,
                parent_pid: int | None = None) -> None:
    """A scheduler process of its own (`creditflow scheduler`); with `parent_pid`, it ends
    when that process is gone, and on SIGTERM."""
    # One thread per job: each thread that runs diagram code keeps a sandbox worker.
    scheduler = BlockingScheduler(timezone=settings.timezone,
                                  executors={"default": ThreadPoolExecutor(JOB_THREADS)})
    add_jobs(scheduler, sessions, settings)
    if parent_pid is not None:
        signal.signal(signal.SIGTERM, _terminated)
        threading.Thread(target=_follow_parent, args=(scheduler, parent_pid), daemon=True,
                         name="parent-watch").start()
    log.info("scheduler process %s started (parent %s)", os.getpid(), parent_pid)
    try:
        scheduler.start()
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        log.info("scheduler process %s stopped", os.getpid())


def _terminated(_signal: int, _frame: object) -> None:
    raise SystemExit(0)


def _follow_parent(scheduler: BlockingScheduler, parent_pid: int) -> None:
    gone = threading.Event()
    while not gone.wait(PARENT_CHECK_SECONDS):
        if os.getppid() != parent_pid:  # orphans are adopted by another process
            log.warning("scheduler: parent %s is gone; stopping", parent_pid)
            scheduler.shutdown(wait=False)
            return


class SchedulerProcess:
    """`creditflow scheduler --parent-pid` as a child: restarted when it dies, stopped with
    its parent. The child is started with the parent's settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.spawned = threading.Condition(self.lock)  # notified at each (re)start
        self.thread = threading.Thread(target=self._supervise, daemon=True,
                                       name="scheduler-supervisor")

    def start(self) -> SchedulerProcess:
        self.thread.start()
        return self

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        command = [sys.executable, "-c", "from engine.cli import main; main()", "scheduler",
                   "--parent-pid", str(os.getpid())]
        with self.lock:
            if self.stopping.is_set():
                return None
            # posix_spawn (no cwd, fds left as they are; Python opens them non-inheritable):
            # a fork would leave its error pipe open in any gunicorn worker forked meanwhile,
            # and Popen would wait on that pipe until the worker ends.
            path = os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))
            self.process = subprocess.Popen(command, close_fds=False, env={
                **os.environ, **as_environment(self.settings), "PYTHONPATH": path})
            self.spawned.notify_all()
            return self.process

    def _supervise(self) -> None:
        delay = RESTART_SECONDS[0]
        while (process := self._spawn()) is not None:
            # Polled, not waited on: gunicorn's master reaps every child that ends.
            while (status := process.poll()) is None and not self.stopping.wait(WATCH_SECONDS):
                pass
            if self.stopping.is_set():
                return
            log.warning("scheduler process %s ended (status %s); restarting in %gs",
                        process.pid, status, delay)
            self.stopping.wait(delay)
            delay = min(delay * 2, RESTART_SECONDS[1])

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL past STOP_SECONDS) and do not restart it."""
        with self.lock:
            self.stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.thread.is_alive():
            self.thread.join(STOP_SECONDS)
