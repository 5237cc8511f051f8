"""Who may do what in spot checks: the market regulator's administrators keep the item list;
a department's administrators plan, create tasks and draw; auditors and administrators
replay draws."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import audit, runtime
from engine.errors import Forbidden
from engine.models import OrgUnit, Role, User
from engine.org import scope


def is_regulator_admin(session: Session, user: User | None) -> bool:
    """System administrators, and the administrators of a market regulator (AMR)."""
    if user is None or user.has_role(Role.SYSADMIN):
        return True
    if not user.has_role(Role.DEPT_ADMIN):
        return False
    department = scope.department_of(session, user)
    return department is not None and department.code.endswith("-amr")


def require_regulator_admin(session: Session, actor: audit.Actor) -> User | None:
    user = runtime.actor_user(session, actor)
    if not is_regulator_admin(session, user):
        raise Forbidden("only the market regulator's administrators keep the item list",
                        code="not_regulator_admin")
    return user


def may_replay(user: User | None) -> bool:
    """Auditors (discipline inspection), department and system administrators."""
    return user is None or user.has_role(Role.AUDITOR, Role.DEPT_ADMIN, Role.SYSADMIN)


def organising_department(session: Session, actor: audit.Actor) -> OrgUnit | None:
    """The department whose tasks the actor organises and draws (their own, as its
    administrator); None for the CLI, which acts for any. System administrators keep the
    system, not the departments' spot checks."""
    user = runtime.actor_user(session, actor)
    if user is None:
        return None
    department = scope.department_of(session, user)
    if department is None or not user.has_role(Role.DEPT_ADMIN):
        raise Forbidden("only a department's administrators organise spot checks",
                        code="not_spot_check_organiser")
    return department


def require_organiser(session: Session, actor: audit.Actor, organiser_org_id: int) -> None:
    """Only the organising department's administrators (or the CLI) act on its tasks and
    draws."""
    department = organising_department(session, actor)
    if department is not None and department.id != organiser_org_id:
        raise Forbidden("only the organising department acts on its tasks",
                        code="not_your_task", org_unit_id=organiser_org_id)
