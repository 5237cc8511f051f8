"""Where each role starts: where its work is."""

from __future__ import annotations

from flask import url_for

from engine.models import Role, User


def landing_url(user: User) -> str:
    """Officers and department administrators work their inbox; supervisors and the
    auditor watch what is late (the monitor); a system administrator's work is the
    people and tokens of the platform."""
    if user.has_role(Role.OFFICER, Role.DEPT_ADMIN):
        return url_for("inbox.index")
    if user.has_role(Role.SUPERVISOR, Role.AUDITOR):
        return url_for("monitor.index")
    if user.has_role(Role.SYSADMIN):
        return url_for("people.users")
    return url_for("inbox.index")
