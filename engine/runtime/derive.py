"""Work-item and timer rows, derived from an instance's state on every save.

The state is the truth: what the rows hold beyond SpiffWorkflow's own task
data (assignee, candidate unit, due dates) is kept in each task's internal
data under "cf", so `doctor --repair` can always rebuild the rows.
"""

from __future__ import annotations

from datetime import datetime
from time import monotonic
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import case as case_when
from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.models import (
    InstanceStatus,
    OrgKind,
    OrgUnit,
    Timer,
    User,
    WorkItem,
    WorkItemShare,
    WorkItemStatus,
)
from engine.runtime.waiting import sync_waiting_events
from engine.workflow.expressions import events_of
from rules.lanes import lane_rule

if TYPE_CHECKING:
    from engine.runtime.cases import Case

PRIORITIES = {"high": 1, "normal": 2, "low": 3}
ANNOTATION = "cf"
FINISHED = TaskState.COMPLETED | TaskState.CANCELLED | TaskState.ERROR


def annotation(task: Task) -> dict[str, Any]:
    """The platform's notes on a human task, stored inside the workflow state."""
    return task.internal_data.setdefault(ANNOTATION, {})


def properties(task: Task) -> dict[str, str]:
    return properties_of(task.task_spec)


def properties_of(spec: TaskSpec) -> dict[str, str]:
    """The extension properties of a task spec (priority, formKey, due days ...)."""
    return (getattr(spec, "extensions", None) or {}).get("properties", {})


def tasks_in(workflow: Any, state: int, manual: bool | None = None) -> list[Task]:
    """Tasks of the workflow and its subprocesses in a state (mask).

    A plain pass over the task dictionaries: much cheaper than SpiffWorkflow's
    tree iterator, and the save path asks several such questions.
    """
    found = []
    for flow in (workflow, *workflow.subprocesses.values()):
        for task in flow.tasks.values():
            if task.state & state and (manual is None or task.task_spec.manual == manual):
                found.append(task)
    return found


def sync_rows(session: Session, case: Case) -> None:
    """Annotate new human tasks and bring the instance's rows in line with its state."""
    annotate_tasks(session, case)
    write_rows(session, case)


def script_step_data(workflow: Any, variable: str) -> dict[str, Any]:
    """The data of the latest completed script task whose script names `variable` (empty
    before any): how a domain reads the state its diagram gave a case. Steps of parallel
    branches carry older copies of the variable and never count; the latest is the
    deepest in the task tree (a loop's later pass lies below its earlier one), whatever
    the clock said."""
    marks = [task for task in tasks_in(workflow, TaskState.COMPLETED)
             if variable in (getattr(task.task_spec, "script", None) or "")]
    return max(marks, key=lambda task: (task.depth, task.last_state_change)).data if marks else {}


def annotate_tasks(session: Session, case: Case) -> None:
    """Give each newly ready human task its candidate unit and due dates (in the state)."""
    now = case.calendar.now()
    for task in tasks_in(case.workflow, TaskState.READY, manual=True):
        if ANNOTATION not in task.internal_data:
            annotate_new_task(session, case, task, now)


def write_rows(session: Session, case: Case, is_new: bool = False) -> None:
    sync_work_items(session, case, is_new)
    sync_timers(session, case, is_new)
    ended = case.row.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED)
    sync_waiting_events(session, case.row.id, None if ended else case.workflow, is_new)


def sync_work_items(session: Session, case: Case, is_new: bool = False) -> None:
    """Insert, update or close the instance's work items to match its human tasks."""
    now = case.calendar.now()
    existing = {} if is_new else {w.task_id: w for w in session.execute(
        select(WorkItem).where(WorkItem.instance_id == case.row.id)).scalars()}
    for task in tasks_in(case.workflow, TaskState.READY | FINISHED, manual=True):
        notes = task.internal_data.get(ANNOTATION)
        if notes is None:
            continue  # a task that never reached anyone (e.g. cancelled while future)
        key = str(task.id)
        row = existing.pop(key, None)
        if row is None:
            row = WorkItem(instance_id=case.row.id, task_id=key)
            fill_work_item(row, case, task, notes, now)
            session.add(row)
        else:
            fill_work_item(row, case, task, notes, now)
        if notes.get("shared_with"):
            share_work_item(row, notes["shared_with"])
    for row in existing.values():
        if row.status == WorkItemStatus.OPEN:
            row.status, row.completed_at = WorkItemStatus.CANCELLED, now


