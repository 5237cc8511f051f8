"""Imported records get cases stamped from one run (engine.runtime.stamping): each is the case
a record sent on its own gets — state, work items, timers, waiting signals, audit — and goes
on the same way: reviewed, published, revoked, reminded, escalated, expired."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from engine import disclosure
from engine.disclosure import bulk
from engine.disclosure.files import import_records
from engine.models import (
    AuditEvent,
    DisclosureRecord,
    ProcessInstance,
    RecordStatus,
    Timer,
    WaitingEvent,
    WorkItem,
)
from engine.runtime.doctor import examine
from engine.runtime.timers import sweep
from tests.engine.disclosure.helpers import enter
from tests.engine.disclosure.test_bulk import csv_bytes, row
from tests.engine.runtime.test_batch_start import normalised
from tests.factories import CST, MONDAY, World, make_entity

pytestmark = pytest.mark.both_backends  # the rows are written with executemany on each

RECORD_FIELDS = ("status", "submitted_at", "reviewed_at", "published_at", "publication_ends_on",
                 "entry_late_days", "publication_late_days", "ended_at", "end_reason")


@pytest.fixture
def world(notice_world: World) -> World:
    return notice_world


def imported(sessions, world: World, entity, numbers: list[str]) -> list[int]:
    data = csv_bytes([row(entity, decision_number=number) for number in numbers])
    report = import_records(sessions, world.actor("hu"), data, "penalty",
                            world.units["530502-psb"].id)
    assert report.created == len(numbers)
    return report.record_ids


def case_of(sessions, record_id: int) -> dict[str, Any]:
    """What a record's case is, with what differs by nature (ids, keys) left out."""
    with sessions() as session:
        record = session.get(DisclosureRecord, record_id)
        instance = session.get(ProcessInstance, record.instance_id)

        def rows(model):
            skip = {"id", "instance_id", "task_id"}
            columns = [c.key for c in model.__table__.columns if c.key not in skip]
            found = session.execute(select(model).where(model.instance_id == instance.id)
                                    .order_by(model.id)).scalars()
            return [{c: getattr(r, c) for c in columns} for r in found]

        events = session.execute(select(AuditEvent.action, AuditEvent.actor, AuditEvent.summary)
                                 .where(((AuditEvent.object_type == "process_instance")
                                         & (AuditEvent.object_id == str(instance.id)))
                                        | ((AuditEvent.object_type == "disclosure_record")
                                           & (AuditEvent.object_id == str(record_id))
                                           & (AuditEvent.action != "disclosure.enter")))
                                 .order_by(AuditEvent.id)).all()
        columns = [c.key for c in ProcessInstance.__table__.columns
                   if c.key not in ("id", "state", "business_key")]
        return {
            "instance": {c: getattr(instance, c) for c in columns},
            "state": re.sub(r'"record_id": \d+', '"record_id": R', normalised(instance.state)),
            "work_items": rows(WorkItem), "timers": rows(Timer), "waiting": rows(WaitingEvent),
            "audit": [(a, actor, {k: v for k, v in s.items()
                                  if k not in ("business_key", "instance_id", "task_id")})
                      for a, actor, s in events],
            "record": {f: getattr(record, f) for f in RECORD_FIELDS}}


def alike(sessions, *record_ids: int) -> dict[str, Any]:
    first, *others = [case_of(sessions, i) for i in record_ids]
    for other in others:
        assert other == first
    return first


def healthy(sessions) -> bool:
    with sessions() as session:
        return examine(session).healthy


def act(sessions, world: World, when: datetime, do) -> None:
    with time_machine.travel(when, tick=False), sessions() as session:
        do(session)
        session.commit()


def test_an_imported_records_case_is_the_one_the_form_starts_and_goes_on_alike(
        session, sessions, world, stamped):
    with time_machine.travel(MONDAY, tick=False):
        entity = make_entity(session)
        single = enter(session, world, entity, decision_number="隆市监处罚〔2026〕1号")
        disclosure.submit(session, world.actor("hu"), single.id)
        session.commit()
        ids = [single.id, *imported(sessions, world, entity,
                                    ["隆市监处罚〔2026〕2号", "隆市监处罚〔2026〕3号"])]
    assert stamped == [f"record-{ids[1]}", f"record-{ids[2]}"]
    case = alike(sessions, *ids)
    assert case["record"]["status"] == RecordStatus.SUBMITTED
    assert [i["task_name"] for i in case["work_items"]] == ["review_record"]
    assert healthy(sessions)  # the rows are what the stored states derive

    def review(s):
        for record_id in ids:
            disclosure.review(s, world.actor("luo"), record_id, "approve")
    act(sessions, world, datetime(2026, 3, 3, 10, 0, tzinfo=CST), review)
    case = alike(sessions, *ids)
    assert case["record"]["status"] == RecordStatus.PUBLISHED
    assert [t["element"] for t in case["timers"]] == ["published_gateway"]  # its publication end
    assert {w["name"] for w in case["waiting"]} >= {"decision_revoked"}

    def revoke(s):
        for record_id in ids:
            disclosure.report_revocation(s, world.actor("hu"), record_id, "行政复议决定撤销")
    act(sessions, world, datetime(2026, 9, 17, 10, 0, tzinfo=CST), revoke)
    case = alike(sessions, *ids)
    assert len(case["timers"]) == 2  # the reminder and the escalation of the withdrawal
    with time_machine.travel(datetime(2026, 9, 21, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 3  # each case's reminder
    with time_machine.travel(datetime(2026, 9, 22, 0, 30, tzinfo=CST), tick=False):
        assert sweep(sessions).fired == 3  # each case's escalation
    case = alike(sessions, *ids)
    assert [i["task_name"] for i in case["work_items"] if i["completed_at"] is None] == [
        "withdraw_record", "urge_withdrawal"]

    def withdraw(s):
        for record_id in ids:
            record = disclosure.get_record(s, world.actor("luo"), record_id)
            (item,) = [i for i in disclosure.open_steps(s, record)
                       if i.task_name == "withdraw_record"]
            disclosure.complete_step(s, world.actor("luo"), item.id, {})
    act(sessions, world, datetime(2026, 9, 22, 9, 0, tzinfo=CST), withdraw)
    assert alike(sessions, *ids)["record"]["status"] == RecordStatus.WITHDRAWN
    assert healthy(sessions)


def test_directly_published_imports_wait_for_their_end_as_a_case_run_alone_does(
        session, sessions, world, stamped):
    with time_machine.travel(MONDAY, tick=False):
        bulk.set_direct_publication(session, world.actor("luo"), True)
        entity = make_entity(session)
        session.commit()
        alone = imported(sessions, world, entity, ["隆市监处罚〔2026〕1号"])
        assert stamped == []  # one case alone is run, not stamped
        ids = [*alone, *imported(sessions, world, entity,
                                 ["隆市监处罚〔2026〕2号", "隆市监处罚〔2026〕3号"])]
    assert len(stamped) == 2
    case = alike(sessions, *ids)
    assert case["record"]["status"] == RecordStatus.PUBLISHED
    assert [t["element"] for t in case["timers"]] == ["published_gateway"]  # its publication end
    ends = case["timers"][0]["due_at"]
    with time_machine.travel(ends + timedelta(minutes=1), tick=False):
        assert sweep(sessions).fired == 3
    case = alike(sessions, *ids)
    assert case["record"]["status"] == RecordStatus.EXPIRED
    assert case["instance"]["ended_at"] is not None
