"""The batch start writes exactly what start_process writes, one request at a time."""

from __future__ import annotations

import re

import pytest
import time_machine
from sqlalchemy import func, select

from engine import audit
from engine.errors import IncidentError
from engine.models import AuditEvent, ProcessInstance, Timer, WorkItem
from engine.runtime import StartRequest, cases, start_process, start_processes
from tests.factories import MONDAY, case_data, make_entity

ACTOR = audit.Actor("test:batch", "test")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def world(notice_world):
    return notice_world


def notice_data(area: str, department: str) -> dict[str, object]:
    return {**case_data(area), "department_org": department, "licence_item": "PS-HOTEL",
            "claim_due": "2026-03-11T16:00:00+00:00", "escalate_due": "2026-03-16T16:00:00+00:00"}


def requests(session) -> list[tuple[str, StartRequest]]:
    entity = make_entity(session, "住宿服务")
    return [
        ("sample_review", StartRequest(case_data("530502"), "S-1", entity.id, "530502")),
        ("sample_review", StartRequest(case_data("530581"), "S-2", None, "530581")),
        ("dual_notice", StartRequest(notice_data("530502", "530502-psb"), "N-1", entity.id,
                                     "530502")),
        ("dual_notice", StartRequest(notice_data("530581", "530581-psb"), "N-2", None, None)),
    ]


def normalised(state: str) -> str:
    """Task ids are random: number them in order of appearance."""
    seen: dict[str, int] = {}
    return UUID.sub(lambda m: f"task-{seen.setdefault(m.group(0), len(seen))}", state)


def snapshot(session, instance: ProcessInstance) -> dict[str, object]:
    def rows(model, *skip):
        columns = [c.key for c in model.__table__.columns if c.key not in
                   {"id", "instance_id", "task_id", *skip}]
        found = session.execute(select(model).where(model.instance_id == instance.id)
                                .order_by(model.id)).scalars()
        return [{c: getattr(row, c) for c in columns} for row in found]

    row = session.get(ProcessInstance, instance.id)
    columns = [c.key for c in ProcessInstance.__table__.columns if c.key not in ("id", "state")]
    return {"instance": {c: getattr(row, c) for c in columns},
            "state": normalised(row.state), "work_items": rows(WorkItem), "timers": rows(Timer),
            "audit": session.execute(select(AuditEvent.action, AuditEvent.actor,
                                            AuditEvent.summary).where(
                AuditEvent.object_type == "process_instance",
                AuditEvent.object_id == str(instance.id))).all()}


def test_batch_start_writes_what_single_starts_write(session, world):
    with time_machine.travel(MONDAY, tick=False):
        wanted = requests(session)
        singles = [start_process(session, ACTOR, key, data=r.data, business_key=r.business_key,
                                 entity_id=r.entity_id, area_code=r.area_code)
                   for key, r in wanted]
        batch = start_processes(session, ACTOR, "sample_review", [r for _k, r in wanted[:2]]) + \
            start_processes(session, ACTOR, "dual_notice", [r for _k, r in wanted[2:]])
        session.commit()
    assert len({i.id for i in singles + batch}) == 8
    for single, batched in zip(singles, batch, strict=True):
        expected, got = snapshot(session, single), snapshot(session, batched)
        assert got == expected
        assert expected["work_items"] and expected["timers"]  # the comparison has substance
    assert batch[0].definition.key == "sample_review" and batch[0] in session
    assert audit.verify(session).broken is None


def test_a_failing_request_fails_the_batch_before_anything_is_written(session, world):
    with time_machine.travel(MONDAY, tick=False):
        good = StartRequest(notice_data("530502", "530502-psb"), "N-ok")
        bad = StartRequest({**notice_data("530502", "530502-psb"), "claim_due": "soon"}, "N-bad")
        with pytest.raises(IncidentError):
            start_processes(session, ACTOR, "dual_notice", [good, bad])
    assert session.execute(select(func.count(ProcessInstance.id))).scalar_one() == 0
    assert session.execute(select(func.count(WorkItem.id))).scalar_one() == 0


def test_the_hooks_after_each_save_run_for_every_case_a_batch_starts(session, world):
    """Domains keep their rows in step with a case after each save (AFTER_SAVE): a batch
    start is a save of each new case, as a single start is."""
    seen: list[tuple[str | None, int | None]] = []
    def hook(_session, case, _thrown):
        seen.append((case.row.business_key, case.row.id))

    cases.AFTER_SAVE.append(hook)
    try:
        with time_machine.travel(MONDAY, tick=False):
            wanted = [r for _k, r in requests(session)[:2]]
            batch = start_processes(session, ACTOR, "sample_review", wanted)
            single = start_process(session, ACTOR, "sample_review", data=wanted[0].data,
                                   business_key="S-3", area_code="530502")
    finally:
        cases.AFTER_SAVE.remove(hook)
    assert seen == [("S-1", batch[0].id), ("S-2", batch[1].id), ("S-3", single.id)]
