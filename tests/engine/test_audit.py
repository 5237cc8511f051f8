"""The audit chain: intact after normal work, and every kind of tampering found."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update

from engine import audit
from engine.models import AuditEvent
from tests.factories import SETUP


@pytest.fixture
def chain(session):
    for i in range(5):
        audit.record(session, SETUP, "thing.do", "thing", i, before={"n": i}, after={"n": i + 1})
    session.commit()
    return session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()


def test_an_untouched_chain_verifies(session, chain):
    assert audit.verify(session) is None
    assert chain[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))


def test_an_edited_row_is_found(session, chain):
    session.execute(update(AuditEvent).where(AuditEvent.id == chain[2].id)
                    .values(summary={"before": {"n": 99}}))
    broken = audit.verify(session)
    assert broken.event_id == chain[2].id and broken.reason == "the row was edited"


def test_an_edited_actor_is_found(session, chain):
    session.execute(update(AuditEvent).where(AuditEvent.id == chain[1].id).values(actor="bob"))
    assert audit.verify(session).event_id == chain[1].id


def test_a_deleted_row_is_found_at_the_row_after_it(session, chain):
    session.execute(delete(AuditEvent).where(AuditEvent.id == chain[2].id))
    broken = audit.verify(session)
    assert broken.event_id == chain[3].id and "deleted or inserted" in broken.reason


def test_an_inserted_row_is_found(session, chain):
    fake = AuditEvent(at=chain[1].at, actor="x", action="thing.do", object_type="thing",
                      object_id="9", summary={}, origin="sql", prev_hash=chain[1].hash,
                      hash="f" * 64)
    session.add(fake)
    session.flush()
    session.execute(update(AuditEvent).where(AuditEvent.id == fake.id).values(id=10_000))
    session.execute(text("UPDATE audit_head SET last_event_id = 10000"))
    broken = audit.verify(session)
    assert broken.event_id == 10_000


def test_rows_cut_from_the_end_are_found(session, chain):
    session.execute(delete(AuditEvent).where(AuditEvent.id == chain[-1].id))
    broken = audit.verify(session)
    assert broken is not None and "after this one were deleted" in broken.reason


def test_verify_from_the_cli(session, chain, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from engine.cli import main

    url = str(session.get_bind().url)
    if not url.startswith("sqlite"):
        pytest.skip("the CLI test uses the SQLite file")
    session.commit()  # SQLite: let the CLI's writer in
    monkeypatch.setenv("CREDITFLOW_DATABASE_URL", url)
    monkeypatch.setenv("CREDITFLOW_VAR_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    session.execute(update(AuditEvent).where(AuditEvent.id == chain[0].id).values(action="x"))
    session.commit()
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at event {chain[0].id}: the row was edited" in result.output


def test_read_sessions_do_not_block_writers(tmp_path):
    from engine.db import make_engine, read_session_factory, session_factory
    from engine.models import Base

    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    Base.metadata.create_all(engine)
    reader, writer = read_session_factory(engine)(), session_factory(engine)()
    reader.execute(select(AuditEvent)).all()  # a read transaction stays open
    audit.record(writer, SETUP, "thing.do", "thing", 1)
    writer.commit()
    reader.close()
    writer.close()
    engine.dispose()
