"""Verifying the chain: every event's HMAC, every link, the head row and the checkpoints.

What each check finds:

- an edited, forged or inserted row fails its own HMAC (without the key nobody can
  recompute it, so "edit and rehash the rest" fails at the edited row);
- a deleted or moved row breaks the link of the row after it;
- rows cut from the end no longer match the head row, or, if the head row was
  rewritten or deleted too, the latest checkpoint, which counted more events;
- an emptied table is found by the checkpoints as well;
- an edited checkpoint line fails its signature; a removed checkpoint file is
  missed as soon as a keyed event exists, and a file made anew after keyed events
  begins too late.

Events written before the chain was keyed (plain SHA-256) are accepted as legacy
only before the opening checkpoint, the first line of the checkpoint file, which
was written when the first keyed event was appended; the first keyed event's HMAC
covers the hash of the last legacy one, so the legacy events cannot change either.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from engine.audit.chain import GENESIS, keyed_digest, legacy_digest
from engine.audit.checkpoints import (
    Checkpoint,
    CheckpointAltered,
    chain_key,
    checkpoint_file,
    describe,
    key_file,
    read_checkpoints,
)
from engine.config import Settings
from engine.db import settings_of
from engine.models import AuditEvent, AuditHead

EVENTS = AuditEvent.__table__


@dataclass(frozen=True)
class ChainBreak:
    """The first place at which the chain does not hold (an event id, if any), and why."""

    event_id: int | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    """What `verify` found: how many events, how many of them legacy, and the break if any."""

    events: int
    legacy: int
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


class Broken(Exception):
    """Raised by the walk at the first fault; verify turns it into the report's break."""

    def __init__(self, event_id: int | None, reason: str) -> None:
        super().__init__(reason)
        self.found = ChainBreak(event_id, reason)


@dataclass(frozen=True)
class Anchors:
    """The checkpoints that matter: the opening one (where legacy events end) and the latest."""

    opening: Checkpoint
    latest: Checkpoint


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order against its key, head row and checkpoints."""
    walk = _Walk(session, settings_of(session))
    try:
        walk.run(batch)
    except Broken as exc:
        return ChainReport(walk.count, walk.legacy, exc.found)
    return ChainReport(walk.count, walk.legacy, None)


def _anchors(settings: Settings, key: bytes | None) -> Anchors | None:
    path = checkpoint_file(settings)
    if not path.exists():
        return None
    if key is None:
        raise Broken(None, _missing_key(settings))
    opening = latest = None
    try:
        for checkpoint in read_checkpoints(settings, key):
            opening = opening or checkpoint
            if latest is None or checkpoint.count >= latest.count:
                latest = checkpoint
    except CheckpointAltered as exc:
        raise Broken(None, f"line {exc.line} of the checkpoint file {path} was altered: "
                           "its signature does not match") from None
    if opening is None or latest is None:
        raise Broken(None, f"the checkpoint file {path} was emptied")
    return Anchors(opening, latest)


def _missing_key(settings: Settings) -> str:
    return (f"the audit key is missing: set CREDITFLOW_AUDIT_KEY or restore "
            f"{key_file(settings)}")


class _Walk:
    """One pass over the events; raises Broken at the first fault."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session, self.settings = session, settings
        self.key = chain_key(settings, create=False)
        self.count = self.legacy = 0
        self.last_id: int | None = None
        self.prev_hash = GENESIS
        self.anchors: Anchors | None = None

    def run(self, batch: int) -> None:
        self.anchors = _anchors(self.settings, self.key)
        after_id = 0
        while True:
            # Rows, not objects: what the database holds now, whatever the session
            # has loaded before.
            rows = self.session.execute(
                select(EVENTS).where(EVENTS.c.id > after_id).order_by(EVENTS.c.id)
                .limit(batch)).all()
            if not rows:
                break
            for event in rows:
                self.check(event)
            after_id = rows[-1].id
        self.check_end()
        self.check_head()

    def check(self, event: Row[Any]) -> None:
        self.count += 1
        content = (event.prev_hash, event.at, event.actor, event.action, event.object_type,
                   event.object_id, event.summary, event.origin)
        keyed = self.key is not None and hmac.compare_digest(
            event.hash, keyed_digest(self.key, *content))
        if keyed:
            self.check_keyed(event)
        elif self.legacy_allowed() and event.hash == legacy_digest(*content):
            self.legacy += 1
        elif self.key is None:
            raise Broken(None, _missing_key(self.settings))
        else:
            raise Broken(event.id, f"event {event.id} was edited or forged: its hash does "
                                   "not match its content")
        if event.prev_hash != self.prev_hash:
            raise Broken(event.id, f"event {event.id} does not follow the event before it "
                                   f"({self.describe_last()}): events were deleted, "
                                   "inserted or moved")
        self.prev_hash, self.last_id = event.hash, event.id
        latest = self.anchors.latest if self.anchors else None
        if latest and self.count == latest.count and event.hash != latest.head:
            raise Broken(event.id, f"event {event.id} is not the one {describe(latest)} "
                                   f"counted as event number {latest.count}: the chain "
                                   "was rewritten")

    def legacy_allowed(self) -> bool:
        """Legacy events only before the first keyed one and the opening checkpoint."""
        if self.count != self.legacy + 1:
            return False
        return self.anchors is None or self.count <= self.anchors.opening.count

    def check_keyed(self, event: Row[Any]) -> None:
        if self.anchors is None:
            raise Broken(None, f"the checkpoint file {checkpoint_file(self.settings)} is "
                               "missing")
        if self.count <= self.anchors.opening.count:
            raise Broken(event.id, f"the checkpoint file begins at event number "
                                   f"{self.anchors.opening.count}, after keyed event "
                                   f"{event.id}: its earlier checkpoints were removed")

    def check_end(self) -> None:
        latest = self.anchors.latest if self.anchors else None
        if latest and self.count < latest.count:
            raise Broken(self.last_id, f"the table holds {self.count} events but "
                                       f"{describe(latest)} counted {latest.count}: events "
                                       f"after {self.describe_last()} were deleted")

    def check_head(self) -> None:
        head = self.session.execute(
            select(AuditHead.last_event_id, AuditHead.last_hash).where(AuditHead.id == 1)
        ).one_or_none()
        if head is None:
            if self.count:
                raise Broken(self.last_id, "the head row (audit_head) was deleted")
            return
        if head.last_event_id != self.count:
            raise Broken(self.last_id, f"the head row counts {head.last_event_id} events and "
                                       f"the table holds {self.count}: events after "
                                       f"{self.describe_last()} were deleted, or the head "
                                       "row was edited")
        if head.last_hash != self.prev_hash:
            raise Broken(self.last_id, f"the head row names another last event than "
                                       f"{self.describe_last()}: events after it were "
                                       "deleted, or the head row was edited")

    def describe_last(self) -> str:
        return f"event {self.last_id}" if self.last_id is not None else "the start"
