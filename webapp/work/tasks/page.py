"""The task page: the case around the task, its form, and completing or returning it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from engine import domains, runtime, tasks
from engine.errors import InvalidInput
from engine.models import WorkItem
from engine.runtime.forms import form_of_task
from engine.work import casework
from engine.work.inbox import deadline_light
from engine.work.returns import return_route
from webapp import database
from webapp.access import actor, user
from webapp.config import settings
from webapp.forms import add_engine_errors, submitted_values, task_form_class
from webapp.i18n import select_locale
from webapp.prg import recall, send_back
from webapp.work.inbox import user_calendar
from webapp.work.tasks.forms import (
    REASON_LABELS,
    ActionForm,
    AssignForm,
    CommentForm,
    ReturnForm,
    UploadForm,
    UrgeForm,
)


def task_form(item: WorkItem) -> FlaskForm | None:
    """The form of the item as its process version has it (see forms.form_for)."""
    definition = form_of_task(database.session(), item)
    return None if definition is None else task_form_class(definition, select_locale())()


def return_form(item: WorkItem, form: ReturnForm | None = None) -> ReturnForm:
    """The return form (a failed one, or a fresh one) with the reasons this task's diagram
    and form allow."""
    form = form or ReturnForm()
    route = return_route(database.session(), item)
    if route is None:
        return form
    english = select_locale().startswith("en")
    definition = form_of_task(database.session(), item)
    spec = next((f for f in definition.fields if f.name == "return_reason"),
                None) if definition else None
    own = {c.value: c.en if english else c.zh for c in spec.choices} if spec else {}
    form.reason.choices = [("", _("— choose —")), *(
        (code, own.get(code) or str(REASON_LABELS.get(code, code))) for code in route.reasons)]
    return form


def render_task(item_id: int, *, form: FlaskForm | None = None,
                return_back_form: ReturnForm | None = None, status: int = 200
                ) -> ResponseReturnValue:
    """The page, with the given (possibly failed) forms or fresh ones."""
    page = casework.task_page(database.session(), actor(), item_id)
    assign_form = AssignForm()
    if page.permissions.assign:
        assign_form.fill(*casework.assign_targets(database.session(), user(), page.item))
    definition = form_of_task(database.session(), page.item)
    return render_template(
        "tasks/show.html", page=page, item=page.item, perms=page.permissions,
        definition=definition, form=form or task_form(page.item),
        return_form=return_back_form or return_form(page.item), assign_form=assign_form,
        action_form=ActionForm(), comment_form=CommentForm(), upload_form=UploadForm(),
        urge_form=UrgeForm(), locale=select_locale(),
        summary=domains.case_summary(database.session(), page.item.process_key,
                                     page.item.instance_id),
        last_urge=tasks.last_urge(database.session(), page.item) if page.permissions.urge
        else None,
        light_value=deadline_light(page.item, user_calendar()),
        upload_mb=settings().upload_max_bytes // (1024 * 1024)), status


# Domains whose cases are worked on a page of their own: process key → (endpoint, its
# argument). Their tasks open there, so a case step is one thing with one way to act.
CASE_PAGES = {"dual_notice": ("notices.show", "notice_id"),
              "abnormal_list": ("lists.show", "entry_id"),
              "serious_list": ("lists.show", "entry_id"),
              "spot_check": ("inspections.show", "inspection_id"),
              "unlicensed_case": ("unlicensed.show", "case_id")}


def case_page(item: WorkItem) -> str | None:
    """The domain page of the item's case, when its domain has one."""
    page = CASE_PAGES.get(item.process_key)
    record = domains.case_record(database.session(), item.process_key, item.instance_id) \
        if page else None
    return url_for(page[0], **{page[1]: record}) if page and record is not None else None


@login_required
def show(item_id: int) -> ResponseReturnValue:
    item = runtime.get_work_item(database.session(), actor(), item_id)
    own_page = case_page(item)
    if own_page:
        return redirect(own_page)
    kept = None
    definition = form_of_task(database.session(), item)
    if definition is not None:
        kept = recall(task_form_class(definition, select_locale()), f"task:{item_id}:complete")
    returned = recall(ReturnForm, f"task:{item_id}:return")
    return render_task(item_id, form=kept,
                       return_back_form=return_form(item, returned) if returned else None)


def failed(item_id: int, step: str, kept: FlaskForm, **forms: FlaskForm
           ) -> ResponseReturnValue:
    """Back to the task page with the failed form kept (PRG); rendered here only when the
    form is too large to keep."""
    return (send_back(kept, f"task:{item_id}:{step}", url_for("tasks.show", item_id=item_id))
            or render_task(item_id, status=422, **forms))


def next_step(instance_id: int) -> str:
    """Where the work goes on after a step: the case's next task when the user holds it or
    may take it, else the inbox."""
    following = casework.next_item_for(database.session(), user(), instance_id)
    return url_for("tasks.show", item_id=following) if following else url_for("inbox.index")


@login_required
def complete(item_id: int) -> ResponseReturnValue:
    item = runtime.get_work_item(database.session(), actor(), item_id)
    form = task_form(item) or ActionForm()
    if not form.validate_on_submit():
        return failed(item_id, "complete", form, form=form)
    definition = form_of_task(database.session(), item)
    values = submitted_values(form, definition) if definition else {}
    try:
        tasks.complete_task(database.session(), actor(), item_id, values)
    except InvalidInput as exc:
        database.rollback()
        add_engine_errors(form, exc.details.get("fields") or {})
        return failed(item_id, "complete", form, form=form)
    database.commit()
    flash(_("Task completed."), "success")
    return redirect(next_step(item.instance_id))


@login_required
def return_back(item_id: int) -> ResponseReturnValue:
    form = return_form(runtime.get_work_item(database.session(), actor(), item_id))
    if not form.validate_on_submit():
        return failed(item_id, "return", form, return_back_form=form)
    tasks.return_task(database.session(), actor(), item_id, form.reason.data, form.note.data)
    database.commit()
    flash(_("Task returned."), "success")
    return redirect(url_for("inbox.index"))
