"""Reading the audit trail for auditors: filters, the report of reads of personal data, and
their workbooks."""

from __future__ import annotations

import io
from datetime import UTC, timedelta

import openpyxl
import pytest
import time_machine
from sqlalchemy import func, select

from engine import audit
from engine.audit import log
from engine.audit.log import EventFilter, audit_events, export_events
from engine.entity_records import export_reveal_reads, reveal_reads, reveal_registration
from engine.errors import Forbidden, InvalidInput
from engine.models import AuditEvent, Role
from engine.org.units import add_user
from tests.factories import MONDAY, PASSWORD, SETUP, make_entity

CST = MONDAY.tzinfo


@pytest.fixture
def world(notice_world, session):
    notice_world.users["audit"] = add_user(session, SETUP, "audit", "审计员", PASSWORD, "530500",
                                           [Role.AUDITOR])
    session.flush()
    return notice_world


@pytest.fixture
def reads(session, world):
    """hu reads two entities' phones on Monday, qian one on Tuesday."""
    made = [make_entity(session, name=f"保山商户{i}", phone="13912345678") for i in range(2)]
    with time_machine.travel(MONDAY, tick=False):
        for entity in made:
            reveal_registration(session, world.actor("hu"), entity.id, "联系申请人办理许可")
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        reveal_registration(session, world.actor("qian"), made[0].id, "核实卫生许可")
    return made


def actions(page) -> list[tuple[str, str]]:
    return [(event.actor, event.action) for event in page.rows]


def test_the_trail_filters_by_actor_action_object_and_time(session, world, reads):
    auditor = world.users["audit"]
    tuesday = MONDAY + timedelta(days=1)
    assert actions(audit_events(session, auditor, EventFilter(actor="qian"))) == [
        ("qian", "entity.reveal")]
    assert len(audit_events(session, auditor, EventFilter(action="entity.")).rows) == 3
    assert len(audit_events(session, auditor, EventFilter(action="entity.rev")).rows) == 3
    assert audit_events(session, auditor, EventFilter(action="task.")).total == 0
    first = audit_events(session, auditor, EventFilter(
        object_type="market_entity", object_id=str(reads[0].id)))
    assert actions(first) == [("qian", "entity.reveal"), ("hu", "entity.reveal")]
    monday_only = EventFilter(action="entity.", since=MONDAY.replace(hour=0), until=tuesday
                              .replace(hour=0))
    assert actions(audit_events(session, auditor, monday_only)) == [("hu", "entity.reveal")] * 2


def test_only_auditors_read_the_trail(session, world, reads):
    for username in ("hu", "admin", "wang"):
        with pytest.raises(Forbidden):
            audit_events(session, world.users[username], EventFilter())
        with pytest.raises(Forbidden):
            reveal_reads(session, world.users[username], EventFilter())


def test_the_reads_report_says_who_when_whose_and_why(session, world, reads):
    page = reveal_reads(session, world.users["audit"], EventFilter())

    newest = page.rows[0]
    assert page.total == 3
    assert (newest.actor, newest.actor_name, newest.reason) == ("qian", "qian", "核实卫生许可")
    assert (newest.entity_name, newest.uscc) == ("保山商户0", reads[0].uscc)
    assert newest.fields == ["phone"] and newest.at == MONDAY + timedelta(days=1)
    by_uscc = reveal_reads(session, world.users["audit"], EventFilter(actor="hu"),
                           uscc=reads[1].uscc.lower())
    assert [(r.actor, r.entity_name) for r in by_uscc.rows] == [("hu", "保山商户1")]


def sheet(stream: io.BytesIO) -> list[tuple]:
    stream.seek(0)
    return list(openpyxl.load_workbook(stream).active.iter_rows(values_only=True))


def test_the_workbooks_hold_what_the_pages_show(session, world, reads):
    out = io.BytesIO()
    assert export_reveal_reads(session, world.users["audit"], EventFilter(actor="qian"), None,
                               list("abcdefgh"), CST, out) == 1
    rows = sheet(out)
    assert rows[0] == tuple("abcdefgh")
    assert rows[1][:7] == ("2026-03-03 09:00:00", "qian", "qian", "保山商户0", reads[0].uscc,
                           "phone", "核实卫生许可")
    events = io.BytesIO()
    export_events(session, world.users["audit"], EventFilter(action="entity."), list("12345678"),
                  CST, events)
    lines = sheet(events)
    assert len(lines) == 4 and '"reason": "核实卫生许可"' in lines[1][6]
    assert "13912345678" not in repr(lines)


def test_an_export_beyond_the_cap_is_refused(session, world, reads, monkeypatch):
    monkeypatch.setattr(log, "MAX_EXPORT_ROWS", 2)
    with pytest.raises(InvalidInput) as refused:
        export_events(session, world.users["audit"], EventFilter(), ["x"], UTC, io.BytesIO())
    assert refused.value.code == "export_too_large"


def test_reading_changes_nothing(session, world, reads):
    def count() -> int:
        return session.scalar(select(func.count()).select_from(AuditEvent))

    before = count()
    audit_events(session, world.users["audit"], EventFilter())
    reveal_reads(session, world.users["audit"], EventFilter())
    export_events(session, world.users["audit"], EventFilter(), ["x"], UTC, io.BytesIO())
    assert count() == before
    assert audit.verify(session).intact
