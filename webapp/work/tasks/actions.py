"""Buttons on a task: claim, release, hand to someone, urge."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import BadRequest

from engine import runtime, tasks
from engine.errors import Conflict
from webapp import database
from webapp.access import actor, back
from webapp.messages import reason_text
from webapp.templating import when
from webapp.work.tasks.forms import ActionForm, AssignForm, UrgeForm


def to_task(item_id: int) -> ResponseReturnValue:
    return redirect(url_for("tasks.show", item_id=item_id))


def visible(item_id: int) -> None:
    """404 for an item the user may not see, before anything else is looked at."""
    runtime.get_work_item(database.session(), actor(), item_id)


def checked(item_id: int, form_class: type) -> object:
    visible(item_id)
    form = form_class()
    if not form.validate_on_submit():
        raise BadRequest()
    return form


@login_required
def claim(item_id: int) -> ResponseReturnValue:
    checked(item_id, ActionForm)
    runtime.claim(database.session(), actor(), item_id)
    database.commit()
    flash(_("You hold this task now."), "success")
    return to_task(item_id)


@login_required
def release(item_id: int) -> ResponseReturnValue:
    checked(item_id, ActionForm)
    runtime.release(database.session(), actor(), item_id)
    database.commit()
    flash(_("The task is back with its unit."), "success")
    return to_task(item_id)


@login_required
def assign(item_id: int) -> ResponseReturnValue:
    form = checked(item_id, AssignForm)
    tasks.assign_task(database.session(), actor(), item_id, **form.parsed())  # type: ignore[attr-defined]
    database.commit()
    flash(_("The task was handed over."), "success")
    return redirect(back(url_for("tasks.show", item_id=item_id)))


@login_required
def urge(item_id: int) -> ResponseReturnValue:
    form = checked(item_id, UrgeForm)
    try:
        told = tasks.urge_task(database.session(), actor(), item_id, form.note.data or "")  # type: ignore[attr-defined]
    except Conflict as exc:
        database.rollback()
        if exc.code == "urged_today":
            at = datetime.fromisoformat(str(exc.details["at"]))
            flash(_("Already urged this working day, at %(at)s by %(by)s; once a working day "
                    "is enough.", at=when(at), by=exc.details.get("by") or "—"), "error")
        else:
            flash(str(reason_text(exc)), "error")
        return redirect(back(url_for("tasks.show", item_id=item_id)))
    database.commit()
    flash(_("Urged: %(count)d people were notified.", count=told), "success")
    return redirect(back(url_for("tasks.show", item_id=item_id)))
