"""The audit chain: intact after normal work, and each of nine tamperings found."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from engine import audit
from engine.audit.chain import keyed_digest, legacy_digest
from engine.audit.checkpoints import checkpoint_file, key_file
from engine.models import AuditEvent, AuditHead
from tests.factories import SETUP

# Tampering goes through the table, as an intruder's SQL would, not through the session.
EVENTS = AuditEvent.__table__


def record_five(session):
    for i in range(5):
        audit.record(session, SETUP, "thing.do", "thing", i, before={"n": i}, after={"n": i + 1})
        session.commit()
    return session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()


@pytest.fixture
def chain(session):
    return record_five(session)


def broken(session):
    found = audit.verify(session).broken
    assert found is not None, "the tampering went unnoticed"
    return found


def content(event, prev_hash):
    return (prev_hash, event.at, event.actor, event.action, event.object_type, event.object_id,
            event.summary, event.origin)


def rehash(session, events, digest):
    """What a database user without the key can do: recompute every hash from the first
    event given, and the head row after them."""
    prev_hash = events[0].prev_hash
    for event in events:
        new = digest(*content(event, prev_hash))
        session.execute(update(EVENTS).where(EVENTS.c.id == event.id)
                        .values(prev_hash=prev_hash, hash=new))
        prev_hash = new
    session.execute(update(AuditHead).values(last_hash=prev_hash))


def test_an_untouched_chain_verifies(session, chain, settings):
    report = audit.verify(session)
    assert report.intact and report.events == 5 and report.legacy == 0
    assert chain[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))
    assert key_file(settings).stat().st_mode & 0o777 == 0o600


# 1
def test_an_edited_payload_is_found(session, chain):
    session.execute(update(EVENTS).where(EVENTS.c.id == chain[2].id)
                    .values(summary={"before": {"n": 99}}))
    found = broken(session)
    assert found.event_id == chain[2].id
    assert found.reason == f"event {chain[2].id} was edited or forged: its hash does not " \
                           "match its content"


# 2
@pytest.mark.parametrize("digest", [
    legacy_digest, lambda *c: keyed_digest(b"a guessed key", *c)], ids=["sha256", "guessed_key"])
def test_an_edit_with_every_later_hash_recomputed_is_found(session, chain, digest):
    session.execute(update(EVENTS).where(EVENTS.c.id == chain[1].id).values(actor="bob"))
    rehash(session, session.execute(select(EVENTS).where(EVENTS.c.id >= chain[1].id)
                                    .order_by(EVENTS.c.id)).all(), digest)
    found = broken(session)
    assert found.event_id == chain[1].id and "edited or forged" in found.reason


# 3
def test_a_deleted_middle_row_is_found_at_the_row_after_it(session, chain):
    session.execute(delete(EVENTS).where(EVENTS.c.id == chain[2].id))
    found = broken(session)
    assert found.event_id == chain[3].id
    assert found.reason == (f"event {chain[3].id} does not follow the event before it (event "
                            f"{chain[1].id}): events were deleted, inserted or moved")


# 4
def test_an_inserted_row_is_found(session, chain):
    for event in reversed(chain[3:]):
        session.execute(update(EVENTS).where(EVENTS.c.id == event.id)
                        .values(id=event.id + 100))
    fake = AuditEvent(id=chain[3].id, at=chain[2].at, actor="x", action="thing.do",
                      object_type="thing", object_id="9", summary={}, origin="sql")
    session.execute(insert(EVENTS).values(
        id=fake.id, at=fake.at, actor=fake.actor, action=fake.action, object_type="thing",
        object_id="9", summary={}, origin="sql", prev_hash=chain[2].hash,
        hash=legacy_digest(*content(fake, chain[2].hash))))
    found = broken(session)
    assert found.event_id == chain[3].id and "edited or forged" in found.reason


# 5
def test_reordered_rows_are_found(session, chain):
    first, second = chain[1].id, chain[2].id
    for old, new in [(first, 10_000), (second, first), (10_000, second)]:
        session.execute(update(EVENTS).where(EVENTS.c.id == old).values(id=new))
    found = broken(session)
    assert found.event_id == first and "does not follow the event before it" in found.reason


# 6
def test_a_truncated_tail_is_found(session, chain):
    session.execute(delete(EVENTS).where(EVENTS.c.id > chain[2].id))
    found = broken(session)
    assert found.event_id == chain[2].id
    assert "the table holds 3 events but the checkpoint of" in found.reason
    assert f"counted 5: events after event {chain[2].id} were deleted" in found.reason


# 7
def test_a_truncated_tail_with_the_head_rewritten_is_found(session, chain):
    session.execute(delete(EVENTS).where(EVENTS.c.id > chain[2].id))
    session.execute(update(AuditHead).values(last_hash=chain[2].hash, last_event_id=3))
    found = broken(session)
    assert found.event_id == chain[2].id
    assert "the table holds 3 events but the checkpoint of" in found.reason


# 8
def test_a_truncated_tail_with_the_head_deleted_is_found(session, chain):
    session.execute(delete(EVENTS).where(EVENTS.c.id > chain[2].id))
    session.execute(delete(AuditHead))
    found = broken(session)
    assert found.event_id == chain[2].id and "counted 5" in found.reason


# 9
@pytest.mark.parametrize("head", ["head_deleted", "head_kept"])
def test_an_emptied_table_is_found(session, chain, head):
    session.execute(delete(EVENTS))
    if head == "head_deleted":
        session.execute(delete(AuditHead))
    found = broken(session)
    assert found.event_id is None
    assert "the table holds 0 events but the checkpoint of" in found.reason
    assert "counted 5: events after the start were deleted" in found.reason


def test_a_head_row_deleted_alone_is_found(session, chain):
    session.execute(delete(AuditHead))
    found = broken(session)
    assert found.event_id == chain[-1].id and "head row (audit_head) was deleted" in found.reason


def test_an_edited_checkpoint_line_is_found(session, chain, settings):
    path = checkpoint_file(settings)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"count":2', '"count":9')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = broken(session)
    assert found.reason == (f"line 3 of the checkpoint file {path} was altered: its signature "
                            "does not match")


def test_a_removed_checkpoint_file_is_found(session, chain, settings):
    checkpoint_file(settings).unlink()
    assert broken(session).reason == f"the checkpoint file {checkpoint_file(settings)} is missing"


def test_a_checkpoint_file_made_anew_after_keyed_events_is_found(session, chain, settings):
    checkpoint_file(settings).unlink()
    audit.record(session, SETUP, "thing.do", "thing", 6)
    session.commit()
    found = broken(session)
    assert found.event_id == chain[0].id
    assert "the checkpoint file begins at event number 5, after keyed event" in found.reason


def test_an_emptied_checkpoint_file_is_found(session, chain, settings):
    checkpoint_file(settings).write_text("", encoding="utf-8")
    assert "was emptied" in broken(session).reason


def test_a_lost_key_is_reported_not_replaced(session, chain, settings):
    key_file(settings).unlink()
    assert broken(session).reason.startswith("the audit key is missing: set "
                                             "CREDITFLOW_AUDIT_KEY or restore")
    assert not key_file(settings).exists()
