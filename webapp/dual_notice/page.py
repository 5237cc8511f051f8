"""The page of one notice: the entity, the state and light, the history, and its steps."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from engine.dual_notice import queries as notice_queries
from engine.work import casework
from webapp import database
from webapp.access import actor, user
from webapp.config import settings
from webapp.dual_notice.forms import (
    DispatchForm,
    OutcomeForm,
    RerouteForm,
    ReturnNoticeForm,
    RevokeForm,
    TerminateForm,
)
from webapp.prg import recall
from webapp.work.inbox import user_calendar
from webapp.work.tasks.forms import ActionForm, CommentForm, UploadForm

FORMS: dict[str, type[FlaskForm]] = {
    "action": ActionForm, "return": ReturnNoticeForm, "dispatch": DispatchForm,
    "outcome": OutcomeForm, "revoke": RevokeForm, "reroute": RerouteForm,
    "terminate": TerminateForm}


def render_notice(notice_id: int, *, failed: dict[str, FlaskForm] | None = None,
                  status: int = 200) -> ResponseReturnValue:
    """The page, with a form that failed (keeping what was typed) or fresh ones."""
    session = database.session()
    page = notice_queries.notice_page(session, actor(), notice_id, user_calendar())
    forms = {key: recall(kind, f"notice:{notice_id}:{key}") or kind(formdata=None)
             for key, kind in FORMS.items()} | (failed or {})
    if page.actions.dispatch:
        forms["dispatch"].fill(*notice_queries.dispatch_targets(session, page.notice))
    if page.actions.reroute:
        forms["reroute"].fill(notice_queries.routing_choices(session, page.entity.area_code),
                              page.notice.licence_item)
    case = case_file(session, page.notice.instance_id, page.open_item_id)
    return render_template("notices/show.html", page=page, notice=page.notice,
                           actions=page.actions, forms=forms, case=case,
                           comment_form=CommentForm(), upload_form=UploadForm(),
                           upload_mb=settings().upload_max_bytes // (1024 * 1024)), status


def case_file(session: Session, instance_id: int | None, open_item_id: int | None
              ) -> casework.TaskPage | None:
    """The case around the notice (diagram, comments, files), through its open step or
    else its latest one the user sees."""
    if instance_id is None:
        return None
    item_id = open_item_id or casework.latest_item_for(session, user(), instance_id)
    return casework.task_page(session, actor(), item_id) if item_id else None


@login_required
def show(notice_id: int) -> ResponseReturnValue:
    return render_notice(notice_id)
