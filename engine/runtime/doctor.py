"""Checking (and rebuilding) work-item and timer rows against the stored states."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import ProcessInstance, Timer, WorkItem
from engine.runtime.cases import open_case
from engine.runtime.derive import sync_rows

_ITEM_FIELDS = ("task_id", "status", "assignee_id", "candidate_org_id", "candidate_role",
                "due_at", "form_key", "priority")
_TIMER_FIELDS = ("task_id", "due_at", "interrupting")
# The fields above of each work item and each timer of an instance.
Snapshot = tuple[set[tuple[str, *tuple[object, ...]]], set[tuple[str, *tuple[object, ...]]]]


@dataclass
class DoctorReport:
    instances: int = 0
    mismatched: dict[int, list[str]] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return not self.mismatched and not self.failed


def _snapshot(session: Session, instance_id: int) -> Snapshot:
    items = session.execute(select(WorkItem).where(WorkItem.instance_id == instance_id)).scalars()
    timers = session.execute(select(Timer).where(Timer.instance_id == instance_id)).scalars()
    return ({tuple(getattr(w, f) for f in _ITEM_FIELDS) for w in items},
            {tuple(getattr(t, f) for f in _TIMER_FIELDS) for t in timers})


def examine(session: Session, repair: bool = False) -> DoctorReport:
    """Re-derive every instance's rows; report differences, keep the fix only if `repair`."""
    report = DoctorReport()
    ids = session.execute(select(ProcessInstance.id).order_by(ProcessInstance.id)).scalars().all()
    for instance_id in ids:
        report.instances += 1
        savepoint = session.begin_nested()
        try:
            before = _snapshot(session, instance_id)
            case = open_case(session, instance_id)
            sync_rows(session, case)
            session.flush()
            session.expire_all()
            after = _snapshot(session, instance_id)
        except Exception as exc:  # a broken state is what the doctor is for
            savepoint.rollback()
            report.failed[instance_id] = str(exc)
            continue
        problems = _differences(before, after)
        if problems:
            report.mismatched[instance_id] = problems
        if repair:
            savepoint.commit()
        else:
            savepoint.rollback()
    return report


def _differences(before: Snapshot, after: Snapshot) -> list[str]:
    problems = []
    for label, old, new in (("work item", before[0], after[0]), ("timer", before[1], after[1])):
        for row in sorted(new - old, key=str):
            problems.append(f"{label} missing or different: task {row[0]}")
        stale = {r[0] for r in old - new} - {r[0] for r in new}
        for task_id in sorted(stale):
            problems.append(f"{label} that the state does not have: task {task_id}")
    return problems
