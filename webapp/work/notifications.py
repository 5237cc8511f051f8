"""Notifications: the list, marking read, and the link on to the task."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest

from engine.work import notifications
from webapp import database
from webapp.access import user
from webapp.params import page_arg

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
KIND_LABELS = {
    "assigned": _l("Assigned to you"),
    "returned": _l("Returned"),
    "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"),
    "escalated": _l("Escalated"),
    "urged": _l("Urged (催办)"),
}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    page = notifications.notifications_of(database.session(), user(),
                                          page_arg())
    return render_template("notifications/index.html", page=page, kind_labels=KIND_LABELS,
                           form=FlaskForm())


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int) -> ResponseReturnValue:
    """Mark it read and go to its task."""
    if not FlaskForm().validate_on_submit():
        raise BadRequest()
    row = notifications.read_one(database.session(), user(), notification_id)
    database.commit()
    if row.work_item_id is None:
        return redirect(url_for("notifications.index"))
    return redirect(url_for("tasks.show", item_id=row.work_item_id))


@bp.post("/read")
@login_required
def read_all() -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        raise BadRequest()
    notifications.mark_read(database.session(), user())
    database.commit()
    return redirect(url_for("notifications.index"))
