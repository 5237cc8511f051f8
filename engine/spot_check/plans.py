"""Annual spot-check plans (年度抽查计划): drafted by a department, filed with the level
above (报备) and approved or returned there, the filing a case of bpmn/spot_check_plan.bpmn
whose `plan_status` is the plan's state. The level above is the same department of the
parent area in the org tree; a city department's is outside the platform, and its filed
plan stands as filed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.config import PROJECT_DIR
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    OrgUnit,
    PlanState,
    Role,
    SpotCheckPlan,
    WorkItem,
    WorkItemStatus,
)
from engine.org import scope
from engine.runtime.cases import AFTER_SAVE, Case
from engine.runtime.deploy import deploy_shipped
from engine.runtime.derive import script_step_data
from engine.spot_check.access import organising_department, require_organiser

PLAN_PROCESS = "spot_check_plan"
PLAN_DIAGRAM = PROJECT_DIR / "bpmn" / "spot_check_plan.bpmn"
MAX_TITLE, MAX_REASON = 200, 1000


def create_plan(session: Session, actor: audit.Actor, year: int, title: str,
                org_unit_id: int | None = None) -> SpotCheckPlan:
    """A department's annual plan, a draft until filed with the level above. Audited."""
    department = organising_department(session, actor)
    unit_id = department.id if department is not None else org_unit_id
    if unit_id is None or not title.strip():
        raise InvalidInput("the plan has errors", fields={"title": "required"})
    if session.execute(select(SpotCheckPlan.id).where(
            SpotCheckPlan.org_unit_id == unit_id, SpotCheckPlan.year == year)).first():
        raise InvalidInput("the department has a plan for this year", fields={"year": "taken"})
    plan = SpotCheckPlan(org_unit_id=unit_id, year=year, title=title.strip()[:MAX_TITLE],
                         state=PlanState.DRAFT, created_by=actor.name, created_at=clock.now())
    session.add(plan)
    session.flush()
    audit.record(session, actor, "spot_check.plan_created", "spot_check_plan", plan.id,
                 year=year)
    return plan


def file_plan(session: Session, actor: audit.Actor, plan_id: int, title: str | None = None
              ) -> SpotCheckPlan:
    """File a draft plan with the level above (its case starts), or refile a returned one
    revised (`title`, the case's revise step). Audited."""
    plan = get_plan(session, plan_id)
    require_organiser(session, actor, plan.org_unit_id)
    if plan.state == PlanState.RETURNED:
        item = open_step(session, plan, "revise_plan")
        if title is not None and title.strip():
            plan.title = title.strip()[:MAX_TITLE]
        runtime.complete(session, actor, item.id, {"title": plan.title})
    elif plan.state == PlanState.DRAFT and plan.instance_id is None:
        _start_case(session, actor, plan)
    else:
        raise Conflict(f"plan {plan.id} is filed already", code="plan_filed")
    plan.filed_at = clock.now()
    audit.record(session, actor, "spot_check.plan_filed", "spot_check_plan", plan.id,
                 title=plan.title)
    return plan


def _start_case(session: Session, actor: audit.Actor, plan: SpotCheckPlan) -> None:
    department = session.get_one(OrgUnit, plan.org_unit_id)
    above = level_above(session, department)
    deploy_shipped(session, PLAN_PROCESS, PLAN_DIAGRAM)
    row = runtime.start_process(session, actor, PLAN_PROCESS, data={
        "department_org": department.code, "area_code": department.area_code,
        "plan_id": plan.id, "needs_approval": above is not None,
        "approver_org": above.code if above is not None else ""},
        business_key=f"spot-check-plan-{plan.id}", area_code=department.area_code)
    plan.instance_id = row.id


def level_above(session: Session, department: OrgUnit) -> OrgUnit | None:
    """The same department of the parent area in the org tree (the city's for a county's),
    as the serious list finds the regulator one level up; None when that area or its
    department is not on the platform (a city department's level above)."""
    area = session.execute(select(OrgUnit).where(OrgUnit.code == department.area_code)).scalar()
    parent = session.get(OrgUnit, area.parent_id) if area and area.parent_id else None
    if parent is None:
        return None
    suffix = department.code.removeprefix(f"{department.area_code}-")
    return session.execute(select(OrgUnit).where(
        OrgUnit.code == f"{parent.area_code}-{suffix}")).scalar()


def decide_plan(session: Session, actor: audit.Actor, plan_id: int, approve: bool,
                reason: str = "") -> SpotCheckPlan:
    """Approve or return (with a reason) a filed plan: the administrators of the level
    above only, as the case's approval step. Audited."""
    plan = get_plan(session, plan_id)
    department = session.get(OrgUnit, plan.org_unit_id)
    above = level_above(session, department) if department is not None else None
    user = runtime.actor_user(session, actor)
    if user is not None:
        own = scope.department_of(session, user)
        if above is None or own is None or own.id != above.id or not user.has_role(
                Role.DEPT_ADMIN):
            raise Forbidden("only the level above decides on a filed plan",
                            code="not_level_above", plan_id=plan.id)
    if plan.state != PlanState.FILED or plan.instance_id is None:
        raise Conflict(f"plan {plan.id} is not waiting for a decision", code="plan_not_filed")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidInput("a returned plan needs a reason", fields={"reason": "required"})
    if len(reason) > MAX_REASON:
        raise InvalidInput("the reason is too long", fields={"reason": "too_long"})
    item = open_step(session, plan, "approve_plan")
    plan.decided_by, plan.decided_at = actor.name, clock.now()
    plan.return_reason = None if approve else reason
    runtime.complete(session, actor, item.id, {
        "plan_decision": "approve" if approve else "return", "return_reason": reason})
    audit.record(session, actor, "spot_check.plan_decided", "spot_check_plan", plan.id,
                 approved=approve, reason=reason or None)
    return plan


