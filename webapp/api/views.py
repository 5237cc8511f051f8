"""The API's views: parse JSON, call one engine function, commit, answer JSON."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine import runtime, tasks
from engine.errors import InvalidInput
from engine.models import WorkItem
from engine.runtime.forms import form_of_task
from engine.work import casework
from engine.work import inbox as inbox_queries
from webapp import database
from webapp.access import actor, user
from webapp.params import api_date, api_int
from webapp.work.inbox import user_calendar

MAX_PER_PAGE = 200


def item_json(item: WorkItem) -> dict[str, Any]:
    return {
        "id": item.id, "instance_id": item.instance_id, "task": item.task_name,
        "title": item.title, "process": item.process_key, "status": item.status.value,
        "priority": item.priority, "form_key": item.form_key, "entity_id": item.entity_id,
        "candidate_org_id": item.candidate_org_id, "candidate_role": item.candidate_role,
        "assignee_id": item.assignee_id,
        **{k: getattr(item, k).isoformat() if getattr(item, k) else None
           for k in ("created_at", "due_at", "claimed_at", "completed_at")},
    }


def body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object", fields={"body": "not_object"})
    return data


@login_required
def me() -> ResponseReturnValue:
    u = user()
    return jsonify(id=u.id, username=u.username, display_name=u.display_name,
                   org_unit=u.org_unit.code, roles=sorted(r.value for r in u.roles),
                   locale=u.locale)


@login_required
def inbox() -> ResponseReturnValue:
    tab = request.args.get("tab", "mine")
    if tab not in inbox_queries.TABS:
        raise InvalidInput("unknown tab", fields={"tab": "invalid_choice"})
    filters = inbox_queries.InboxFilter(
        process_key=request.args.get("process") or None,
        entity=request.args.get("entity") or None, due_from=api_date("due_from"),
        due_to=api_date("due_to"),
        priority=api_int(request.args.get("priority"), "priority", low=0))
    per_page = min(max(api_int(request.args.get("per_page"), "per_page") or 50, 1), MAX_PER_PAGE)
    page = inbox_queries.load_inbox(database.session(), user(), tab, user_calendar(), filters,
                                    api_int(request.args.get("page"), "page") or 1, per_page)
    return jsonify(tab=tab, page=page.page, per_page=page.per_page, total=page.total,
                   pages=page.pages, counts=page.counts, items=[
                       {**item_json(r.item), "entity_name": r.entity_name,
                        "entity_uscc": r.entity_uscc, "holder": r.holder_name,
                        "light": r.light, "age_workdays": r.age_workdays} for r in page.rows])


@login_required
def task(item_id: int) -> ResponseReturnValue:
    page = casework.task_page(database.session(), actor(), item_id)
    form = form_of_task(database.session(), page.item)
    fields = [{"name": f.name, "type": f.type, "required": f.required,
               "label_zh": f.label_zh, "label_en": f.label_en,
               "choices": [c.value for c in f.choices]} for f in form.fields] if form else []
    perms = page.permissions
    return jsonify(item=item_json(page.item), form=fields, permissions={
        "claim": perms.claim, "release": perms.release, "assign": perms.assign,
        "complete": perms.complete, "return": perms.return_})


def _done(item_id: int) -> ResponseReturnValue:
    database.commit()
    item = runtime.get_work_item(database.session(), actor(), item_id)
    return jsonify(item=item_json(item))


@login_required
def claim(item_id: int) -> ResponseReturnValue:
    runtime.claim(database.session(), actor(), item_id)
    return _done(item_id)


@login_required
def release(item_id: int) -> ResponseReturnValue:
    runtime.release(database.session(), actor(), item_id)
    return _done(item_id)


@login_required
def assign(item_id: int) -> ResponseReturnValue:
    data = body()
    tasks.assign_task(database.session(), actor(), item_id,
                      user_id=api_int(data.get("user_id"), "user_id"),
                      org_unit_id=api_int(data.get("org_unit_id"), "org_unit_id"))
    return _done(item_id)


@login_required
def complete(item_id: int) -> ResponseReturnValue:
    data = body().get("data", {})
    if not isinstance(data, dict):
        raise InvalidInput("data must be an object", fields={"data": "not_object"})
    unheld = runtime.get_work_item(database.session(), actor(), item_id).assignee_id is None
    instance = tasks.complete_task(database.session(), actor(), item_id, data)
    database.commit()
    return jsonify(instance_id=instance.id, status=instance.status.value,
                   claimed_on_completion=unheld)


@login_required
def return_back(item_id: int) -> ResponseReturnValue:
    data = body()
    instance = tasks.return_task(database.session(), actor(), item_id,
                                 str(data.get("reason", "")), str(data.get("note", "")))
    database.commit()
    return jsonify(instance_id=instance.id, status=instance.status.value)