def annotate_new_task(session: Session, case: Case, task: Task, now: datetime
                      ) -> dict[str, Any]:
    """First sight of a ready human task: fix its candidate unit and due dates."""
    props = properties(task)
    notes = annotation(task)
    notes["created_at"] = now.isoformat()
    org_id, role = resolve_candidate(session, case, task)
    notes["candidate_org_id"], notes["candidate_role"] = org_id, role
    today = case.calendar.today()
    for prop, key in (("dueWorkingDays", "due_at"), ("followUpWorkingDays", "follow_up_at")):
        if props.get(prop, "").strip().isdigit():
            day = case.calendar.add_workdays(today, int(props[prop]))
            notes[key] = case.calendar.end_of_day(day).isoformat()
    due_field = props.get("dueAt", "").strip()  # a case field holding the due moment
    due = {**case.workflow.data, **task.data}.get(due_field) if due_field else None
    if due:
        notes["due_at"] = str(due)
    shared_field = props.get("sharedWith", "").strip()  # a case field holding user ids
    shared = {**case.workflow.data, **task.data}.get(shared_field) if shared_field else None
    if shared:
        notes["shared_with"] = sorted({int(user_id) for user_id in shared})
    holder = earlier_performer(session, case, props.get("holderFrom"), org_id)
    if holder is not None:
        notes["assignee_id"], notes["claimed_at"], notes["held_from"] = (
            holder, now.isoformat(), props["holderFrom"])
    return notes


def share_work_item(row: WorkItem, user_ids: list[int]) -> None:
    """The people the item is shared with (a task's `sharedWith`): in each one's work."""
    wanted = {int(user_id) for user_id in user_ids}
    if {share.user_id for share in row.shares} != wanted:
        row.shares = [WorkItemShare(user_id=user_id) for user_id in sorted(wanted)]


def earlier_performer(session: Session, case: Case, task_id: str | None,
                      org_id: int | None) -> int | None:
    """Who completed the latest run of the case's task `task_id` (a user task's
    `holderFrom`: the follow-up of a claimed step stays with the claimer), if that person
    is still active and of the new task's unit; else nobody, and the unit's pool has it."""
    if not task_id:
        return None
    done = [task for task in tasks_in(case.workflow, TaskState.COMPLETED, manual=True)
            if getattr(task.task_spec, "bpmn_id", None) == task_id]
    if not done:
        return None
    last = max(done, key=lambda task: task.last_state_change)
    user_id = last.internal_data.get(ANNOTATION, {}).get("completed_by_id")
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        return None
    unit = session.get(OrgUnit, org_id) if org_id is not None else None
    if unit is not None and (user.org_unit is None
                             or not user.org_unit.path.startswith(unit.path)):
        return None
    return user.id


def resolve_candidate(session: Session, case: Case, task: Task) -> tuple[int | None, str | None]:
    """The org unit and role a task's lane stands for in this case."""
    rule = lane_rule(getattr(task.task_spec, "lane", None))
    if rule is None:
        return None, None
    data = {**case.workflow.data, **task.data}
    if rule.org_field:
        code = data.get(rule.org_field)
        return (_unit_id(session, "code", str(code)) if code else None), rule.role
    area = data.get("area_code") or case.row.area_code or case.calendar.area_code
    return _unit_id(session, "joint_office", str(area)), rule.role


# Org unit ids by code (and joint office by area), per database: units are
# added rarely and their codes never change, so a short-lived cache is safe.
_UNIT_CACHE: WeakKeyDictionary[Any, dict[tuple[str, str], tuple[float, int | None]]] = (
    WeakKeyDictionary())
_UNIT_TTL = 60.0


def _unit_id(session: Session, kind: str, value: str) -> int | None:
    cache = _UNIT_CACHE.setdefault(session.get_bind(), {})
    hit = cache.get((kind, value))
    if hit is not None and hit[1] is not None and monotonic() - hit[0] < _UNIT_TTL:
        return hit[1]
    query = select(OrgUnit.id).where(OrgUnit.code == value) if kind == "code" else select(
        OrgUnit.id).where(OrgUnit.kind == OrgKind.JOINT_OFFICE, OrgUnit.area_code == value)
    unit = session.execute(query.order_by(OrgUnit.id).limit(1)).scalar()
    cache[(kind, value)] = (monotonic(), unit)
    return unit


