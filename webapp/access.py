"""Who is asking: the engine actor and user of the request, and role checks that say 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user, login_required

from engine.audit import Actor
from engine.models import Role, User

MANAGER_ROLES = (Role.SUPERVISOR, Role.DEPT_ADMIN, Role.SYSADMIN, Role.AUDITOR)


def user() -> User:
    return current_user.user


def actor() -> Actor:
    origin = "api" if getattr(current_user, "via_token", False) else (request.remote_addr or "web")
    return Actor(current_user.username, origin, current_user.id)


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Signed in with one of `roles`; anyone else gets 404, as if the page did not exist."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not user().has_role(*roles):
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def safe_next(target: str | None, default: str) -> str:
    """A local path to go on to; anything pointing off-site becomes `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def back(default: str) -> str:
    """Where the user came from, when that was a page of ours."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return default
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path, default)
