"""What changes an entry: a proposal, a step of its case, an application recorded for the
entity. Each checks its form, calls one engine function and commits; a failed form comes
back (PRG) and a refusal is said on the page."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from engine import credit_lists, runtime
from engine.errors import Conflict, InvalidInput, NotFound, Refusal
from webapp import database
from webapp.access import actor
from webapp.credit_lists.forms import ApplicationForm, ProposeForm, RemovalForm, item_form
from webapp.credit_lists.pages import entry_page
from webapp.errors import message_for
from webapp.forms import submitted_values
from webapp.prg import send_back


def _run(entry_id: int, key: str, form: FlaskForm, act: Callable[[], object], done: str
         ) -> ResponseReturnValue:
    here = url_for("lists.show", entry_id=entry_id)
    if not form.validate_on_submit():
        return send_back(form, f"list:{entry_id}:{key}", here) or entry_page(
            entry_id, {key: form})
    try:
        act()
    except InvalidInput as exc:
        database.rollback()
        for name in (exc.details.get("fields") or {}):  # type: ignore[union-attr]
            target = name if name in form else ("reply" if "reply" in form else "text")
            if target in form:
                form[target].errors = [*form[target].errors, _("This value is not accepted.")]
        return send_back(form, f"list:{entry_id}:{key}", here) or entry_page(
            entry_id, {key: form})
    except Conflict as exc:  # someone was first, or the case moved on: say so on the page
        database.rollback()
        flash(message_for(exc), "error")
        return redirect(here)
    database.commit()
    flash(done, "success")
    return redirect(here)


@login_required
def propose() -> ResponseReturnValue:
    form = ProposeForm()
    back = url_for("lists.new")
    if not form.validate_on_submit():
        return send_back(form, "lists:new", back) or redirect(back)
    session = database.session()
    try:
        entity = credit_lists.entity_by_uscc(session, form.uscc.data)
        if form.list_type.data == "abnormal":
            entry = credit_lists.propose_abnormal(
                session, actor(), entity, reason=form.reason.data or "",
                trigger_source="entered", trigger_date=form.trigger_date.data,
                text=form.text.data)
        else:
            source = form.source_record.data
            entry = credit_lists.propose_serious(
                session, actor(), entity, violation=form.text.data,
                penalty=form.penalty.data or "", trigger_date=form.trigger_date.data,
                source_record_id=int(source) if source and source.isdigit() else None)
    except InvalidInput as exc:
        database.rollback()
        for name in (exc.details.get("fields") or {}):  # type: ignore[union-attr]
            field = {"violation": "text", "source_record_id": "uscc"}.get(name, name)
            if field in form:
                form[field].errors = [*form[field].errors, _("This value is not accepted.")]
        return send_back(form, "lists:new", back) or redirect(back)
    except (Conflict, NotFound) as exc:  # listed already, no such code: said on the form
        database.rollback()
        flash(message_for(exc), "error")
        return redirect(back)
    database.commit()
    flash(_("Proposed: the administrator decides now."), "success")
    return redirect(url_for("lists.show", entry_id=entry.id))


@login_required
def step(entry_id: int, item_id: int) -> ResponseReturnValue:
    session = database.session()
    try:
        item = runtime.get_work_item(session, actor(), item_id)
    except Refusal:
        abort(404)
    form_class, definition = item_form(item)
    form = form_class()
    values = (lambda: submitted_values(form, definition)) if definition else (
        lambda: {name: field.data for name, field in form._fields.items()
                 if name != "csrf_token"})
    return _run(entry_id, f"step:{item_id}", form, lambda: credit_lists.complete_list_task(
        session, actor(), item_id, values()), _("Step recorded."))


@login_required
def apply(entry_id: int, kind: str) -> ResponseReturnValue:
    session = database.session()
    if kind == "removal":
        form: FlaskForm = RemovalForm()
        return _run(entry_id, kind, form, lambda: credit_lists.apply_for_removal(
            session, actor(), entry_id, form.reason.data, form.text.data),
            _("Application recorded: the decision is due within 5 working days."))
    form = ApplicationForm()
    if kind == "objection":
        return _run(entry_id, kind, form, lambda: credit_lists.file_objection(
            session, actor(), entry_id, form.text.data),
            _("Objection recorded: it is accepted or rejected within 5 working days."))
    if kind == "early_removal":
        return _run(entry_id, kind, form, lambda: credit_lists.apply_for_early_removal(
            session, actor(), entry_id, form.text.data), _("Application recorded."))
    abort(404)
