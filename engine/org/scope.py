"""Who may see and act on what: org-unit scopes, in Python and as SQL filters."""

from __future__ import annotations

from sqlalchemy import ColumnElement, SQLColumnExpression, or_, select, true
from sqlalchemy.orm import Session

from engine.models import OrgKind, OrgUnit, Role, User, WorkItem

# Roles that satisfy a lane's candidate role.
SATISFIES: dict[str, frozenset[Role]] = {
    Role.OFFICER: frozenset({Role.OFFICER, Role.DEPT_ADMIN}),
    Role.DEPT_ADMIN: frozenset({Role.DEPT_ADMIN}),
    Role.SUPERVISOR: frozenset({Role.SUPERVISOR}),
}
MANAGERS = frozenset({Role.DEPT_ADMIN, Role.SUPERVISOR, Role.SYSADMIN})
# The units that hold work of their own: a department (with its sections and stations) or a
# joint-meeting office. Work is handed on within one of them, never across.
HEAD_KINDS = (OrgKind.DEPARTMENT, OrgKind.JOINT_OFFICE)


def scope_roots(session: Session, user: User) -> list[str] | None:
    """Path prefixes of the subtrees a user sees; None means everything.

    Officers and department administrators see their own unit and below; a
    supervisor of a joint-meeting office sees the whole area the office serves.
    """
    if user.has_role(Role.SYSADMIN, Role.AUDITOR):
        return None
    unit = user.org_unit
    roots = [unit.path]
    if user.has_role(Role.SUPERVISOR) and unit.kind == OrgKind.JOINT_OFFICE and unit.parent_id:
        parent = session.get(OrgUnit, unit.parent_id)
        if parent is not None:
            roots = [parent.path]
    return roots


def supervised_areas(session: Session, user: User) -> list[str] | None:
    """Area codes whose cases a supervisor watches; None means every area.

    A county's joint-meeting office watches its county; the city's office,
    system administrators and auditors watch them all.
    """
    if user.has_role(Role.SYSADMIN, Role.AUDITOR):
        return None
    unit = user.org_unit
    if unit.kind == OrgKind.JOINT_OFFICE and unit.parent_id:
        parent = session.get(OrgUnit, unit.parent_id)
        if parent is not None and parent.kind == OrgKind.CITY:
            return None
    return [unit.area_code]


def in_scope(session: Session, user: User, path: str) -> bool:
    return in_roots(scope_roots(session, user), path)


def in_roots(roots: list[str] | None, path: str) -> bool:
    """Whether `path` lies under one of the roots (None: everywhere)."""
    return roots is None or any(path.startswith(r) for r in roots)


def org_filter(session: Session, user: User, org_id_column: SQLColumnExpression[int | None]
               ) -> ColumnElement[bool]:
    """SQL: the org id in the column lies within the user's scope."""
    return org_filter_roots(scope_roots(session, user), org_id_column)


def org_filter_roots(roots: list[str] | None, org_id_column: SQLColumnExpression[int | None]
                     ) -> ColumnElement[bool]:
    """SQL: the org id in the column lies under one of the roots (None: anywhere)."""
    if roots is None:
        return true()
    units = select(OrgUnit.id).where(or_(*(OrgUnit.path.startswith(r) for r in roots)))
    return org_id_column.in_(units)


def work_item_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: work items the user may see (in scope, or held by them)."""
    return or_(org_filter(session, user, WorkItem.candidate_org_id),
               WorkItem.assignee_id == user.id)


def item_visible(session: Session, user: User, item: WorkItem) -> bool:
    if item.assignee_id == user.id or shared_with(item, user):
        return True
    if item.candidate_org_id is None:
        return scope_roots(session, user) is None
    unit = session.get(OrgUnit, item.candidate_org_id)
    return unit is not None and in_scope(session, user, unit.path)


def may_work_on(session: Session, user: User, item: WorkItem) -> bool:
    """Whether the user is a candidate: in the candidate unit (or below) with the role, or
    one the item is shared with."""
    if user.active and shared_with(item, user):
        return True
    if item.candidate_org_id is None or not user.active:
        return False
    unit = session.get(OrgUnit, item.candidate_org_id)
    if unit is None or not user.org_unit.path.startswith(unit.path):
        return False
    allowed = SATISFIES.get(item.candidate_role or Role.OFFICER, frozenset())
    return bool(user.roles & allowed)


def shared_with(item: WorkItem, user: User) -> bool:
    """Whether the item is shared with the user (one of a drawn pair)."""
    return any(share.user_id == user.id for share in item.shares)


def may_manage(session: Session, user: User, path: str) -> bool:
    """Whether the user may reassign or steer work in the subtree at `path`."""
    return is_manager(user) and in_scope(session, user, path)


def is_manager(user: User) -> bool:
    """Whether the user's roles may steer work (within their scope)."""
    return bool(user.roles & MANAGERS)


def department_of(session: Session, user: User) -> OrgUnit | None:
    """The department a user works in (their unit, or the department above a section
    or station)."""
    unit: OrgUnit | None = user.org_unit
    while unit is not None and unit.kind != OrgKind.DEPARTMENT:
        unit = session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
    return unit


def department_unit(session: Session, unit: OrgUnit) -> OrgUnit:
    """The department (or joint-meeting office) a unit belongs to: the nearest such unit at
    or above it; the unit itself when none is."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    heads = session.execute(select(OrgUnit).where(
        OrgUnit.id.in_(ids), OrgUnit.kind.in_(HEAD_KINDS))).scalars().all()
    return max(heads, key=lambda head: len(head.path), default=unit)


def may_take(user: User, role: str | None) -> bool:
    """Whether a person's roles let them work a task of the lane's candidate role."""
    return user.active and bool(user.roles & SATISFIES.get(role or Role.OFFICER, frozenset()))
