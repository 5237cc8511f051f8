"""Runtime commands on the sample diagram: start, claim, release, assign, complete, steer."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from engine import audit
from engine.errors import Conflict, Forbidden, IncidentError, InvalidInput, NotFound
from engine.models import (
    AuditEvent,
    InstanceStatus,
    ProcessInstance,
    Timer,
    WorkItem,
    WorkItemStatus,
)
from engine.runtime import (
    assign,
    claim,
    complete,
    release,
    resume,
    start_process,
    suspend,
    terminate,
)
from engine.runtime.cases import open_case, save_case
from tests.factories import SETUP, start_sample

CST = ZoneInfo("Asia/Shanghai")
# Monday 2026-03-02, 09:00 in Baoshan.


def open_items(session, instance_id):
    return session.execute(select(WorkItem).where(
        WorkItem.instance_id == instance_id, WorkItem.status == WorkItemStatus.OPEN)
    ).scalars().all()


def test_start_creates_work_item_with_candidate_due_date_and_timers(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    assert row.status == InstanceStatus.RUNNING
    assert item.task_name == "review"
    assert item.title == "审查案件 Review the case"
    assert item.candidate_org_id == world.units["530502-amr"].id
    assert item.candidate_role == "officer"
    assert item.assignee_id is None
    assert item.form_key == "sample_review"
    # 3 working days after Monday 2 March: Thursday 5 March, end of day in Baoshan.
    assert item.due_at.astimezone(CST).date().isoformat() == "2026-03-05"
    timers = session.execute(select(Timer).where(Timer.instance_id == row.id)).scalars().all()
    due = sorted(t.due_at.astimezone(CST).date().isoformat() for t in timers)
    assert due == ["2026-03-04", "2026-03-09"]  # 2 and 5 working days
    actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert "process.start" in actions


def test_start_of_unknown_process_is_not_found(session, world):
    with pytest.raises(NotFound):
        start_process(session, SETUP, "no_such_process")


def test_claim_then_a_second_claim_is_a_conflict(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    claim(session, world.actor("chen"), item.id)
    session.refresh(item)
    assert item.assignee_id == world.users["chen"].id
    with pytest.raises(Conflict, match="claimed by chen"):
        claim(session, world.actor("yang"), item.id)
    session.refresh(item)
    assert item.assignee_id == world.users["chen"].id


def test_out_of_scope_user_cannot_see_the_item(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    for outsider in ("liu", "zhao"):
        with pytest.raises(NotFound):
            claim(session, world.actor(outsider), item.id)


def test_supervisor_sees_but_is_no_candidate(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    with pytest.raises(Forbidden):
        claim(session, world.actor("wang"), item.id)


def test_release_by_holder_and_by_manager_only(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    claim(session, world.actor("chen"), item.id)
    with pytest.raises(Forbidden):
        release(session, world.actor("yang"), item.id)
    release(session, world.actor("zhang"), item.id)
    session.refresh(item)
    assert item.assignee_id is None
    claim(session, world.actor("yang"), item.id)
    release(session, world.actor("yang"), item.id)
    session.refresh(item)
    assert item.assignee_id is None and item.claimed_at is None


def test_assign_to_person_and_to_sub_unit(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    assign(session, world.actor("zhang"), item.id, user_id=world.users["yang"].id)
    session.refresh(item)
    assert item.assignee_id == world.users["yang"].id
    assign(session, world.actor("zhang"), item.id, org_unit_id=world.units["530502-amr-st"].id)
    session.refresh(item)
    assert item.assignee_id is None
    assert item.candidate_org_id == world.units["530502-amr-st"].id
    with pytest.raises(Forbidden):
        claim(session, world.actor("chen"), item.id)  # no longer in the candidate unit
    claim(session, world.actor("sun"), item.id)


def test_assign_refuses_officers_and_targets_out_of_scope(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    with pytest.raises(Forbidden):
        assign(session, world.actor("chen"), item.id, user_id=world.users["yang"].id)
    with pytest.raises(InvalidInput):
        assign(session, world.actor("zhang"), item.id, user_id=world.users["liu"].id)
    with pytest.raises(InvalidInput):
        assign(session, world.actor("zhang"), item.id, org_unit_id=world.units["530581-amr"].id)
    with pytest.raises(InvalidInput):
        assign(session, world.actor("zhang"), item.id)


def test_complete_approve_runs_to_the_end(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    claim(session, world.actor("chen"), item.id)
    complete(session, world.actor("chen"), item.id, {"decision": "approve", "opinion": "ok"})
    session.refresh(row)
    session.refresh(item)
    assert row.status == InstanceStatus.COMPLETED and row.ended_at is not None
    assert item.status == WorkItemStatus.COMPLETED
    assert item.completed_by_id == world.users["chen"].id
    assert session.execute(select(Timer).where(Timer.instance_id == row.id)).first() is None
    case = open_case(session, row.id)
    end = [t for t in case.workflow.get_tasks() if t.task_spec.name == "end_approved"][0]
    assert end.data["outcome"] == "approved"
    assert end.data["approved_on"] == "2026-03-02"


def test_complete_reject_goes_to_the_registrar(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    complete(session, world.actor("chen"), item.id, {"decision": "reject", "opinion": "no"})
    (next_item,) = open_items(session, row.id)
    assert next_item.task_name == "handle_rejection"
    assert next_item.candidate_org_id == world.units["530502-amr-reg"].id
    with pytest.raises(Forbidden):
        complete(session, world.actor("yang"), next_item.id, {"resolution": "terminate"})
    complete(session, world.actor("zhou"), next_item.id, {"resolution": "terminate"})
    session.refresh(row)
    assert row.status == InstanceStatus.COMPLETED


def test_complete_of_an_item_held_by_another_is_a_conflict(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    claim(session, world.actor("chen"), item.id)
    with pytest.raises(Conflict):
        complete(session, world.actor("yang"), item.id, {"decision": "approve"})
    complete(session, world.actor("chen"), item.id, {"decision": "approve"})
    with pytest.raises(Conflict):
        complete(session, world.actor("chen"), item.id, {"decision": "approve"})


def test_stale_version_is_a_conflict(session, world, traveller):
    row = start_sample(session)
    case = open_case(session, row.id)
    session.execute(update(ProcessInstance).where(ProcessInstance.id == row.id)
                    .values(version=ProcessInstance.version + 1)
                    .execution_options(synchronize_session=False))
    with pytest.raises(Conflict):
        save_case(session, case)


def test_two_officers_completing_at_once_one_wins(sessions, world, traveller):
    with sessions() as session:
        row = start_sample(session)
        (item,) = open_items(session, row.id)
        session.commit()
        item_id, instance_id = item.id, row.id
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def attempt(name: str) -> None:
        barrier.wait()
        with sessions() as session:
            try:
                complete(session, world.actor(name), item_id, {"decision": "approve"})
                session.commit()
                outcomes.append("won")
            except Conflict:
                session.rollback()
                outcomes.append("conflict")
            except Exception as exc:  # surfaced in the assertion below
                outcomes.append(repr(exc))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("chen", "yang")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "won"]
    with sessions() as session:
        assert session.get(ProcessInstance, instance_id).status == InstanceStatus.COMPLETED


def test_suspend_blocks_completion_and_resume_allows_it(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    with pytest.raises(NotFound):
        suspend(session, world.actor("chen"), row.id, "no right")
    suspend(session, world.actor("zhang"), row.id, "paperwork missing")
    assert row.status == InstanceStatus.SUSPENDED
    with pytest.raises(Conflict, match="suspended"):
        complete(session, world.actor("chen"), item.id, {"decision": "approve"})
    with pytest.raises(Conflict):
        suspend(session, world.actor("zhang"), row.id)
    resume(session, world.actor("zhang"), row.id)
    assert row.status == InstanceStatus.RUNNING
    complete(session, world.actor("chen"), item.id, {"decision": "approve"})
    events = session.execute(select(AuditEvent).where(
        AuditEvent.action == "process.suspend")).scalars().all()
    assert events[0].summary["reason"] == "paperwork missing"


def test_terminate_cancels_items_and_timers(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    terminate(session, world.actor("admin"), row.id, "registered twice")
    session.refresh(item)
    assert row.status == InstanceStatus.TERMINATED
    assert item.status == WorkItemStatus.CANCELLED
    assert session.execute(select(Timer).where(Timer.instance_id == row.id)).first() is None
    with pytest.raises(Conflict):
        terminate(session, world.actor("admin"), row.id)


def test_script_failure_is_an_incident_error_and_writes_nothing(session, world, traveller,
                                                                tmp_path):
    from engine.runtime.deploy import deploy
    from tests.factories import sample_files

    name, xml = sample_files()[0]
    broken = xml.replace(b'outcome = "approved"', b"outcome = 1 / 0")
    deploy(session, SETUP, [(name, broken)])
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    session.commit()
    with pytest.raises(IncidentError, match="ZeroDivisionError|division"):
        complete(session, world.actor("chen"), item.id, {"decision": "approve"})
    session.rollback()
    session.refresh(item)
    assert item.status == WorkItemStatus.OPEN and item.assignee_id is None


def test_every_command_is_audited(session, world, traveller):
    row = start_sample(session)
    (item,) = open_items(session, row.id)
    claim(session, world.actor("chen"), item.id)
    release(session, world.actor("chen"), item.id)
    complete(session, world.actor("chen"), item.id, {"decision": "approve"})
    actions = session.execute(select(AuditEvent.action).where(
        AuditEvent.actor == "chen")).scalars().all()
    # Completing the released (unheld) task claims it on the way, and says so.
    assert actions == ["task.claim", "task.release", "task.claim", "task.complete"]
    implicit = session.execute(select(AuditEvent).where(
        AuditEvent.actor == "chen", AuditEvent.action == "task.claim")
        .order_by(AuditEvent.id)).scalars().all()
    assert [e.summary.get("on_completion") for e in implicit] == [None, True]
    assert audit.verify(session).broken is None


def test_a_failed_command_is_reported_as_an_incident(sessions, world, traveller):
    from engine.runtime.deploy import deploy
    from engine.runtime.incidents import open_incidents, report_failure
    from tests.factories import sample_files

    name, xml = sample_files()[0]
    with sessions() as session:
        deploy(session, SETUP, [(name, xml.replace(b'outcome = "approved"', b"x = {}['k']"))])
        row = start_sample(session)
        (item,) = open_items(session, row.id)
        session.commit()
        row_id, item_id = row.id, item.id
        with pytest.raises(IncidentError) as caught:
            complete(session, world.actor("chen"), item_id, {"decision": "approve"})
        session.rollback()
    incident = report_failure(sessions, caught.value)
    with sessions() as session:
        assert [i.id for i in open_incidents(session)] == [incident.id]
        assert session.get(ProcessInstance, row_id).status == InstanceStatus.INCIDENT
        assert "KeyError" in incident.message
