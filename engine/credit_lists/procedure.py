"""What both lists' procedures share: who may act on an area's entries, an entry of the
right list, an application filed and answered on its case, and a submitted step sent to its
handler by task name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.calendar import WorkdayCalendar, calendar_for
from engine.credit_lists.entries import calendar_of, get_entry, pending
from engine.db import settings_of
from engine.errors import Conflict, Forbidden
from engine.models import CreditListApplication, CreditListEntry, ListStatus, ListType, OrgUnit
from engine.runtime.signals import deliver_signal

# A step's handler: the entry, the decision and the text the form sent, and all it sent.
StepHandler = Callable[[CreditListEntry, str, str, dict[str, Any]], CreditListEntry]


def require_regulator(session: Session, actor: audit.Actor, regulator: OrgUnit) -> None:
    """Only the people of the deciding market regulator act on its entries (the system, a
    procedure or the scheduler, acts for any)."""
    user = runtime.actor_user(session, actor)
    if user is None:
        return
    if user.org_unit is None or not user.org_unit.path.startswith(regulator.path):
        raise Forbidden("only the market regulator of the area acts on its list",
                        code="not_the_regulator")


def calendar_for_area(session: Session, regulator: OrgUnit) -> WorkdayCalendar:
    return calendar_for(session, settings_of(session), regulator.area_code)


def entry_on(session: Session, entry_id: int, list_type: ListType) -> CreditListEntry:
    """An entry of `list_type`; Conflict for an entry of the other list."""
    entry = get_entry(session, entry_id)
    if entry.list_type != list_type:
        raise Conflict(f"not an entry of the {list_type.value} list", code="wrong_entry_state",
                       entry_id=entry.id)
    return entry


def runtime_signal(session: Session, entry: CreditListEntry, signal: str) -> None:
    assert entry.instance_id is not None
    deliver_signal(session, entry.instance_id, signal, {}, entry_id=entry.id)


def file_application(session: Session, actor: audit.Actor, entry: CreditListEntry, kind: str,
                     signal: str, text: str, reason: str | None = None
                     ) -> CreditListApplication:
    """An application (removal, objection, early removal) of a listed entry, recorded and
    its signal delivered to the entry's case; Conflict when one of its kind still waits."""
    if entry.status != ListStatus.LISTED or entry.instance_id is None:
        raise Conflict("the entry is not listed", code="wrong_entry_state", entry_id=entry.id)
    if pending(session, entry, kind) is not None:
        raise Conflict("an application already waits", code="application_pending",
                       entry_id=entry.id)
    application = CreditListApplication(
        entry_id=entry.id, kind=kind, reason=reason, text=text, status="pending",
        conditions={}, applied_on=calendar_of(session, entry).today(), created_by=actor.name,
        created_at=clock.now())
    session.add(application)
    session.flush()
    runtime_signal(session, entry, signal)
    audit.record(session, actor, f"credit_lists.{kind}_applied", "credit_list_entry", entry.id,
                 application_id=application.id, reason=reason)
    return application


def answer_application(session: Session, actor: audit.Actor, entry: CreditListEntry,
                       kind: str, granted: bool, reply: str, **details: Any
                       ) -> CreditListApplication:
    """The written answer to the application of `kind` that waits: granted or refused."""
    application = pending(session, entry, kind)
    if application is None:
        raise Conflict("no application waits", code="wrong_entry_state", entry_id=entry.id)
    application.status = "granted" if granted else "refused"
    application.reply = reply
    application.decided_on = calendar_of(session, entry).today()
    application.decided_by = actor.name
    audit.record(session, actor, f"credit_lists.{kind}_{application.status}",
                 "credit_list_entry", entry.id, application_id=application.id, **details)
    return application


def complete_with(session: Session, actor: audit.Actor, item_id: int, data: dict[str, Any],
                  handlers: Mapping[str, StepHandler]) -> CreditListEntry:
    """A step of an entry's case submitted from its page or the API, sent to the handler of
    its task with the decision and the reply (or reason) the form sent; a step without one
    (an urge of the joint-meeting office) is completed as it is."""
    item = runtime.get_work_item(session, actor, item_id)
    entry = session.execute(select(CreditListEntry).where(
        CreditListEntry.instance_id == item.instance_id)).scalar()
    if entry is None:
        raise Conflict("the task is no list entry's step", code="wrong_entry_state")
    handler = handlers.get(item.task_name)
    if handler is None:
        runtime.complete(session, actor, item.id, {})
        return entry
    text = str(data.get("reply") or data.get("reason") or "")
    return handler(entry, str(data.get("decision", "")), text, data)
