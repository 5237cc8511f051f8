"""Append-only audit events, each carrying the HMAC of its content and of the one before."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from engine import clock
from engine.audit.checkpoints import chain_key, checkpoint_file, sign, write_checkpoint
from engine.db import settings_of
from engine.models import AuditEvent, AuditHead

log = logging.getLogger(__name__)
GENESIS = "0" * 64
# session.info: the head this transaction wrote, to checkpoint once it is committed.
PENDING = "audit.pending_checkpoint"
SAVEPOINTS = "audit.pending_at_savepoints"  # what PENDING was when each savepoint began


@dataclass(frozen=True)
class Actor:
    """Who acts (a user name, or "system:<job>") and from where (cli, web address, scheduler)."""

    name: str
    origin: str = "cli"
    user_id: int | None = None


SYSTEM = Actor("system", "engine")


def _content(prev_hash: str, at: datetime, actor: str, action: str, object_type: str,
             object_id: str, summary: dict[str, Any], origin: str) -> list[Any]:
    return [prev_hash, clock.as_utc(at).isoformat(), actor, action, object_type, object_id,
            summary, origin]


def keyed_digest(key: bytes, *content: Any) -> str:
    """The hash of an event: HMAC-SHA256 under the chain's key, which the database never holds."""
    return sign(key, *_content(*content))


def legacy_digest(*content: Any) -> str:
    """The plain SHA-256 of events written before the chain was keyed."""
    body = json.dumps(_content(*content), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(session: Session, actor: Actor, action: str, object_type: str,
           object_id: object, **summary: Any) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    The head row is read with a write lock, so concurrent transactions append
    one after the other and the chain never forks. Call it last in a command:
    the lock is then held only for the commit. Returns the event as written
    (not attached to the session).
    """
    return AuditEvent(**_append(session, actor, [(action, object_type, object_id, summary)])[0])


Event = tuple[str, str, object, dict[str, Any]]  # action, object type, object id, summary


def record_many(session: Session, actor: Actor, events: Sequence[Event]) -> None:
    """Append several events of one actor in one go: one head lock, one insert.

    The chain is computed in Python, so a batch of a thousand events costs
    two statements rather than two thousand. The hashes are HMACs under the key
    from the var folder or the environment; the checkpoint of the new head is
    written once the caller commits.
    """
    _append(session, actor, events)


def _append(session: Session, actor: Actor, events: Sequence[Event]) -> list[dict[str, Any]]:
    """The rows appended (as record_many says)."""
    if not events:
        return []
    settings = settings_of(session)
    key = chain_key(settings)
    assert key is not None
    count, prev_hash = _locked_head(session)
    if not checkpoint_file(settings).exists():
        # The opening checkpoint: events before it may be legacy, none after it.
        write_checkpoint(settings, count, prev_hash)
    at = clock.now()
    rows = []
    for action, object_type, object_id, summary in events:
        if not _plain(summary):  # as JSON will store it (dates as text, tuples as lists)
            summary = json.loads(json.dumps(summary, ensure_ascii=False, default=str))
        digest = keyed_digest(key, prev_hash, at, actor.name, action, object_type,
                              str(object_id), summary, actor.origin)
        rows.append(dict(at=at, actor=actor.name, action=action, object_type=object_type,
                         object_id=str(object_id), summary=summary, origin=actor.origin,
                         prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    # Core statements, not the unit of work: this runs on every command.
    session.execute(insert(AuditEvent.__table__), rows)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(
        last_hash=prev_hash, last_event_id=AuditHead.last_event_id + len(rows)))
    _checkpoint_after_commit(session, count, count + len(rows), prev_hash)
    return rows


_PLAIN = (str, int, bool, type(None))  # exact types: JSON gives them back as they are


def _plain(summary: dict[str, Any]) -> bool:
    return all(type(k) is str and type(v) in _PLAIN for k, v in summary.items())


def _locked_head(session: Session) -> tuple[int, str]:
    """How many events the chain holds and the hash of the last, the head row locked
    until the transaction ends."""
    head = select(AuditHead.last_event_id, AuditHead.last_hash).where(
        AuditHead.id == 1).with_for_update()
    row = session.execute(head).one_or_none()
    if row is None:  # the first event of a database; two may race for it
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(AuditHead).values(
            id=1, last_event_id=0, last_hash=GENESIS).on_conflict_do_nothing())
        row = session.execute(head).one()
    return row.last_event_id, row.last_hash


def committed_head(session: Session) -> tuple[int, str]:
    """How many events the chain holds and the hash of the last, as the head row says."""
    head = session.get(AuditHead, 1)
    return (head.last_event_id, head.last_hash) if head else (0, GENESIS)


def _checkpoint_after_commit(session: Session, before: int, count: int, head: str) -> None:
    """Checkpoint this head once the transaction commits, if it passes a multiple of
    `audit_checkpoint_every`. Never before: a checkpoint of a head that is then rolled
    back would accuse an intact chain."""
    pending = session.info.get(PENDING)
    session.info[PENDING] = (pending[0] if pending else before, count, head)


# Listeners on the class, not on each session: one listen per request would cost
# more than the checkpoint itself; sessions that wrote no event return at once.
@event.listens_for(Session, "after_commit")
def _write_pending_checkpoint(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the transaction around it may still roll back
    session.info.pop(SAVEPOINTS, None)
    pending = session.info.pop(PENDING, None)
    if pending is None:
        return
    before, count, head = pending
    settings = settings_of(session)
    every = max(settings.audit_checkpoint_every, 1)
    if before // every == count // every:
        return
    try:
        write_checkpoint(settings, count, head)
    except OSError:  # the command is committed; the next checkpoint covers this one
        log.exception("audit checkpoint of %d events not written", count)


@event.listens_for(Session, "after_transaction_create")
def _remember_at_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        session.info.setdefault(SAVEPOINTS, {})[transaction] = session.info.get(PENDING)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending_checkpoint(session: Session, previous: SessionTransaction) -> None:
    # A savepoint rolled back leaves the head as it was when the savepoint began; any
    # other rollback leaves nothing to checkpoint.
    at_savepoint = session.info.get(SAVEPOINTS, {}).pop(previous, None)
    if previous.nested and at_savepoint is not None:
        session.info[PENDING] = at_savepoint
    else:
        session.info.pop(PENDING, None)
    if not previous.nested:
        session.info.pop(SAVEPOINTS, None)
