"""The chain's key and checkpoints: where they live, when they are written, where they go,
and the events written before the chain was keyed."""

from __future__ import annotations

import json
import socket
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, insert, update

from engine import audit, clock
from engine.audit.chain import legacy_digest
from engine.audit.checkpoints import checkpoint_file, key_file
from engine.cli import main
from engine.config import generated_secret, load_settings
from engine.db import session_factory
from engine.models import AuditEvent, AuditHead
from tests.factories import SETUP

EVENTS = AuditEvent.__table__


def checkpoints(settings):
    lines = checkpoint_file(settings).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def write_legacy_chain(session, count):
    """Events as the platform wrote them before the chain was keyed: plain SHA-256."""
    prev_hash, at = audit.GENESIS, clock.now()
    for i in range(count):
        row = dict(at=at, actor="setup", action="thing.do", object_type="thing",
                   object_id=str(i), summary={"n": i}, origin="cli", prev_hash=prev_hash)
        row["hash"] = legacy_digest(prev_hash, at, "setup", "thing.do", "thing", str(i),
                                    {"n": i}, "cli")
        session.execute(insert(EVENTS).values(**row))
        prev_hash = row["hash"]
    session.execute(insert(AuditHead).values(id=1, last_event_id=count, last_hash=prev_hash))
    session.commit()


def record(session, count=1):
    for i in range(count):
        audit.record(session, SETUP, "thing.do", "thing", i)
        session.commit()


def test_a_legacy_chain_verifies_as_legacy_and_is_keyed_from_its_next_event(session, settings):
    write_legacy_chain(session, 3)
    report = audit.verify(session)
    assert report.intact and report.legacy == 3 and report.events == 3
    assert not key_file(settings).exists(), "verifying makes no key"
    record(session, 2)
    assert [c["count"] for c in checkpoints(settings)] == [3, 4, 5]
    report = audit.verify(session)
    assert report.intact and (report.events, report.legacy) == (5, 3)


def test_a_legacy_event_rewritten_after_keying_breaks_the_first_keyed_link(session, settings):
    write_legacy_chain(session, 3)
    record(session, 2)
    rows = session.execute(EVENTS.select().order_by(EVENTS.c.id)).all()
    new = legacy_digest(rows[1].prev_hash, rows[1].at, "setup", "thing.do", "thing", "1",
                        {"n": 99}, "cli")
    session.execute(update(EVENTS).where(EVENTS.c.id == rows[1].id)
                    .values(summary={"n": 99}, hash=new))
    session.execute(update(EVENTS).where(EVENTS.c.id == rows[2].id).values(
        prev_hash=new, hash=legacy_digest(new, rows[2].at, "setup", "thing.do", "thing", "2",
                                          {"n": 2}, "cli")))
    found = audit.verify(session).broken
    assert found is not None and found.event_id == rows[3].id
    assert "does not follow the event before it" in found.reason


def test_a_keyed_event_rehashed_as_legacy_is_found(session, settings):
    write_legacy_chain(session, 2)
    record(session, 1)
    last = session.execute(EVENTS.select().order_by(EVENTS.c.id.desc())).first()
    forged = legacy_digest(last.prev_hash, last.at, last.actor, last.action, last.object_type,
                           last.object_id, last.summary, last.origin)
    session.execute(update(EVENTS).where(EVENTS.c.id == last.id).values(hash=forged))
    session.execute(update(AuditHead).values(last_hash=forged))
    found = audit.verify(session).broken
    assert found is not None and found.event_id == last.id and "forged" in found.reason


def test_checkpoints_every_tenth_event_and_never_a_rolled_back_head(db_engine, settings):
    session = session_factory(db_engine, settings.replace(audit_checkpoint_every=10))()
    record(session, 25)
    audit.record(session, SETUP, "thing.do", "thing", "undone")
    session.rollback()
    assert [c["count"] for c in checkpoints(settings)] == [0, 10, 20]
    assert audit.verify(session).intact
    session.close()