def complete_plan_step(session: Session, actor: audit.Actor, item_id: int,
                       data: dict[str, Any]) -> SpotCheckPlan:
    """A step of a plan's case from the task page or the API: the decision (`decision`
    approve or return, `reason`), the refiling (`title`), or an urge."""
    item = runtime.get_work_item(session, actor, item_id)
    plan_id = plan_of_instance(session, item.instance_id)
    if plan_id is None:
        raise NotFound(f"work item {item_id} is no plan's step", code="no_such_plan")
    if item.task_name == "approve_plan":
        return decide_plan(session, actor, plan_id, data.get("decision") == "approve",
                           str(data.get("reason") or ""))
    if item.task_name == "revise_plan":
        return file_plan(session, actor, plan_id, str(data.get("title") or "") or None)
    runtime.complete(session, actor, item.id, data)
    return get_plan(session, plan_id)


def open_step(session: Session, plan: SpotCheckPlan, task_name: str) -> WorkItem:
    item = next((i for i in plan_steps(session, plan) if i.task_name == task_name), None)
    if item is None:
        raise Conflict(f"plan {plan.id} has no open {task_name}", code="plan_not_filed")
    return item


def plan_steps(session: Session, plan: SpotCheckPlan) -> list[WorkItem]:
    """The plan case's open steps, oldest first."""
    if plan.instance_id is None:
        return []
    return list(session.execute(select(WorkItem).where(
        WorkItem.instance_id == plan.instance_id,
        WorkItem.status == WorkItemStatus.OPEN).order_by(WorkItem.id)).scalars())


def plan_of_instance(session: Session, instance_id: int) -> int | None:
    return session.execute(select(SpotCheckPlan.id).where(
        SpotCheckPlan.instance_id == instance_id)).scalar()


def plan_names(session: Session, items: Sequence[WorkItem]) -> dict[int, str]:
    """{item id: the plan its case is about, as its department, year and title}: a plan
    concerns no market entity, so the inbox names it this way."""
    rows = session.execute(select(SpotCheckPlan.instance_id, OrgUnit.name, SpotCheckPlan.year,
                                  SpotCheckPlan.title)
                           .join(OrgUnit, OrgUnit.id == SpotCheckPlan.org_unit_id)
                           .where(SpotCheckPlan.instance_id.in_({i.instance_id for i in items})))
    names = {instance: f"{unit} · {year} · {title}" for instance, unit, year, title in rows}
    return {item.id: names[item.instance_id] for item in items if item.instance_id in names}


def plan_summary(session: Session, instance_id: int) -> list[tuple[str, str, str]]:
    """What a plan's case is about, for a task page: the department, the year, the title."""
    row = session.execute(select(OrgUnit.name, SpotCheckPlan.year, SpotCheckPlan.title)
                          .join(OrgUnit, OrgUnit.id == SpotCheckPlan.org_unit_id)
                          .where(SpotCheckPlan.instance_id == instance_id)).first()
    if row is None:
        return []
    return [("报备部门", "Department", row.name), ("年度", "Year", str(row.year)),
            ("抽查计划", "Plan", row.title)]


def list_plans(session: Session) -> list[SpotCheckPlan]:
    return list(session.execute(select(SpotCheckPlan).order_by(
        SpotCheckPlan.year.desc(), SpotCheckPlan.org_unit_id)).scalars())


def get_plan(session: Session, plan_id: int) -> SpotCheckPlan:
    plan = session.get(SpotCheckPlan, plan_id)
    if plan is None:
        raise NotFound(f"no plan {plan_id}", code="no_such_plan")
    return plan


def plans_to_decide(session: Session, actor: audit.Actor) -> set[int]:
    """Ids of the filed plans the actor decides on (as the level above)."""
    user = runtime.actor_user(session, actor)
    own = scope.department_of(session, user) if user is not None else None
    if own is None or user is None or not user.has_role(Role.DEPT_ADMIN):
        return set()
    filed = session.execute(select(SpotCheckPlan).where(
        SpotCheckPlan.state == PlanState.FILED)).scalars()
    found = set()
    for plan in filed:
        department = session.get(OrgUnit, plan.org_unit_id)
        above = level_above(session, department) if department is not None else None
        if above is not None and above.id == own.id and plan.instance_id is not None:
            found.add(plan.id)
    return found


def sync_plan(session: Session, case: Case, _thrown: list[Any]) -> None:
    """After each save of a plan's case: the state its diagram set, into the plan."""
    if case.row.definition.key != PLAN_PROCESS or case.row.id is None:
        return
    plan = session.get(SpotCheckPlan, case.workflow.data.get("plan_id") or 0)
    status = script_step_data(case.workflow, "plan_status").get("plan_status")
    if plan is None or status is None or status == plan.state.value:
        return
    plan.state = PlanState(status)
    audit.record(session, audit.SYSTEM, f"spot_check.plan_{status}", "spot_check_plan",
                 plan.id, instance_id=case.row.id)


AFTER_SAVE.append(sync_plan)
