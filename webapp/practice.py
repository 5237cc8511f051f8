"""The practice copy (练习版) on the web: anyone signed in switches to it and back; a system
administrator makes it anew. Every practice page says so, in a colour of its own. Routes
of the `practice` blueprint."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, url_for
from flask import session as web_session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine import audit, practice
from engine.config import Settings
from engine.models import Role, User
from webapp import database
from webapp.access import actor, roles_required, user
from webapp.config import settings
from webapp.registry.jobs import jobs
from webapp.work.tasks.forms import ActionForm

bp = Blueprint("practice", __name__, url_prefix="/practice")


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    return render_template("practice/index.html", state=practice.practice_state(settings()),
                           resetting=practice.resetting(settings()),
                           may_reset=user().has_role(Role.SYSADMIN), action_form=ActionForm())


@bp.post("/enter")
@login_required
def enter() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("practice.index"))
    if practice.resetting(settings()) or practice.practice_state(settings()) is None:
        flash(_("The practice copy is not ready: a system administrator makes it first."),
              "error")
        return redirect(url_for("practice.index"))
    with database.practice_read_session() as copy:
        known = copy.get(User, user().id) is not None
    if not known:
        flash(_("Your account came after the practice copy was made: ask a system "
                "administrator to make it anew."), "error")
        return redirect(url_for("practice.index"))
    web_session[database.PRACTICE] = True
    flash(_("You are on the practice copy: nothing you do here reaches the real cases, and "
            "nothing is sent."), "success")
    return redirect(url_for("home"))


@bp.post("/leave")
@login_required
def leave() -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        web_session.pop(database.PRACTICE, None)
        flash(_("You are back on the real cases."), "success")
    return redirect(url_for("home"))


@bp.post("/reset")
@roles_required(Role.SYSADMIN)
def reset() -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        if practice.mark_resetting(settings()):
            jobs().submit(_reset, current_app._get_current_object(),  # type: ignore[attr-defined]
                          settings(), actor())
            flash(_("The practice copy is being made anew; this page says when it is ready."),
                  "success")
        else:
            flash(_("The practice copy is being made already."), "error")
    return redirect(url_for("practice.index"))


def _reset(app: Flask, config: Settings, who: audit.Actor) -> None:
    practice.reset_practice(config, who)
    database.forget_practice_engine(app)
