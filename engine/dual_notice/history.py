"""What happened to each notice, in words: its audit events with the people and units
they name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, DualNotice, OrgUnit, User
from engine.work.history import HistoryEntry, display_names, event_entry


def notice_histories(session: Session, notices: list[DualNotice]
                     ) -> dict[int, list[HistoryEntry]]:
    """What happened to each notice (claim, return, re-route, dispatch, outcome...), oldest
    first; the notices are ones the caller may see."""
    ids = [str(n.id) for n in notices]
    events = session.execute(select(AuditEvent).where(
        AuditEvent.object_type == "dual_notice", AuditEvent.object_id.in_(ids))
        .order_by(AuditEvent.id)).scalars().all() if ids else []
    names = display_names(session, {e.actor for e in events})
    targets = _Targets(session, list(events))
    histories: dict[int, list[HistoryEntry]] = {n.id: [] for n in notices}
    for event in events:
        summary = event.summary if isinstance(event.summary, dict) else {}
        histories[int(event.object_id)].append(event_entry(event, names, targets.of(summary)))
    return histories


class _Targets:
    """Names of the people and units that notice events point at by id or code."""

    def __init__(self, session: Session, events: list[AuditEvent]) -> None:
        def wanted(key: str) -> set[Any]:
            return {e.summary[key] for e in events
                    if isinstance(e.summary, dict) and e.summary.get(key)}

        self.users = {row[0]: row[1] for row in session.execute(
            select(User.id, User.display_name).where(User.id.in_(wanted("user_id"))))}
        self.units = {row[0]: row[1] for row in session.execute(
            select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(wanted("org_unit_id"))))}
        self.codes = {row[0]: row[1] for row in session.execute(
            select(OrgUnit.code, OrgUnit.name).where(OrgUnit.code.in_(wanted("department"))))}

    def of(self, summary: dict[str, Any]) -> str | None:
        if summary.get("user_id"):
            return self.users.get(summary["user_id"])
        if summary.get("org_unit_id"):
            return self.units.get(summary["org_unit_id"])
        if summary.get("department"):
            return self.codes.get(summary["department"], summary["department"])
        return None
