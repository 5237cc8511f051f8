"""Annual spot-check plans (年度抽查计划): drafted by a department, filed with the level
above (报备), approved or returned there. A city department's level above is outside the
system: its filed plan stands as filed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import OrgUnit, PlanState, Role, SpotCheckPlan
from engine.org import areas, scope
from engine.spot_check.access import organising_department, require_organiser


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
    plan = SpotCheckPlan(org_unit_id=unit_id, year=year, title=title.strip(),
                         state=PlanState.DRAFT, created_by=actor.name, created_at=clock.now())
    session.add(plan)
    session.flush()
    audit.record(session, actor, "spot_check.plan_created", "spot_check_plan", plan.id,
                 year=year)
    return plan


def file_plan(session: Session, actor: audit.Actor, plan_id: int) -> SpotCheckPlan:
    """File a draft (or returned) plan with the level above (报备). Audited."""
    plan = get_plan(session, plan_id)
    require_organiser(session, actor, plan.org_unit_id)
    if plan.state not in (PlanState.DRAFT, PlanState.RETURNED):
        raise Conflict(f"plan {plan.id} is filed already", code="plan_filed")
    plan.state, plan.filed_at = PlanState.FILED, clock.now()
    audit.record(session, actor, "spot_check.plan_filed", "spot_check_plan", plan.id)
    return plan


def list_plans(session: Session) -> list[SpotCheckPlan]:
    return list(session.execute(select(SpotCheckPlan).order_by(
        SpotCheckPlan.year.desc(), SpotCheckPlan.org_unit_id)).scalars())


def level_above(session: Session, department: OrgUnit) -> OrgUnit | None:
    """The same department of the city for a county's department; None for the city's."""
    city = areas.city_code(session)
    if city is None or department.area_code == city:
        return None
    suffix = department.code.removeprefix(f"{department.area_code}-")
    return session.execute(select(OrgUnit).where(
        OrgUnit.code == f"{city}-{suffix}")).scalar()


def decide_plan(session: Session, actor: audit.Actor, plan_id: int, approve: bool,
                reason: str = "") -> SpotCheckPlan:
    """Approve or return (with a reason) a filed plan: the administrators of the level
    above only. Audited."""
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
    if plan.state != PlanState.FILED:
        raise Conflict(f"plan {plan.id} is not waiting for a decision", code="plan_not_filed")
    if not approve and not reason.strip():
        raise InvalidInput("a returned plan needs a reason", fields={"reason": "required"})
    plan.state = PlanState.APPROVED if approve else PlanState.RETURNED
    plan.decided_by, plan.decided_at = actor.name, clock.now()
    audit.record(session, actor, "spot_check.plan_decided", "spot_check_plan", plan.id,
                 approved=approve, reason=reason.strip() or None)
    return plan


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
        if above is not None and above.id == own.id:
            found.add(plan.id)
    return found
