"""A department's records by state: drafts and returned, waiting for review, published,
recorded only, ended; with the buttons to enter a record of each category."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine import disclosure
from engine.disclosure import queries
from engine.org import scope
from webapp import database
from webapp.access import user
from webapp.work.inbox import user_calendar


@login_required
def index() -> ResponseReturnValue:
    session, viewer = database.session(), user()
    counts = queries.tab_counts(session, viewer)
    tab = request.args.get("tab")
    if tab not in queries.TABS:
        tab = next((t for t in ("drafts", "review") if counts[t]), "published")
    category = request.args.get("category") or None
    text = (request.args.get("q") or "").strip() or None
    page = queries.list_records(session, viewer, tab, category=category, text=text,
                                page=request.args.get("page", 1, int))
    enters = scope.department_of(session, viewer) is not None
    calendar = user_calendar()
    lights = {r.id: disclosure.record_light(r, calendar) for r in page.rows}
    return render_template("records/index.html", page=page, tab=tab, counts=counts,
                           lights=lights,
                           category=category, q=text or "", categories=disclosure.CATEGORIES,
                           enters=enters)
