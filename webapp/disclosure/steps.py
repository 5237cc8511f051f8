"""The steps of a record: send it for review, review it, report a revoked decision, record a
credit repair application, and the other steps of its case with their own forms. Each
checks its form, calls one engine function and commits; a refusal is said on the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from engine import disclosure
from engine.errors import Conflict, InvalidInput
from engine.runtime.forms import form_of_task, load_form
from webapp import database
from webapp.access import actor
from webapp.disclosure.forms import ActionForm, RepairForm, RevokedForm
from webapp.disclosure.page import record_page
from webapp.errors import message_for
from webapp.forms import submitted_values, task_form_class
from webapp.i18n import select_locale
from webapp.prg import send_back


def run_step(record_id: int, key: str, form: FlaskForm, step: Callable[[], object],
             done: str) -> ResponseReturnValue:
    """Check the form, take the step, commit, back to the record; a failed form is kept
    (PRG) and a refusal said."""
    here = url_for("records.show", record_id=record_id)
    if not form.validate_on_submit():
        return send_back(form, f"record:{record_id}:{key}", here) or _shown(record_id, key, form)
    try:
        step()
    except InvalidInput as exc:
        database.rollback()
        for name in (exc.details.get("fields") or {}):  # type: ignore[union-attr]
            if name in form:
                form[name].errors = [*form[name].errors, _("This value is not accepted.")]
        return send_back(form, f"record:{record_id}:{key}", here) or _shown(record_id, key, form)
    except Conflict as exc:  # someone was first: say so on the record's page
        database.rollback()
        flash(message_for(exc), "error")
        return redirect(here)
    database.commit()
    flash(done, "success")
    return redirect(here)


def _shown(record_id: int, key: str, form: FlaskForm) -> ResponseReturnValue:
    return record_page(record_id, failed={key: form})


@login_required
def submit(record_id: int) -> ResponseReturnValue:
    """Send for review; a record with values missing or wrong (a draft another procedure
    made) goes to its form first, where each is marked."""
    form = ActionForm()
    if form.validate_on_submit():
        try:
            disclosure.submit(database.session(), actor(), record_id)
        except InvalidInput:
            database.rollback()
            flash(_("Complete the record first: some values are missing or wrong."), "error")
            return redirect(url_for("records.edit", record_id=record_id, check=1))
    return run_step(record_id, "action", form, lambda: None, _("Sent for review."))


@login_required
def review(record_id: int) -> ResponseReturnValue:
    """The review with the form of the case's own version (an administrator may have
    changed it since the case started), as the record's page drew it."""
    session = database.session()
    record = disclosure.get_record(session, actor(), record_id)
    item = next((i for i in disclosure.open_steps(session, record)
                 if i.task_name == "review_record"), None)
    if item is None:
        flash(_("This step is already done."), "error")
        return redirect(url_for("records.show", record_id=record_id))
    definition = form_of_task(session, item) or load_form("info_review")
    form = task_form_class(definition, select_locale())()

    def decide() -> Any:
        values = submitted_values(form, definition)
        return disclosure.review(session, actor(), record_id, str(values.get("decision", "")),
                                 str(values.get("return_reason") or ""), values)

    return run_step(record_id, f"step:{item.id}", form, decide, _("Review recorded."))


@login_required
def revoked(record_id: int) -> ResponseReturnValue:
    form = RevokedForm()
    return run_step(record_id, "revoked", form, lambda: disclosure.report_revocation(
        database.session(), actor(), record_id, form.reason.data),
        _("Noted: the record must be withdrawn within 3 working days."))


@login_required
def repair(record_id: int) -> ResponseReturnValue:
    form = RepairForm()
    return run_step(record_id, "repair", form, lambda: disclosure.apply_for_repair(
        database.session(), actor(), record_id, form.statement.data),
        _("The credit repair application goes to the department administrator."))


@login_required
def step(record_id: int, item_id: int) -> ResponseReturnValue:
    """Any other step of the record's case (withdraw, review a repair, urge), with its form."""
    session = database.session()
    record = disclosure.get_record(session, actor(), record_id)
    item = next((i for i in disclosure.open_steps(session, record) if i.id == item_id), None)
    if item is None:
        flash(_("This step is already done."), "error")
        return redirect(url_for("records.show", record_id=record_id))
    definition = form_of_task(database.session(), item)
    form: FlaskForm = (task_form_class(definition, select_locale())() if definition
                       else ActionForm())

    def complete() -> Any:
        values = submitted_values(form, definition) if definition else {}
        return disclosure.complete_step(session, actor(), item_id, values)

    return run_step(record_id, f"step:{item_id}", form, complete, _("Done."))