def fill_work_item(row: WorkItem, case: Case, task: Task, notes: dict[str, Any],
                   now: datetime) -> None:
    """Set a work item's columns from its task and the task's annotation."""
    props = properties(task)
    spec = task.task_spec
    # A multi-instance task's children are specs of their own ("review [child]"); the
    # element id names the task the diagram and its forms know.
    row.task_name = getattr(spec, "bpmn_id", None) or spec.name
    row.title = (spec.bpmn_name or row.task_name)[:300]
    row.process_key = case.workflow.spec.name
    row.lane = getattr(spec, "lane", None)
    row.candidate_org_id = notes.get("candidate_org_id")
    row.candidate_role = notes.get("candidate_role")
    row.assignee_id = notes.get("assignee_id")
    row.priority = task_priority(props)
    row.form_key = props.get("formKey")
    row.entity_id = case.row.entity_id
    row.area_code = case.row.area_code
    row.created_at = _when(notes.get("created_at")) or now
    row.due_at = _when(notes.get("due_at"))
    row.follow_up_at = _when(notes.get("follow_up_at"))
    row.claimed_at = _when(notes.get("claimed_at"))
    row.status = item_status(task.state)
    if row.status == WorkItemStatus.OPEN:
        row.completed_at, row.completed_by_id = None, None
        return
    row.completed_at = _when(notes.get("completed_at")) or row.completed_at or now
    if row.status == WorkItemStatus.COMPLETED:
        row.completed_by_id = notes.get("completed_by_id")


def item_status(state: int) -> WorkItemStatus:
    """A work item's status from its task's state (ready, completed, or ended otherwise)."""
    if state == TaskState.READY:
        return WorkItemStatus.OPEN
    return WorkItemStatus.COMPLETED if state == TaskState.COMPLETED else WorkItemStatus.CANCELLED


def task_priority(props: dict[str, str]) -> int:
    return PRIORITIES.get(props.get("priority", "normal"), 2)


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def waiting_timers(case: Case) -> list[tuple[Task, datetime]]:
    """Each waiting timer event of the instance with the moment it is due."""
    found = []
    for task in tasks_in(case.workflow, TaskState.WAITING):
        due = timer_due(task.task_spec, task._get_internal_data("event_value"))
        if due is not None:
            found.append((task, due))
    return found


def timer_due(spec: TaskSpec, value: Any) -> datetime | None:
    """When a waiting task's timer is due, from its event value (None: not a waiting timer).

    A timer may sit inside a multiple event: an event-based gateway holds the events of
    the catches that follow it as one, and its task keeps the timer's value.
    """
    if value is None:
        return None
    timers = [event for event in events_of(getattr(spec, "event_definition", None))
              if isinstance(event, TimerEventDefinition)]
    return min(filter(None, (_due(event, value) for event in timers)), default=None)


def _due(event: TimerEventDefinition, value: Any) -> datetime | None:
    if isinstance(event, CycleTimerEventDefinition):
        if not isinstance(value, dict) or value.get("cycles") == 0:
            return None
        return datetime.fromisoformat(value["next"])
    parsed = TimerEventDefinition.parse_time_or_duration(value)
    return parsed if isinstance(parsed, datetime) else None


def sync_timers(session: Session, case: Case, is_new: bool = False) -> None:
    """One timer row per waiting timer; rows of timers no longer waiting go away.

    Core statements keyed by (instance, task): a delete of what stopped waiting
    and an upsert of what waits (a changed due time resets the attempts).
    """
    wanted = {str(task.id): (task, due) for task, due in waiting_timers(case)}
    if not is_new:
        session.execute(delete(Timer).where(Timer.instance_id == case.row.id,
                                            Timer.task_id.not_in(list(wanted)))
                        .execution_options(synchronize_session=False))
    if not wanted:
        return
    rows = [dict(instance_id=case.row.id, task_id=key, attempts=0, due_at=due,
                 element=task.task_spec.name[:200],
                 event_name=(task.task_spec.bpmn_name or task.task_spec.name)[:200],
                 interrupting=getattr(task.task_spec, "cancel_activity", None))
            for key, (task, due) in wanted.items()]
    if is_new:
        session.execute(insert(Timer), rows)
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(Timer)
    moved = Timer.__table__.c.due_at != upsert.excluded.due_at
    session.execute(upsert.on_conflict_do_update(
        index_elements=["instance_id", "task_id"],
        set_={"due_at": upsert.excluded.due_at, "event_name": upsert.excluded.event_name,
              "element": upsert.excluded.element,
              "interrupting": upsert.excluded.interrupting,
              "attempts": case_when((moved, 0), else_=Timer.__table__.c.attempts),
              "last_error": case_when((moved, None), else_=Timer.__table__.c.last_error)}),
        rows)
