"""The cases a user sees, by state and area, with the light of the step each waits at;
the copy-to notices (抄告) received and sent, with their feedback state."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine import unlicensed
from engine.org import scope
from engine.org.areas import areas
from webapp import database
from webapp.access import user
from webapp.work.inbox import user_calendar


@login_required
def index() -> ResponseReturnValue:
    session, viewer = database.session(), user()
    state = request.args.get("state") if request.args.get("state") in unlicensed.STATES else None
    area = request.args.get("area") or None
    page = unlicensed.list_cases(session, viewer, state=state, area_code=area,
                                 page=request.args.get("page", 1, int))
    calendar = user_calendar()
    lights = {row.case.id: unlicensed.step_light(row.due_at, calendar) for row in page.rows}
    return render_template("unlicensed/index.html", page=page, lights=lights, state=state,
                           area=area, areas=areas(session),
                           enters=scope.department_of(session, viewer) is not None)


@login_required
def copies() -> ResponseReturnValue:
    box = "sent" if request.args.get("box") == "sent" else "inbox"
    page = unlicensed.copies(database.session(), user(), box,
                             page=request.args.get("page", 1, int))
    return render_template("unlicensed/copies.html", page=page, box=box,
                           today=user_calendar().today())
