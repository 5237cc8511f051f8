"""Flask configuration derived from the platform's settings."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.config import Settings, secret_key

FORM_OVERHEAD_BYTES = 256 * 1024


PUBLIC_PREFIX = "/public/"
# What browsers fetch on their own, for any page (the portal's too): never a session.
BROWSER_FETCHES = frozenset({"/favicon.ico", "/robots.txt"})


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS; the public
    portal never sets, refreshes or clears one (its pages are cacheable by anyone), nor
    does what a browser fetches by itself while showing the portal (its icon)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.path.startswith(PUBLIC_PREFIX) or request.path in BROWSER_FETCHES:
            return
        super().save_session(app, session, response)


def init_app(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_NAME="creditflow_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=settings.upload_max_bytes + FORM_OVERHEAD_BYTES,
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        WTF_I18N_ENABLED=False,
        BABEL_DEFAULT_LOCALE="zh_CN",
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.session_interface = SessionInterface()
    app.extensions["creditflow.settings"] = settings
    if settings.proxy_hops > 0:
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def settings() -> Settings:
    from flask import current_app

    return current_app.extensions["creditflow.settings"]
