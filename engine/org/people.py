"""Managing people: system administrators manage every account, department administrators
the officers and administrators of their own department. A new or reset account gets a
one-time password that must be changed at the next sign-in; every change is audited with
what it was before; the last active system administrator cannot be removed.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import OrgUnit, Role, User, UserRole
from engine.org import scope
from engine.org.passwords import hash_password
from engine.org.sessions import end_sessions

# What a department administrator may give: the roles of their own department's work.
DEPARTMENT_ROLES = frozenset({Role.OFFICER, Role.DEPT_ADMIN})
USERNAME_CHARS = frozenset(string.ascii_lowercase + string.digits + "_.-")
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Person:
    """What an administrator sets on an account."""

    display_name: str
    unit: OrgUnit
    roles: frozenset[Role]
    certificate_no: str | None = None
    certificate_expires: date | None = None


def manageable(session: Session, actor: audit.Actor) -> tuple[User, list[str] | None]:
    """The acting administrator and the unit subtrees whose people they manage (None:
    all); Forbidden for anyone else."""
    admin = session.get(User, actor.user_id) if actor.user_id is not None else None
    if admin is None or admin.has_role(Role.SYSADMIN):
        return admin, None  # type: ignore[return-value]  # the CLI, or a system admin
    department = scope.department_of(session, admin)
    if not admin.has_role(Role.DEPT_ADMIN) or department is None:
        raise Forbidden("only administrators manage people", code="not_a_people_admin")
    return admin, [department.path]


def people(session: Session, actor: audit.Actor) -> list[User]:
    """The accounts the actor manages, active first, by user name."""
    _admin, roots = manageable(session, actor)
    query = select(User).join(OrgUnit, OrgUnit.id == User.org_unit_id)
    if roots is not None:
        query = query.where(scope.org_filter_roots(roots, User.org_unit_id))
    return list(session.execute(query.order_by(User.active.desc(), User.username)).scalars())


def person(session: Session, actor: audit.Actor, user_id: int) -> User:
    """An account the actor manages; NotFound for any other (ids do not leak)."""
    for user in people(session, actor):
        if user.id == user_id:
            return user
    raise _not_found(user_id)


def create_person(session: Session, actor: audit.Actor, username: str, who: Person
                  ) -> tuple[User, str]:
    """A new account with a one-time password (returned once, never stored in clear)."""
    username = username.strip().lower()
    if not (3 <= len(username) <= 64 and set(username) <= USERNAME_CHARS):
        raise InvalidInput("bad user name", fields={"username": "bad_username"})
    if session.execute(select(User.id).where(User.username == username)).scalar():
        raise InvalidInput("user name taken", fields={"username": "taken"})
    check_person(session, actor, who)
    password = one_time_password()
    user = User(username=username, display_name=who.display_name.strip(),
                password_hash=hash_password(password), org_unit_id=who.unit.id, active=True,
                created_at=clock.now(), must_change_password=True,
                certificate_no=who.certificate_no, certificate_expires=who.certificate_expires)
    user.role_rows = [UserRole(role=r) for r in sorted(who.roles)]
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id, username=username,
                 after=_state(user))
    return user, password


def update_person(session: Session, actor: audit.Actor, user: User, who: Person) -> User:
    """Change an account's name, unit, roles and enforcement certificate."""
    person(session, actor, user.id)
    check_person(session, actor, who)
    if Role.SYSADMIN in user.roles and Role.SYSADMIN not in who.roles:
        _keep_an_administrator(session, user)
    before = _state(user)
    user.display_name, user.org_unit_id = who.display_name.strip(), who.unit.id
    user.certificate_no, user.certificate_expires = who.certificate_no, who.certificate_expires
    user.role_rows = [r for r in user.role_rows if r.role in who.roles]
    user.role_rows += [UserRole(role=r) for r in sorted(who.roles) if r not in user.roles]
    session.flush()
    session.refresh(user)
    audit.record(session, actor, "user.update", "user", user.id, username=user.username,
                 before=before, after=_state(user))
    return user


def reset_password(session: Session, actor: audit.Actor, user: User) -> str:
    """A new one-time password; the user's sessions end, and the next sign-in must change
    it."""
    person(session, actor, user.id)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_sessions(session, user)
    audit.record(session, actor, "user.reset_password", "user", user.id, username=user.username)
    return password


def deactivate_person(session: Session, actor: audit.Actor, user: User) -> User:
    """An account that may no longer sign in (never one's own, never the last system
    administrator)."""
    person(session, actor, user.id)
    if user.id == actor.user_id:
        raise Forbidden("an administrator cannot deactivate their own account",
                        code="own_account")
    if Role.SYSADMIN in user.roles:
        _keep_an_administrator(session, user)
    user.active = False
    end_sessions(session, user)
    audit.record(session, actor, "user.deactivate", "user", user.id, username=user.username)
    return user


def one_time_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def check_person(session: Session, actor: audit.Actor, who: Person) -> None:
    """InvalidInput naming each field of `who` the actor may not set so."""
    _admin, roots = manageable(session, actor)
    errors = {}
    if not who.display_name.strip() or len(who.display_name) > 100:
        errors["display_name"] = "required"
    if not who.roles:
        errors["roles"] = "required"
    if roots is not None and not scope.in_roots(roots, who.unit.path):
        errors["unit"] = "outside_department"
    if roots is not None and not who.roles <= DEPARTMENT_ROLES:
        errors["roles"] = "not_yours_to_give"
    if who.certificate_expires is not None and not who.certificate_no:
        errors["certificate_no"] = "required"
    if errors:
        raise InvalidInput("the account has errors", fields=errors)


def _keep_an_administrator(session: Session, user: User) -> None:
    others = session.execute(select(func.count(UserRole.id)).join(User).where(
        UserRole.role == Role.SYSADMIN, User.active.is_(True), User.id != user.id)).scalar_one()
    if not others:
        raise Conflict("the last active system administrator stays", code="last_sysadmin")


def _state(user: User) -> dict[str, object]:
    return {"display_name": user.display_name, "org_unit_id": user.org_unit_id,
            "roles": sorted(r.value for r in user.roles), "active": user.active,
            "certificate_no": user.certificate_no,
            "certificate_expires": (user.certificate_expires.isoformat()
                                    if user.certificate_expires else None)}


def _not_found(user_id: int) -> Exception:
    return NotFound(f"no user {user_id}", code="no_such_user")
