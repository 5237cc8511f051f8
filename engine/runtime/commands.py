"""Runtime commands on instances and work items; each is one transaction of the caller.

Every command loads what it needs, checks who may do it, runs the engine,
saves the state (version-checked), re-derives rows and appends audit events.
None of them commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine import audit, clock
from engine.db import rowcount
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    InstanceStatus,
    OrgUnit,
    ProcessDefinition,
    ProcessInstance,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.org import scope
from engine.runtime.batch import StartRequest, start_many
from engine.runtime.cases import CLOSED, Case, new_case, open_case, save_case
from engine.runtime.deploy import startable_definition
from engine.runtime.derive import annotation, waiting_timers
from engine.runtime.steps import run_steps
from engine.workflow import SERIALIZER_VERSION
from engine.workflow.scripting import engine_steps


def actor_user(session: Session, actor: audit.Actor) -> User | None:
    """The signed-in user behind an actor; None for the system (scheduler, operator CLI)."""
    if actor.user_id is None:
        return None
    # Held for the session: the identity map keeps objects only while in use.
    known: dict[int, User] = session.info.setdefault("actor_users", {})
    user = known.get(actor.user_id) or session.get(User, actor.user_id)
    if user is None or not user.active:
        raise Forbidden("this account is not active", code="account_inactive")
    known[actor.user_id] = user
    return user


def start_process(session: Session, actor: audit.Actor, key: str, *,
                  data: dict[str, Any] | None = None, business_key: str | None = None,
                  entity_id: int | None = None, area_code: str | None = None,
                  version: int | None = None) -> ProcessInstance:
    """Start an instance of the latest (or a given) version of a process."""
    definition = _definition(session, key, version)
    data = dict(data or {})
    now = clock.now()
    row = ProcessInstance(
        definition_id=definition.id, definition=definition, business_key=business_key,
        entity_id=entity_id, area_code=area_code or data.get("area_code"),
        status=InstanceStatus.RUNNING, state="{}", serializer_version=SERIALIZER_VERSION,
        started_by=actor.name, started_at=now, updated_at=now,
    )
    case = new_case(session, definition, row)
    case.workflow.data.update(data)
    _start_steps(case, data)
    save_case(session, case)
    audit.record(session, actor, "process.start", "process_instance", row.id,
                 key=key, version=definition.version, business_key=business_key)
    return row


def start_processes(session: Session, actor: audit.Actor, key: str,
                    requests: Sequence[StartRequest], *,
                    varying: frozenset[str] = frozenset()) -> list[ProcessInstance]:
    """Start many instances of the latest version of one process (imports, routing).

    Equivalent to calling start_process for each request, in the caller's
    transaction, but written in bulk (see engine.runtime.batch). `varying` names the
    data keys that differ between otherwise alike requests (a record's id): such
    requests are stamped from one run when its path does not read them.
    """
    if not requests:
        return []
    return start_many(session, actor, _definition(session, key, None), requests, _start_steps,
                      varying)


def _start_steps(case: Case, data: dict[str, Any]) -> None:
    """Run a new case to its first wait, the start data on its start event."""
    run_steps(case, lambda: _first_steps(case, data))


def _first_steps(case: Case, data: dict[str, Any]) -> None:
    start = case.workflow.get_next_task(state=TaskState.READY)
    if start is not None:
        start.data.update(data)
    engine_steps(case.workflow)


def _definition(session: Session, key: str, version: int | None) -> ProcessDefinition:
    if version is None:
        return startable_definition(session, key)
    definition = session.execute(select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version == version)).scalar()
    if definition is None:
        raise NotFound(f"process {key!r} has no version {version}", code="no_such_process")
    return definition


def _run_then_steps(case: Case, first: Any) -> None:
    first()
    engine_steps(case.workflow)


def get_work_item(session: Session, actor: audit.Actor, item_id: int) -> WorkItem:
    """A work item the actor may see; NotFound otherwise, so ids do not leak."""
    item = session.get(WorkItem, item_id)
    user = actor_user(session, actor)
    if item is None or (user is not None and not scope.item_visible(session, user, item)):
        raise NotFound(f"no work item {item_id}", code="no_such_task")
    return item


def claim(session: Session, actor: audit.Actor, item_id: int) -> WorkItem:
    """Take an open, unheld item. Someone else holding it is a conflict, never an overwrite."""
    item = get_work_item(session, actor, item_id)
    user = _require_user(session, actor)
    if item.status != WorkItemStatus.OPEN:
        raise Conflict("this task is already finished", code="already_finished", item_id=item_id)
    if item.assignee_id == user.id:
        return item
    if not scope.may_work_on(session, user, item):
        raise Forbidden("you are not a candidate for this task", code="not_a_candidate")
    _take(session, item, user)
    case = open_case(session, item.instance_id)
    _note_holder(case, item, user.id)
    save_case(session, case)
    audit.record(session, actor, "task.claim", "work_item", item.id, task=item.task_name,
                 instance_id=item.instance_id)
    return item


def _take(session: Session, item: WorkItem, user: User) -> None:
    now = clock.now()
    taken = rowcount(session.execute(
        update(WorkItem)
        .where(WorkItem.id == item.id, WorkItem.assignee_id.is_(None),
               WorkItem.status == WorkItemStatus.OPEN)
        .values(assignee_id=user.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    ))
    if taken != 1:
        session.expire(item)
        _require_open(item)  # the other one finished it rather than claimed it
        holder = session.get(User, item.assignee_id) if item.assignee_id else None
        who = holder.display_name if holder else "someone else"
        raise Conflict(f"this task was just claimed by {who}",
                       code="held_by_other", item_id=item.id)
    set_committed_value(item, "assignee_id", user.id)
    set_committed_value(item, "claimed_at", now)


def _note_holder(case: Case, item: WorkItem, user_id: int | None,
                 candidate_org_id: int | None = None) -> None:
    task = _ready_task(case, item)
    notes = annotation(task)
    notes["assignee_id"] = user_id
    notes["claimed_at"] = clock.now().isoformat() if user_id else None
    if candidate_org_id is not None:
        notes["candidate_org_id"] = candidate_org_id


def _ready_task(case: Case, item: WorkItem) -> Task:
    task = case.workflow.get_task_from_id(UUID(item.task_id))
    if task is None or task.state != TaskState.READY:
        raise Conflict("this task is no longer open", code="task_not_open", item_id=item.id)
    return task


def _require_user(session: Session, actor: audit.Actor) -> User:
    user = actor_user(session, actor)
    if user is None:
        raise Forbidden("only a signed-in user can hold a task", code="not_signed_in")
    return user


def release(session: Session, actor: audit.Actor, item_id: int) -> WorkItem:
    """Give a held item back to its candidate unit."""
    item = get_work_item(session, actor, item_id)
    user = actor_user(session, actor)
    _require_open(item)
    if item.assignee_id is None:
        return item
    if user is not None and item.assignee_id != user.id and not _manages(session, user, item):
        raise Forbidden("only the holder or a manager can release this task",
                        code="not_holder_or_manager")
    case = open_case(session, item.instance_id)
    _note_holder(case, item, None)
    save_case(session, case)
    audit.record(session, actor, "task.release", "work_item", item.id, task=item.task_name)
    return item


def _require_open(item: WorkItem) -> None:
    if item.status != WorkItemStatus.OPEN:
        raise Conflict("this task is already finished", code="already_finished", item_id=item.id)


def _manages(session: Session, user: User, item: WorkItem) -> bool:
    unit = session.get(OrgUnit, item.candidate_org_id) if item.candidate_org_id else None
    return unit is not None and scope.may_manage(session, user, unit.path)


def _require_department(session: Session, item: WorkItem, target: OrgUnit) -> None:
    """Work moves within the department (or office) holding it: a notice for the agriculture
    bureau never lands with a market-regulation officer."""
    held_by = session.get(OrgUnit, item.candidate_org_id) if item.candidate_org_id else None
    if held_by is None:
        return
    department = scope.department_unit(session, held_by)
    if not target.path.startswith(department.path):
        raise Forbidden("hand the task on within its department", code="outside_department",
                        department=department.name)


def assign(session: Session, actor: audit.Actor, item_id: int, *,
           user_id: int | None = None, org_unit_id: int | None = None) -> WorkItem:
    """Hand an item to a person, or to a sub-unit (which then claims it), within scope."""
    if (user_id is None) == (org_unit_id is None):
        raise InvalidInput("assign to either a person or a unit", fields={"target": "required"})
    item = get_work_item(session, actor, item_id)
    user = actor_user(session, actor)
    _require_open(item)
    if user is not None and item.assignee_id != user.id and not _manages(session, user, item):
        raise Forbidden("only the holder or a manager can assign this task",
                        code="not_holder_or_manager")
    case = open_case(session, item.instance_id)
    if user_id is not None:
        target = session.get(User, user_id)
        if target is None or not target.active or (
                user is not None and not scope.in_scope(session, user, target.org_unit.path)):
            raise InvalidInput("no such person in your scope", fields={"user_id": "out_of_scope"})
        _require_department(session, item, target.org_unit)
        if not scope.may_take(target, item.candidate_role):
            raise Forbidden("this person's roles cannot work this task",
                            code="cannot_work_task", user_id=target.id)
        unit = session.get(OrgUnit, item.candidate_org_id) if item.candidate_org_id else None
        moved = None if unit and target.org_unit.path.startswith(unit.path) \
            else target.org_unit_id
        _note_holder(case, item, target.id, moved)
        summary = {"to_user": target.username}
    else:
        unit = session.get(OrgUnit, org_unit_id)
        if unit is None or (user is not None and not scope.in_scope(session, user, unit.path)):
            raise InvalidInput("no such unit in your scope", fields={"org_unit_id": "out_of_scope"})
        _require_department(session, item, unit)
        _note_holder(case, item, None, unit.id)
        summary = {"to_unit": unit.code}
    save_case(session, case)
    audit.record(session, actor, "task.assign", "work_item", item.id, task=item.task_name,
                 **summary)
    return item


def complete(session: Session, actor: audit.Actor, item_id: int,
             data: dict[str, Any] | None = None) -> ProcessInstance:
    """Finish a human task with its form data and run the process to its next wait.

    An unheld item is claimed on the way (under the same conflict rule), and the
    audit trail says so (`task.claim`, on_completion) before the completion; an item
    held by someone else is a conflict.
    """
    item = get_work_item(session, actor, item_id)
    user = _require_user(session, actor)
    _require_open(item)
    claimed_now = item.assignee_id is None
    if item.assignee_id is None:
        # No conditional claim needed: a racing claim or complete changes the
        # instance too, and its version check makes one of the two a conflict.
        if not scope.may_work_on(session, user, item):
            raise Forbidden("you are not a candidate for this task", code="not_a_candidate")
    elif item.assignee_id != user.id:
        raise Conflict("this task is held by someone else", code="held_by_other", item_id=item.id)
    case = open_case(session, item.instance_id)
    _require_running(case)
    task = _ready_task(case, item)
    notes = annotation(task)
    notes.update(assignee_id=user.id, completed_by_id=user.id,
                 completed_at=clock.now().isoformat())
    notes.setdefault("claimed_at", clock.now().isoformat())
    task.data.update(data or {})
    run_steps(case, lambda: _run_then_steps(case, task.run))
    save_case(session, case)
    if claimed_now:
        audit.record(session, actor, "task.claim", "work_item", item.id, task=item.task_name,
                     instance_id=case.row.id, on_completion=True)
    audit.record(session, actor, "task.complete", "work_item", item.id, task=item.task_name,
                 instance_id=case.row.id, fields=sorted((data or {}).keys()))
    return case.row


def _require_running(case: Case) -> None:
    if case.row.status == InstanceStatus.SUSPENDED:
        raise Conflict("the case is suspended", code="case_suspended", instance_id=case.row.id)
    if case.row.status in CLOSED:
        raise Conflict("the case is closed", code="case_closed", instance_id=case.row.id)


def fire_due_timers(session: Session, actor: audit.Actor, instance_id: int) -> list[str]:
    """Let every due timer of an instance fire, then run to the next wait.

    Returns the names of the timer events that fired; each is audited.
    """
    case = open_case(session, instance_id)
    _require_running(case)
    before = {str(task.id): task for task, _due in waiting_timers(case)}
    run_steps(case, lambda: _run_then_steps(case, case.workflow.refresh_timers))
    fired = [task for key, task in before.items() if task.state != TaskState.WAITING]
    save_case(session, case)
    for task in fired:
        audit.record(session, actor, "timer.fire", "process_instance", instance_id,
                     task_id=str(task.id), event=task.task_spec.bpmn_name or task.task_spec.name)
    return [task.task_spec.name for task in fired]


def _lifecycle(session: Session, actor: audit.Actor, instance_id: int, action: str,
               allowed_from: set[InstanceStatus], to: InstanceStatus, reason: str
               ) -> ProcessInstance:
    user = actor_user(session, actor)
    row = session.get(ProcessInstance, instance_id)
    if row is None or (user is not None and not _may_steer(session, user, row)):
        raise NotFound(f"no process instance {instance_id}", code="no_such_case")
    if row.status not in allowed_from:
        raise Conflict(f"cannot {action} a case that is {row.status.value}",
                       code="wrong_case_status", instance_id=row.id)
    case = open_case(session, instance_id)
    before = row.status
    if to == InstanceStatus.TERMINATED:
        case.workflow.cancel()
    if to == InstanceStatus.RUNNING:
        row.status = InstanceStatus.RUNNING
        save_case(session, case)
    else:
        save_case(session, case, status=to)
    audit.record(session, actor, f"process.{action}", "process_instance", row.id,
                 before=before.value, after=row.status.value, reason=reason)
    return row


def _may_steer(session: Session, user: User, row: ProcessInstance) -> bool:
    """Managers whose scope holds one of the case's work items, and system administrators."""
    if scope.scope_roots(session, user) is None:
        return user.has_role(*scope.MANAGERS)
    units = session.execute(select(OrgUnit.path).join(
        WorkItem, WorkItem.candidate_org_id == OrgUnit.id).where(
        WorkItem.instance_id == row.id)).scalars()
    return any(scope.may_manage(session, user, path) for path in units)


def suspend(session: Session, actor: audit.Actor, instance_id: int, reason: str = ""
            ) -> ProcessInstance:
    return _lifecycle(session, actor, instance_id, "suspend",
                      {InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.INCIDENT},
                      InstanceStatus.SUSPENDED, reason)


def resume(session: Session, actor: audit.Actor, instance_id: int, reason: str = ""
           ) -> ProcessInstance:
    return _lifecycle(session, actor, instance_id, "resume", {InstanceStatus.SUSPENDED},
                      InstanceStatus.RUNNING, reason)


def terminate(session: Session, actor: audit.Actor, instance_id: int, reason: str = ""
              ) -> ProcessInstance:
    return _lifecycle(session, actor, instance_id, "terminate",
                      {InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.INCIDENT,
                       InstanceStatus.SUSPENDED}, InstanceStatus.TERMINATED, reason)
