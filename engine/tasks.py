"""Task commands of the web and API: the runtime's, with checks and the notifications they cause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, domains, runtime
from engine.calendar import calendar_for
from engine.db import settings_of
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import (
    Notification,
    NotificationKind,
    ProcessInstance,
    WorkItem,
    WorkItemStatus,
)
from engine.runtime.forms import form_of_task, validate
from engine.work.casework import manages
from engine.work.notifications import notify, notify_people_of, recipients
from engine.work.returns import return_route

NOTE_MAX = 500


def assign_task(session: Session, actor: audit.Actor, item_id: int, *,
                user_id: int | None = None, org_unit_id: int | None = None) -> WorkItem:
    """Hand an item to a person or a unit, and tell them."""
    item = runtime.assign(session, actor, item_id, user_id=user_id, org_unit_id=org_unit_id)
    session.flush()
    session.refresh(item)
    if user_id is not None and user_id != actor.user_id:
        notify(session, user_id, NotificationKind.ASSIGNED, item, actor_name=actor.name)
    elif org_unit_id is not None:
        notify_people_of(session, item, NotificationKind.ASSIGNED, actor_name=actor.name,
                         skip_user_id=actor.user_id)
    return item


def complete_task(session: Session, actor: audit.Actor, item_id: int,
                  raw: dict[str, Any]) -> ProcessInstance:
    """Check the submitted values against the task's form, then complete it."""
    item = runtime.get_work_item(session, actor, item_id)
    definition = form_of_task(session, item)
    data = validate(definition, raw) if definition is not None else {}
    return _complete(session, actor, item, data)


def _complete(session: Session, actor: audit.Actor, item: WorkItem,
              data: dict[str, Any]) -> ProcessInstance:
    """Complete through the service its domain registered for the process (it keeps the
    domain's rows in step), else through the runtime."""
    completer = domains.completer_for(item.process_key)
    if completer is not None:
        instance_id = item.instance_id
        completer(session, actor, item.id, data)
        session.flush()
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None
        return instance
    return runtime.complete(session, actor, item.id, data)


def return_task(session: Session, actor: audit.Actor, item_id: int, reason: str,
                note: str) -> ProcessInstance:
    """Send a task back down its diagram's return flow; the next holders are told why."""
    item = runtime.get_work_item(session, actor, item_id)
    if item.status != WorkItemStatus.OPEN:
        raise Conflict("this task is already finished", code="already_finished", item_id=item_id)
    route = return_route(session, item)
    if route is None:
        raise Forbidden("this task cannot be returned", code="not_returnable", item_id=item_id)
    note = (note or "").strip()
    errors = {name: code for name, code, bad in (
        ("reason", "invalid_choice", reason not in route.reasons),
        ("note", "required", not note),
        ("note", "too_long", len(note) > NOTE_MAX)) if bad}
    if errors:
        raise InvalidInput("the return needs a reason and a note", fields=errors)
    before = _open_items(session, item.instance_id)
    instance = _complete(session, actor, item, {
        route.field: route.value, "return_reason": reason, "return_note": note})
    audit.record(session, actor, "task.return", "work_item", item_id, reason=reason, note=note)
    for new_item in _open_items(session, item.instance_id).values():
        if new_item.id not in before:
            notify_people_of(session, new_item, NotificationKind.RETURNED, note=note,
                             actor_name=actor.name)
    return instance


def _open_items(session: Session, instance_id: int) -> dict[int, WorkItem]:
    session.flush()
    return {i.id: i for i in session.execute(select(WorkItem).where(
        WorkItem.instance_id == instance_id, WorkItem.status == WorkItemStatus.OPEN)).scalars()}


@dataclass(frozen=True)
class Urge:
    at: datetime
    by: str | None


def last_urge(session: Session, item: WorkItem) -> Urge | None:
    """When the item was last urged, and by whom (display name)."""
    row = session.execute(select(Notification.created_at, Notification.actor_name).where(
        Notification.work_item_id == item.id, Notification.kind == NotificationKind.URGED)
        .order_by(Notification.created_at.desc()).limit(1)).first()
    return Urge(row[0], row[1]) if row else None


def urge_task(session: Session, actor: audit.Actor, item_id: int, note: str = "") -> int:
    """催办: a manager urges the holder (or the candidates) of an open item; returns how many.

    Once per working day (an urge on a rest day counts for the working day before), and
    only when someone can be told: Conflict `urged_today` (with when and by whom) or
    `nobody_to_urge` otherwise, so an urge never reads "0 people notified".
    """
    item = runtime.get_work_item(session, actor, item_id)
    user = runtime.actor_user(session, actor)
    if item.status != WorkItemStatus.OPEN:
        raise InvalidInput("only open tasks can be urged", fields={"item": "closed"})
    if user is None or not manages(session, user, item):
        raise Forbidden("only the holder or a manager can urge this task",
                        code="not_holder_or_manager", item_id=item_id)
    last = last_urge(session, item)
    if last is not None and last.at >= _working_day_start(session, item):
        raise Conflict("this task was urged already this working day", code="urged_today",
                       item_id=item_id, at=last.at.isoformat(), by=last.by)
    if not [u for u in recipients(session, item) if u != user.id]:
        raise Conflict("nobody can be told: the task's unit has no one who may work it",
                       code="nobody_to_urge", item_id=item_id)
    note = (note or "").strip()[:NOTE_MAX]
    told = notify_people_of(session, item, NotificationKind.URGED, note=note,
                            actor_name=user.display_name, skip_user_id=user.id)
    audit.record(session, actor, "task.urge", "work_item", item_id, note=note, told=told)
    return told


def _working_day_start(session: Session, item: WorkItem) -> datetime:
    """The start of the working day the present moment belongs to (a rest day belongs to
    the working day before it), in UTC."""
    area = item.instance.area_code if item.instance is not None else None
    calendar = calendar_for(session, settings_of(session), area)
    day = calendar.today()
    for _ in range(31):
        if calendar.is_workday(day):
            break
        day -= timedelta(days=1)
    return calendar.end_of_day(day - timedelta(days=1))
