"""A case's history in words: its audit events with people's names, oldest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, OrgUnit, User, WorkItem

SYSTEM_PREFIX = "system"


@dataclass
class HistoryEntry:
    at: datetime
    actor: str
    is_system: bool
    action: str
    task: str | None
    details: dict[str, Any] = field(default_factory=dict)


def case_history(session: Session, instance_id: int, limit: int = 500) -> list[HistoryEntry]:
    """Who did what when on the case and each of its tasks."""
    titles = dict(session.execute(select(WorkItem.id, WorkItem.title)
                                  .where(WorkItem.instance_id == instance_id)).all())
    events = session.execute(select(AuditEvent).where(or_(
        and_(AuditEvent.object_type == "process_instance",
             AuditEvent.object_id == str(instance_id)),
        and_(AuditEvent.object_type == "work_item",
             AuditEvent.object_id.in_([str(i) for i in titles])),
    )).order_by(AuditEvent.id).limit(limit)).scalars().all()
    names = display_names(session, {e.actor for e in events} | _targets(events, "to_user"))
    units = _unit_names(session, _targets(events, "to_unit"))
    entries = []
    for event in events:
        task = titles.get(int(event.object_id)) if event.object_type == "work_item" else None
        entries.append(HistoryEntry(
            at=event.at, actor=names.get(event.actor, event.actor),
            is_system=event.actor.startswith(SYSTEM_PREFIX) or event.actor.startswith("cli:"),
            action=event.action, task=task, details=_details(event.summary, names, units)))
    return entries


def _targets(events: Sequence[AuditEvent], key: str) -> set[str]:
    return {str(e.summary[key]) for e in events if isinstance(e.summary, dict) and key in e.summary}


def display_names(session: Session, usernames: set[str]) -> dict[str, str]:
    """username → display name, for the usernames that audit events record."""
    if not usernames:
        return {}
    return dict(session.execute(select(User.username, User.display_name)
                                .where(User.username.in_(usernames))).all())


def _unit_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(session.execute(select(OrgUnit.code, OrgUnit.name)
                                .where(OrgUnit.code.in_(codes))).all())


def _details(summary: dict[str, Any], names: dict[str, str],
             units: dict[str, str]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if "to_user" in summary:
        details["to"] = names.get(summary["to_user"], summary["to_user"])
    if "to_unit" in summary:
        details["to"] = units.get(summary["to_unit"], summary["to_unit"])
    for key in ("reason", "note", "filename", "measure", "message", "on_completion"):
        if summary.get(key):
            details[key] = summary[key]
    return details


def event_entry(event: AuditEvent, names: dict[str, str], to: str | None = None
                ) -> HistoryEntry:
    """An audit event on a record (not a task) in words; `to` names whom it went to."""
    summary = event.summary if isinstance(event.summary, dict) else {}
    details = {key: summary[key] for key in ("reason", "fields", "outcome", "licence_no",
                                             "licence_item", "table_version", "moves_on")
               if summary.get(key) not in (None, "", [])}
    if to:
        details["to"] = to
    return HistoryEntry(at=event.at, actor=names.get(event.actor, event.actor),
                        is_system=event.actor.startswith(("system", "cli:", "test:")),
                        action=event.action, task=None, details=details)
