"""What a user may do on a task, and everything the task page shows about its case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from engine import audit
from engine.models import (
    Attachment,
    Comment,
    MarketEntity,
    OrgUnit,
    ProcessDefinition,
    Role,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.org import scope
from engine.runtime import actor_user, get_work_item
from engine.runtime.cases import open_case
from engine.work import targets
from engine.work.history import HistoryEntry, case_history
from engine.work.returns import return_route


@dataclass(frozen=True)
class TaskPermissions:
    claim: bool = False
    release: bool = False
    assign: bool = False
    complete: bool = False
    return_: bool = False
    urge: bool = False
    comment: bool = False
    upload: bool = False


def manages(session: Session, user: User, item: WorkItem) -> bool:
    unit = session.get(OrgUnit, item.candidate_org_id) if item.candidate_org_id else None
    return unit is not None and scope.may_manage(session, user, unit.path)


def permissions(session: Session, user: User, item: WorkItem) -> TaskPermissions:
    """The actions `user` may take on an item they can see."""
    is_open = item.status == WorkItemStatus.OPEN and user.active
    held, mine = item.assignee_id is not None, item.assignee_id == user.id
    candidate = scope.may_work_on(session, user, item)
    manager = manages(session, user, item)
    may_complete = is_open and (mine or (not held and candidate))
    reader_only = user.roles <= {Role.AUDITOR}
    return TaskPermissions(
        claim=is_open and not held and candidate,
        release=is_open and held and (mine or manager),
        assign=is_open and (mine or manager),
        complete=may_complete,
        return_=may_complete and return_route(session, item) is not None,
        urge=is_open and manager,
        comment=not reader_only,
        upload=is_open and (may_complete or manager),
    )


def visible_instance(session: Session, user: User, instance_id: int) -> bool:
    """Whether the user sees any work item of the case (and so the case file)."""
    return bool(session.execute(select(exists().where(
        WorkItem.instance_id == instance_id, scope.work_item_filter(session, user)))).scalar())


@dataclass
class TaskPage:
    item: WorkItem
    entity: MarketEntity | None
    definition: ProcessDefinition
    permissions: TaskPermissions
    history: list[HistoryEntry]
    comments: list[Comment]
    attachments: list[Attachment]
    holder: User | None
    candidate_unit: OrgUnit | None


def task_page(session: Session, actor: audit.Actor, item_id: int) -> TaskPage:
    """The task with its case: entity, history, comments, files and what the actor may do."""
    item = get_work_item(session, actor, item_id)
    user = actor_user(session, actor)
    if user is None:
        raise ValueError("the task page is for signed-in users")
    instance_id = item.instance_id
    return TaskPage(
        item=item,
        entity=session.get(MarketEntity, item.entity_id) if item.entity_id else None,
        definition=item.instance.definition,
        permissions=permissions(session, user, item),
        history=case_history(session, instance_id),
        comments=list(session.execute(select(Comment).where(Comment.instance_id == instance_id)
                                      .order_by(Comment.id)).scalars()),
        attachments=list(session.execute(select(Attachment).where(
            Attachment.instance_id == instance_id).order_by(Attachment.id)).scalars()),
        holder=session.get(User, item.assignee_id) if item.assignee_id else None,
        candidate_unit=session.get(OrgUnit, item.candidate_org_id)
        if item.candidate_org_id else None,
    )


def next_item_for(session: Session, user: User, instance_id: int) -> int | None:
    """The case's open task the user holds, else one they may claim; None when the case
    waits on someone else."""
    items = session.execute(select(WorkItem).where(
        WorkItem.instance_id == instance_id, WorkItem.status == WorkItemStatus.OPEN)
        .order_by(WorkItem.id)).scalars().all()
    held = [item.id for item in items if item.assignee_id == user.id]
    if held:
        return held[0]
    return next((item.id for item in items if item.assignee_id is None
                 and scope.may_work_on(session, user, item)), None)


def latest_item_for(session: Session, user: User, instance_id: int) -> int | None:
    """The case's most recent work item the user may see."""
    return session.execute(select(WorkItem.id).where(
        WorkItem.instance_id == instance_id, scope.work_item_filter(session, user))
        .order_by(WorkItem.id.desc()).limit(1)).scalar()


def assign_targets(session: Session, user: User, item: WorkItem
                   ) -> tuple[list[User], list[OrgUnit]]:
    """People and units the user may hand the item to: those of the department holding it
    whose roles can work it (`engine.work.targets.reassign_choices`)."""
    groups = targets.reassign_choices(session, user, [item]).get(item.id, [])
    order = {person.id: n for n, person in enumerate(p for g in groups for p in g.people)}
    places = {group.unit.id: n for n, group in enumerate(groups)}
    people = session.execute(select(User).where(User.id.in_(order))).unique().scalars().all()
    units = session.execute(select(OrgUnit).where(OrgUnit.id.in_(places))).scalars().all()
    return (sorted(people, key=lambda person: order[person.id]),
            sorted(units, key=lambda unit: places[unit.id]))


@dataclass
class DiagramStates:
    current: str
    completed: list[str]
    active: list[str]


def diagram_xml(session: Session, actor: audit.Actor, item_id: int) -> str:
    """The BPMN XML of the version the item's case runs on."""
    return get_work_item(session, actor, item_id).instance.definition.bpmn_xml


def diagram_states(session: Session, actor: audit.Actor, item_id: int) -> DiagramStates:
    """Which elements of the case's diagram are finished and which are waiting now."""
    item = get_work_item(session, actor, item_id)
    case = open_case(session, item.instance_id)
    completed: set[str] = set()
    active: set[str] = set()
    for task in case.workflow.get_tasks():
        bpmn_id: Any = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.state == TaskState.COMPLETED:
            completed.add(bpmn_id)
        elif task.state in (TaskState.READY, TaskState.STARTED, TaskState.WAITING):
            active.add(bpmn_id)
    return DiagramStates(item.task_name, sorted(completed), sorted(active - completed))
