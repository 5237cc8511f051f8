"""The organisation tree and user accounts."""

from __future__ import annotations

import urllib.parse
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import InvalidInput, NotFound
from engine.models import OrgKind, OrgUnit, Role, User, UserRole
from engine.org.passwords import MIN_PASSWORD_LENGTH, hash_password
from engine.org.sessions import end_sessions


def add_org_unit(session: Session, code: str, name: str, kind: OrgKind, area_code: str,
                 parent: OrgUnit | None = None) -> OrgUnit:
    """Create a unit, or update the one with this code; keeps the materialised path."""
    unit = session.execute(select(OrgUnit).where(OrgUnit.code == code)).scalar()
    if unit is None:
        unit = OrgUnit(code=code)
        session.add(unit)
    unit.name, unit.kind, unit.area_code = name, kind, area_code
    unit.parent_id = parent.id if parent else None
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def set_webhook(session: Session, actor: audit.Actor, unit: OrgUnit, url: str | None,
                secret: str | None = None) -> OrgUnit:
    """The unit's group robot (an http(s) URL), to which its people's notifications are
    posted, and its signing secret if it has one (DingTalk's 加签); None or blank: none.
    The URL holds the robot's token: neither is audited."""
    url = (url or "").strip() or None
    parts = urllib.parse.urlsplit(url or "")
    if url is not None and (parts.scheme not in ("http", "https") or not parts.hostname
                            or len(url) > 500):
        raise InvalidInput("a webhook is an http(s) URL of at most 500 characters",
                           fields={"webhook_url": "invalid"})
    secret = ((secret or "").strip() or None) if url is not None else None
    if (unit.webhook_url, unit.webhook_secret) != (url, secret):
        unit.webhook_url, unit.webhook_secret = url, secret
        audit.record(session, actor, "org.webhook", "org_unit", unit.id, host=parts.hostname,
                     signed=secret is not None)
    return unit


def org_by_code(session: Session, code: str) -> OrgUnit:
    unit = session.execute(select(OrgUnit).where(OrgUnit.code == code)).scalar()
    if unit is None:
        raise NotFound(f"no org unit {code!r}", code="no_such_unit")
    return unit


def add_user(session: Session, actor: audit.Actor, username: str, display_name: str,
             password: str, org_code: str, roles: list[Role], *,
             certificate_no: str | None = None, certificate_expires: date | None = None
             ) -> User:
    """Create a user (or reset an existing one's details and password)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password too short", fields={"password": "min_length_8"})
    unit = org_by_code(session, org_code)
    user = session.execute(select(User).where(User.username == username)).scalar()
    created = user is None
    if user is None:
        user = User(username=username, created_at=clock.now())
        session.add(user)
    user.display_name, user.org_unit_id, user.active = display_name, unit.id, True
    user.password_hash = hash_password(password)
    user.certificate_no, user.certificate_expires = certificate_no, certificate_expires
    # Keep rows of roles that stay: replacing them all would insert before deleting.
    user.role_rows = [r for r in user.role_rows if r.role in roles]
    user.role_rows += [UserRole(role=r) for r in roles if r not in user.roles]
    session.flush()
    if not created:  # a reset password: whoever held the old one is signed out
        end_sessions(session, user)
    audit.record(session, actor, "user.create" if created else "user.update", "user",
                 user.id, username=username, org=org_code, roles=[r.value for r in roles])
    return user
