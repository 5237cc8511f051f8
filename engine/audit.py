"""Append-only audit events, each carrying the hash of the one before."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import clock
from engine.models import AuditEvent, AuditHead

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts (a user name, or "system:<job>") and from where (cli, web address, scheduler)."""

    name: str
    origin: str = "cli"
    user_id: int | None = None


SYSTEM = Actor("system", "engine")


def _digest(prev_hash: str, at: datetime, actor: str, action: str, object_type: str,
            object_id: str, summary: dict[str, Any], origin: str) -> str:
    body = json.dumps(
        [prev_hash, clock.as_utc(at).isoformat(), actor, action, object_type, object_id,
         summary, origin],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(session: Session, actor: Actor, action: str, object_type: str,
           object_id: object, **summary: Any) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    The head row is read with a write lock, so concurrent transactions append
    one after the other and the chain never forks. Call it last in a command:
    the lock is then held only for the commit. Returns the event as written
    (not attached to the session).
    """
    return record_many(session, actor, [(action, object_type, object_id, summary)])[0]


Event = tuple[str, str, object, dict[str, Any]]  # action, object type, object id, summary


def record_many(session: Session, actor: Actor, events: Sequence[Event]) -> list[AuditEvent]:
    """Append several events of one actor in one go: one head lock, one insert.

    The chain is computed in Python, so a batch of a thousand events costs
    two statements rather than two thousand.
    """
    if not events:
        return []
    prev_hash = _locked_head(session)
    at = clock.now()
    rows = []
    for action, object_type, object_id, summary in events:
        summary = json.loads(json.dumps(summary, ensure_ascii=False, default=str))
        digest = _digest(prev_hash, at, actor.name, action, object_type, str(object_id),
                         summary, actor.origin)
        rows.append(dict(at=at, actor=actor.name, action=action, object_type=object_type,
                         object_id=str(object_id), summary=summary, origin=actor.origin,
                         prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    # Core statements, not the unit of work: this runs on every command.
    session.execute(insert(AuditEvent.__table__), rows)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(
        last_hash=prev_hash, last_event_id=AuditHead.last_event_id + len(rows)))
    return [AuditEvent(**row) for row in rows]


def _locked_head(session: Session) -> str:
    """The hash of the last event, its row locked until the transaction ends."""
    head = select(AuditHead.last_hash).where(AuditHead.id == 1).with_for_update()
    prev_hash = session.execute(head).scalar()
    if prev_hash is None:  # the first event of a database; two may race for it
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(AuditHead).values(
            id=1, last_event_id=0, last_hash=GENESIS).on_conflict_do_nothing())
        prev_hash = session.execute(head).scalar_one()
    return prev_hash


@dataclass(frozen=True)
class ChainBreak:
    """The first row at which the chain does not hold, and why."""

    event_id: int | None
    reason: str


def verify(session: Session, batch: int = 5000) -> ChainBreak | None:
    """Walk the chain in id order; None when every row is intact.

    An edited row fails its own hash; a deleted or inserted row breaks the
    link of the row after it; rows cut from the end no longer match the head.
    """
    prev_hash, after_id = GENESIS, 0
    while True:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for event in rows:
            expected = _digest(event.prev_hash, event.at, event.actor, event.action,
                               event.object_type, event.object_id, event.summary, event.origin)
            if event.hash != expected:
                return ChainBreak(event.id, "the row was edited")
            if event.prev_hash != prev_hash:
                return ChainBreak(event.id, "a row before this one was deleted or inserted")
            prev_hash, after_id = event.hash, event.id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev_hash:
        return ChainBreak(after_id or None, "rows after this one were deleted")
    return None
