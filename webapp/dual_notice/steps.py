"""The steps of a notice: claim, return, dispatch, record the outcome, revoke, re-route,
terminate. Each checks its form, calls one engine function and commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm

from engine.dual_notice import notices
from engine.errors import InvalidInput
from webapp import database
from webapp.access import actor, back
from webapp.dual_notice.forms import (
    DispatchForm,
    OutcomeForm,
    RerouteForm,
    ReturnNoticeForm,
    RevokeForm,
    TerminateForm,
)
from webapp.dual_notice.page import render_notice
from webapp.prg import send_back
from webapp.work.tasks.forms import ActionForm

# The engine's field names and refusals, as the forms name and say them.
FIELDS = {"return_reason": "reason", "return_note": "note", "new_department": "department",
          "user_id": "target", "org_unit_id": "target"}
REFUSALS = {
    "required": _l("This field is required."),
    "in_the_future": _l("The date lies in the future."),
    "same_department": _l("Choose another department or licence item."),
    "not_department": _l("Choose a department."),
    "unknown": _l("Choose a licence item of the routing table."),
    "not_a_target": _l("That department does not license this item in the entity's area."),
    "outside_department": _l("Choose a person or unit of the department."),
    "out_of_scope": _l("Choose a person or unit of the department."),
    "too_long": _l("Enter at most %(n)d characters.", n=500),
}


def run_step(notice_id: int, key: str, form: FlaskForm, step: Callable[[Any], object],
             done: str, to: str | None = None) -> ResponseReturnValue:
    """Check the form, take the step, commit and go on; or show the page again with the
    errors next to the fields."""
    if not form.validate_on_submit():
        return failed(notice_id, key, form)
    try:
        step(form)
    except InvalidInput as exc:
        database.rollback()
        for name, code in (exc.details.get("fields") or {}).items():
            field = form._fields.get(FIELDS.get(name, name))
            if field is not None:
                field.errors = [*field.errors, str(REFUSALS.get(code, REFUSALS["required"]))]
        return failed(notice_id, key, form)
    database.commit()
    flash(done, "success")
    return redirect(to or url_for("notices.show", notice_id=notice_id))


def failed(notice_id: int, key: str, form: FlaskForm) -> ResponseReturnValue:
    """Back to the notice with the failed form kept (PRG), or shown here if too large."""
    return (send_back(form, f"notice:{notice_id}:{key}",
                      url_for("notices.show", notice_id=notice_id))
            or render_notice(notice_id, failed={key: form}, status=422))


@login_required
def claim(notice_id: int) -> ResponseReturnValue:
    return run_step(notice_id, "action", ActionForm(), lambda _f: notices.notice_claim(
        database.session(), actor(), notice_id),
        _("Claimed: the entity is in your supervision directory now."))


@login_required
def return_back(notice_id: int) -> ResponseReturnValue:
    return run_step(notice_id, "return", ReturnNoticeForm(), lambda f: notices.notice_return(
        database.session(), actor(), notice_id, f.reason.data, f.note.data),
        _("Returned to the registration authority."), url_for("notices.index"))


@login_required
def dispatch(notice_id: int) -> ResponseReturnValue:
    return run_step(notice_id, "dispatch", DispatchForm(), lambda f: notices.notice_dispatch(
        database.session(), actor(), notice_id, **f.parsed()), _("The case was dispatched."))


@login_required
def outcome(notice_id: int) -> ResponseReturnValue:
    return run_step(notice_id, "outcome", OutcomeForm(), lambda f: notices.notice_record_outcome(
        database.session(), actor(), notice_id, f.outcome.data, licence_no=f.licence_no.data,
        licence_date=f.licence_date.data or None, note=f.note.data or ""),
        _("The outcome was recorded; the case is closed."))


@login_required
def revoke(notice_id: int) -> ResponseReturnValue:
    return run_step(notice_id, "revoke", RevokeForm(), lambda f: notices.notice_revoke_claim(
        database.session(), actor(), notice_id, f.reason.data),
        _("The claim was revoked: the notice waits for a claim again."))


@login_required
def reroute(notice_id: int) -> ResponseReturnValue:
    def step(form: RerouteForm) -> object:
        return notices.notice_reroute(database.session(), actor(), notice_id,
                                      int(form.department.data),
                                      licence_item=form.licence_item.data, note=form.note.data)

    return run_step(notice_id, "reroute", RerouteForm(), step,
                    _("Re-routed: a new notice went to the department."),
                    back(url_for("registry.returned")))


@login_required
def terminate(notice_id: int) -> ResponseReturnValue:
    return run_step(notice_id, "terminate", TerminateForm(), lambda f: notices.notice_terminate(
        database.session(), actor(), notice_id, f.note.data),
        _("The push was terminated."), back(url_for("registry.returned")))