def test_a_released_savepoint_is_checkpointed_only_when_its_transaction_commits(
        session, settings):
    record(session, 1)
    with session.begin_nested():
        audit.record(session, SETUP, "thing.do", "thing", "inner")
    assert [c["count"] for c in checkpoints(settings)] == [0, 1]
    session.rollback()
    assert [c["count"] for c in checkpoints(settings)] == [0, 1]
    assert audit.verify(session).intact
    with session.begin_nested():
        audit.record(session, SETUP, "thing.do", "thing", "inner")
    session.commit()
    assert [c["count"] for c in checkpoints(settings)] == [0, 1, 2]


def test_a_savepoint_rolled_back_keeps_the_checkpoint_of_the_events_before_it(
        session, settings):
    audit.record(session, SETUP, "thing.do", "thing", "kept")
    with pytest.raises(ZeroDivisionError), session.begin_nested():
        audit.record(session, SETUP, "thing.do", "thing", "undone")
        1 / 0  # noqa: B018
    session.commit()
    assert [c["count"] for c in checkpoints(settings)] == [0, 1]
    assert audit.verify(session).intact


def test_checkpoints_go_to_the_syslog_receiver(db_engine, settings):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(10)
        address = f"127.0.0.1:{receiver.getsockname()[1]}"
        session = session_factory(db_engine, settings.replace(audit_syslog_address=address))()
        record(session, 1)
        opening, first = receiver.recv(4096).decode(), receiver.recv(4096).decode()
        session.close()
    assert opening.startswith("<86>creditflow-audit: ") and '"count":0' in opening
    assert json.loads(first.split(": ", 1)[1]) == checkpoints(settings)[1]


def test_the_key_may_come_from_the_environment(db_engine, settings, tmp_path):
    env = {"CREDITFLOW_AUDIT_KEY": "a key the operator keeps",
           "CREDITFLOW_VAR_DIR": str(settings.var_dir)}
    from_env = load_settings(tmp_path / "none.toml", env=env)
    assert from_env.audit_key == "a key the operator keeps"
    assert "operator" not in repr(from_env)
    session = session_factory(db_engine, from_env)()
    record(session, 2)
    assert audit.verify(session).intact and not key_file(settings).exists()
    other = session_factory(db_engine, from_env.replace(audit_key="another key"))()
    found = audit.verify(other).broken
    assert found is not None and "altered: its signature does not match" in found.reason
    session.close()
    other.close()


def test_processes_starting_together_make_one_key(tmp_path):
    path, keys = tmp_path / "var" / "audit_key", []
    threads = [threading.Thread(target=lambda: keys.append(generated_secret(path)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert [p.name for p in path.parent.iterdir()] == ["audit_key"]


def test_the_cli_checkpoints_and_verifies_with_the_sessions_var_folder(
        session, settings, monkeypatch):
    if settings.database_url.startswith("postgresql"):
        pytest.skip("the CLI reaches PostgreSQL by URL, without the test's schema")
    record(session, 5)
    monkeypatch.setenv("CREDITFLOW_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CREDITFLOW_VAR_DIR", str(settings.var_dir))
    runner = CliRunner()
    made = runner.invoke(main, ["audit", "checkpoint"])
    assert made.exit_code == 0 and made.output.startswith("audit checkpoint: 5 events")
    assert runner.invoke(main, ["audit", "verify"]).output == "audit chain intact: 5 events\n"
    last = session.execute(EVENTS.select().order_by(EVENTS.c.id.desc())).first()
    session.execute(delete(EVENTS).where(EVENTS.c.id == last.id))
    session.execute(update(AuditHead).values(last_hash=last.prev_hash, last_event_id=4))
    session.commit()
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert result.output.startswith(f"audit chain broken at event {last.id - 1}: the table "
                                    "holds 4 events but the checkpoint of")


def test_writers_at_once_keep_one_chain_and_one_checkpoint_per_commit(sessions, settings):
    errors = []

    def writer(n):
        try:
            with sessions() as session:
                record(session, 10)
        except Exception as exc:  # reported below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    counts = [c["count"] for c in checkpoints(settings)]
    assert counts[0] == 0 and sorted(counts[1:]) == list(range(1, 41))
    with sessions() as session:
        report = audit.verify(session)
    assert report.intact and report.events == 40
