"""What every portal response gets: the rate limit per address (429 with Retry-After),
public caching with an ETag, a strict content policy, and never a cookie."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine import clock
from engine.db import transaction
from engine.org.rate import count_request, retry_after
from webapp import database
from webapp.config import settings

# No inline script or style at all: the portal's pages need neither.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])


def limit_rate() -> ResponseReturnValue | None:
    """Count the request against its address; past the limit, a readable 429."""
    config = settings()
    now = clock.now()
    with transaction(database.sessions()) as session:
        hits = count_request(session, f"portal:{request.remote_addr or '-'}", now,
                             config.portal_rate_window_seconds)
    if hits <= config.portal_rate_limit:
        return None
    wait = retry_after(now, config.portal_rate_window_seconds)
    response = Response(render_template(
        "portal/error.html", status=429, title=_("Too many requests"),
        message=_("This address asked for too many pages in a short time. Please wait "
                  "%(seconds)d seconds and try again.", seconds=wait)), status=429)
    response.headers["Retry-After"] = str(wait)
    response.headers["Cache-Control"] = "no-store"
    return response


def public_headers(response: Response) -> Response:
    """Cacheable by anyone when it is a plain page view; never a cookie."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={settings().portal_cache_seconds}"
        response.add_etag()
        response.make_conditional(request)
    else:
        response.headers.setdefault("Cache-Control", "no-store")
    response.headers.pop("Set-Cookie", None)
    return response


def language_links() -> dict[str, object]:
    """For every portal template: `keep` (the language argument links carry) and the
    address of this page in the other language."""
    if not request.path.startswith("/public/"):
        return {}
    english = request.args.get("lang") == "en"
    args = {k: v for k, v in request.args.items() if k != "lang"}
    other = url_for(request.endpoint or "portal.index", **(request.view_args or {}),
                    **args, **({} if english else {"lang": "en"}))
    return {"keep": {"lang": "en"} if english else {}, "other_language_url": other,
            "other_language": "中文" if english else "English"}
