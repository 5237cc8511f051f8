"""Firing due timers in leased batches; safe with several sweepers on one database."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, clock
from engine.db import settings_of, transaction
from engine.errors import Conflict, EngineError, NotFound
from engine.models import InstanceStatus, ProcessInstance, Timer
from engine.runtime import fire_due_timers, incidents

log = logging.getLogger(__name__)
LIVE = (InstanceStatus.RUNNING, InstanceStatus.WAITING)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class SweepResult:
    leased: int = 0
    fired: int = 0
    retried: int = 0
    incidents: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)


def lease_due(session: Session, worker: str, limit: int, lease_seconds: int) -> list[int]:
    """Lease up to `limit` due timers of live instances for this worker.

    On PostgreSQL the candidate rows are locked with SKIP LOCKED, so two
    sweepers take disjoint batches; the conditional update is the guard on
    every backend (SQLite serialises writers anyway).
    """
    now = clock.now()
    free = or_(Timer.locked_until.is_(None), Timer.locked_until < now)
    ids = session.execute(
        select(Timer.id).join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .where(Timer.due_at <= now, free, ProcessInstance.status.in_(LIVE))
        .order_by(Timer.due_at).limit(limit)
        .with_for_update(of=Timer, skip_locked=True)
    ).scalars().all()
    if not ids:
        return []
    session.execute(
        update(Timer).where(Timer.id.in_(ids), free)
        .values(locked_by=worker, locked_until=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return list(session.execute(
        select(Timer.id).where(Timer.id.in_(ids), Timer.locked_by == worker)
    ).scalars())


def sweep(sessions: sessionmaker[Session], worker: str | None = None,
          limit: int | None = None) -> SweepResult:
    """One sweep: lease a batch, fire each timer in its own transaction, release."""
    worker = worker or worker_name()
    with transaction(sessions) as session:
        settings = settings_of(session)
        ids = lease_due(session, worker, limit or settings.sweep_batch_size,
                        settings.timer_lease_seconds)
    result = SweepResult(leased=len(ids))
    for timer_id in ids:
        fire_one(sessions, worker, timer_id, result)
    return result


def fire_one(sessions: sessionmaker[Session], worker: str, timer_id: int,
             result: SweepResult) -> None:
    actor = audit.Actor(f"system:timers:{worker}", "scheduler")
    try:
        with transaction(sessions) as session:
            timer = session.get(Timer, timer_id)
            if timer is None or timer.locked_by != worker:
                return  # fired with its instance already, or the lease was lost
            fire_due_timers(session, actor, timer.instance_id)
            _release(session, timer_id, worker)
        result.fired += 1
    except Conflict:
        result.conflicts += 1
        with transaction(sessions) as session:
            _release(session, timer_id, worker)
    except (EngineError, Exception) as exc:  # one bad case must not stop the sweep
        if isinstance(exc, NotFound):
            return
        log.warning("timer %s failed: %s", timer_id, exc)
        result.errors.append(f"timer {timer_id}: {exc}")
        permanent = isinstance(exc, EngineError) and exc.details.get("permanent") is True
        with transaction(sessions) as session:
            element = exc.details.get("element") if isinstance(exc, EngineError) else None
            if _record_failure(session, timer_id, str(exc), permanent=permanent,
                               element=element if isinstance(element, str) else None):
                result.incidents += 1
            else:
                result.retried += 1


def _release(session: Session, timer_id: int, worker: str) -> None:
    session.execute(
        update(Timer).where(and_(Timer.id == timer_id, Timer.locked_by == worker))
        .values(locked_by=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )


def _record_failure(session: Session, timer_id: int, message: str, *,
                    permanent: bool = False, element: str | None = None) -> bool:
    """Count a failed attempt and back off; past the limit raise an incident. True if so.

    A permanent failure (a limit the case ran into) fails alike every time: it becomes
    an incident at once. Others (a locked database, a lost connection) are retried.
    """
    settings = settings_of(session)
    timer = session.get(Timer, timer_id)
    if timer is None:
        return False
    timer.attempts += 1
    timer.last_error = message[:4000]
    delay = settings.timer_backoff_seconds * 2 ** (timer.attempts - 1)
    timer.locked_by, timer.locked_until = None, clock.now() + timedelta(seconds=delay)
    if timer.attempts < settings.timer_max_attempts and not permanent:
        return False
    incidents.raise_incident(session, timer.instance_id, "timer", message, task_id=timer.task_id,
                             element=element or timer.element)
    return True
