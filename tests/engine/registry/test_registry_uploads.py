"""Registration files uploaded on the web: stored, checked (a dry run), imported, removed."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from engine.db import session_factory
from engine.dual_notice.routing import route_entities
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    AuditEvent,
    DualNotice,
    MarketEntity,
    RegistryImport,
    RegistryUpload,
    User,
)
from engine.registry.uploads import (
    check_upload,
    discard_upload,
    get_upload,
    is_registrar,
    recent_uploads,
    run_import,
    start_import,
    store_upload,
    upload_path,
)
from engine.seed.samples import HEADERS, sample_rows


@pytest.fixture
def sessions(db_engine, settings):
    return session_factory(db_engine, settings)


@pytest.fixture
def world(notice_world):
    return notice_world


def registration_file(bad: bool = True) -> bytes:
    rows = list(sample_rows(4, seed=5, counties=[("530502", "隆阳区")]))
    if bad:
        rows[3][0] = "91530502MA6K00000X"
    out = io.StringIO()
    csv.writer(out).writerows([HEADERS, *rows])
    return out.getvalue().encode("utf-8-sig")


def stored(sessions, world, data: bytes, user: str = "zhou", name: str = "登记.csv") -> int:
    with sessions() as session:
        row = store_upload(session, world.actor(user), name, io.BytesIO(data))
        session.commit()
        return row.id


def count(sessions, model) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def routing(actor):
    return lambda session, changes: route_entities(session, actor, changes)


def test_registrars_are_the_market_regulators_officers_and_sysadmins(sessions, world):
    with sessions() as session:
        verdicts = {name: is_registrar(session, session.get(User, world.users[name].id))
                    for name in ("chen", "zhang", "zhou", "sun", "liu", "admin", "hu", "luo",
                                 "wang")}
    assert verdicts == {"chen": True, "zhang": True, "zhou": True, "sun": True, "liu": True,
                        "admin": True, "hu": False, "luo": False, "wang": False}


def test_only_csv_and_xlsx_within_the_limit_are_stored(sessions, world, settings):
    with sessions() as session:
        for name, data in (("a.pdf", b"%PDF"), ("a.csv", b""), ("", b"x")):
            with pytest.raises(InvalidInput):
                store_upload(session, world.actor("zhou"), name, io.BytesIO(data))
        with pytest.raises(Forbidden):
            store_upload(session, world.actor("hu"), "a.csv", io.BytesIO(b"x"))
    small = session_factory(sessions.kw["bind"], settings.replace(registry_upload_max_bytes=10))
    with small() as session, pytest.raises(InvalidInput) as refused:
        store_upload(session, world.actor("zhou"), "a.csv", io.BytesIO(b"x" * 11))
    assert refused.value.details["fields"] == {"file": "too_large"}
    folder = settings.upload_dir / "registry"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_the_check_keeps_every_bad_row_and_writes_nothing_else(sessions, world):
    upload_id = stored(sessions, world, registration_file())
    check_upload(sessions, world.actor("zhou"), upload_id)
    with sessions() as session:
        row = session.get(RegistryUpload, upload_id)
        assert (row.state, row.rows_read, row.rows_valid, row.rows_invalid) == (
            "checked", 4, 3, 1)
        (problem,) = row.problems
        assert problem[:2] == [5, "统一社会信用代码"] and "check character" in problem[2]
        assert upload_path(session, row.stored_name).exists()
    for model in (MarketEntity, RegistryImport, DualNotice):
        assert count(sessions, model) == 0


def test_the_import_routes_records_its_counts_and_removes_the_file(sessions, world):
    actor = world.actor("zhou")
    upload_id = stored(sessions, world, registration_file())
    check_upload(sessions, actor, upload_id)
    with sessions() as session:
        start_import(session, actor, upload_id)
        session.commit()
        with pytest.raises(Conflict):
            start_import(session, actor, upload_id)
    run_import(sessions, actor, upload_id, routing(actor))
    with sessions() as session:
        row = session.get(RegistryUpload, upload_id)
        assert row.state == "done" and row.import_id is not None
        assert row.result["new"] == 3 and row.result["summary"].startswith("rows read 4")
        assert row.done == row.total == 3, "the last progress stays on the row"
        assert not upload_path(session, row.stored_name).exists()
    assert count(sessions, MarketEntity) == 3
    assert count(sessions, DualNotice) == row.result["notices_started"]


def test_an_unreadable_file_fails_the_check_and_is_removed(sessions, world):
    upload_id = stored(sessions, world, "名称,电话\n某店,1\n".encode())
    check_upload(sessions, world.actor("zhou"), upload_id)
    with sessions() as session:
        row = session.get(RegistryUpload, upload_id)
        assert row.state == "failed" and "missing required column" in row.error
        assert not upload_path(session, row.stored_name).exists()
        with pytest.raises(Conflict):
            start_import(session, world.actor("zhou"), upload_id)


def test_a_failing_import_is_recorded_on_the_upload(sessions, world, caplog):
    actor = world.actor("zhou")
    upload_id = stored(sessions, world, registration_file(bad=False))
    check_upload(sessions, actor, upload_id)
    with sessions() as session:
        start_import(session, actor, upload_id)
        session.commit()

    def broken(_session, _changes):
        raise RuntimeError("routing table missing")

    run_import(sessions, actor, upload_id, broken)
    with sessions() as session:
        row = session.get(RegistryUpload, upload_id)
    assert row.state == "failed"
    assert row.error == "an unexpected error stopped the import (details in the log)"
    assert "routing table missing" in caplog.text, "the cause is logged"
    assert count(sessions, MarketEntity) == 0, "the failed batch was rolled back"


def test_uploads_are_seen_within_the_uploading_units_scope(sessions, world):
    upload_id = stored(sessions, world, registration_file())
    with sessions() as session:
        assert get_upload(session, world.actor("chen"), upload_id).id == upload_id
        for user in ("liu", "hu", "wang", "sun"):
            with pytest.raises(NotFound):
                get_upload(session, world.actor(user), upload_id)
        zhou, liu = (session.get(User, world.users[n].id) for n in ("zhou", "liu"))
        assert [u.id for u in recent_uploads(session, zhou)] == [upload_id]
        assert recent_uploads(session, liu) == []


def test_a_checked_upload_can_be_discarded_once(sessions, world):
    upload_id = stored(sessions, world, registration_file())
    check_upload(sessions, world.actor("zhou"), upload_id)
    with sessions() as session:
        row = discard_upload(session, world.actor("zhou"), upload_id)
        session.commit()
        assert row.state == "discarded"
        assert not upload_path(session, row.stored_name).exists()
        with pytest.raises(Conflict):
            discard_upload(session, world.actor("zhou"), upload_id)


def test_storing_an_upload_is_audited(sessions, world):
    upload_id = stored(sessions, world, registration_file())
    with sessions() as session:
        events = session.execute(select(AuditEvent).where(
            AuditEvent.object_type == "registry_upload")).scalars().all()
    assert [(e.action, e.object_id, e.actor) for e in events] == [
        ("registry.upload", str(upload_id), "zhou")]
