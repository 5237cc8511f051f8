"""Sign-in sessions (flask-login), CSRF protection and the security headers of every response."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import joinedload

from engine.models import User
from engine.org.tokens import user_for_token
from webapp import database

login_manager = LoginManager()
csrf = CSRFProtect()
# The user's session generation when this session began (engine.org.sessions).
GENERATION = "generation"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    # bpmn-js positions its overlays with style attributes; scripts stay strictly 'self'.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class WebUser:
    """The signed-in engine user as flask-login wants it; `.user` is the engine's User."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: User, via_token: bool = False) -> None:
        self.user = user
        self.via_token = via_token

    def get_id(self) -> str:
        return str(self.user.id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.user, name)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_token_user)
    login_manager.unauthorized_handler(_unauthorized)
    csrf.init_app(app)
    app.after_request(_headers)


def keep_generation(generation: int) -> None:
    """The session goes on only while the user's session generation stays this one."""
    session[GENERATION] = generation


def _load_user(user_id: str) -> WebUser | None:
    # Every page needs the user's unit (scope, calendar) and roles (menus, checks): one
    # statement loads them with the user.
    user = database.session().get(User, int(user_id), options=[
        joinedload(User.org_unit), joinedload(User.role_rows)]) if user_id.isdigit() else None
    if user is None or not user.active:
        return None
    if database.in_practice():  # the account itself is the real one's
        with database.real_read_session() as real_session:
            real = real_session.get(User, user.id)
            if real is None or not real.active or \
                    session.get(GENERATION, 0) != real.session_generation:
                return None
        return WebUser(user)
    # Signed out, new password, deactivated or signed out by an administrator since.
    # A session from before generations were kept counts as the first generation.
    return WebUser(user) if session.get(GENERATION, 0) == user.session_generation else None


def _load_token_user(req: Any) -> WebUser | None:
    """Other systems call /api/v1 with `Authorization: Bearer <token>`."""
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    session = database.session()
    user = user_for_token(session, header.removeprefix("Bearer ").strip())
    if user is None:
        return None
    if session.dirty:  # last_used_at moved on: keep it even if the call only reads
        session.commit()
    return WebUser(user, via_token=True)


def _unauthorized() -> Response:
    if request.path.startswith("/api/"):
        response = jsonify(error="unauthorized", code="unauthorized",
                           message=gettext("Sign in, or send an API token."))
        response.status_code = 401
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if response.mimetype in ("text/html", "application/json") and not request.path.startswith(
            "/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
