"""Reading the audit trail for auditors: its events by actor, action, object and time, on a
page or in a workbook. Reading changes nothing, and records nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, BinaryIO

from openpyxl import Workbook
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput
from engine.models import AuditEvent, Role, User
from engine.paging import Page, page_of

MAX_EXPORT_ROWS = 50_000
NEWEST_FIRST = (AuditEvent.id.desc(),)


@dataclass(frozen=True)
class EventFilter:
    """Which events an auditor asks for; None asks nothing. `since` counts, `until` not."""

    actor: str | None = None  # a username, exactly
    action: str | None = None  # an action or its start ("entity." for every entity action)
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def check_auditor(user: User) -> None:
    """Forbidden unless the user is an auditor: the trail is theirs to read."""
    if not user.active or not user.has_role(Role.AUDITOR):
        raise Forbidden("the audit trail is for auditors", code="not_auditor")


def event_query(asked: EventFilter) -> Select[AuditEvent]:
    """SQL: the events that match, unordered."""
    query = select(AuditEvent)
    if asked.actor:
        query = query.where(AuditEvent.actor == asked.actor)
    if asked.action:
        query = query.where(AuditEvent.action.startswith(asked.action, autoescape=True))
    if asked.object_type:
        query = query.where(AuditEvent.object_type == asked.object_type)
    if asked.object_id:
        query = query.where(AuditEvent.object_id == asked.object_id)
    if asked.since:
        query = query.where(AuditEvent.at >= asked.since)
    if asked.until:
        query = query.where(AuditEvent.at < asked.until)
    return query


def audit_events(session: Session, user: User, asked: EventFilter, page: int = 1,
                 per_page: int = 50) -> Page[AuditEvent]:
    """One page of the matching events, newest first."""
    check_auditor(user)
    return page_of(session, event_query(asked), NEWEST_FIRST, page, per_page)


def export_events(session: Session, user: User, asked: EventFilter, headers: Sequence[str],
                  zone: tzinfo, stream: BinaryIO) -> int:
    """The matching events, newest first, in a workbook (times in `zone`); at most
    MAX_EXPORT_ROWS, else InvalidInput and nothing written. Returns the rows written."""
    check_auditor(user)
    total = count_within_cap(session, event_query(asked))
    events = session.execute(event_query(asked).order_by(*NEWEST_FIRST).limit(MAX_EXPORT_ROWS)
                             .execution_options(yield_per=1000)).scalars()
    write_rows(stream, headers, ([e.id, local_time(e.at, zone), e.actor, e.action,
                                  e.object_type, e.object_id, summary_text(e.summary),
                                  e.origin] for e in events))
    return total


def count_within_cap(session: Session, query: Select[Any]) -> int:
    """How many rows the query gives; InvalidInput when more than an export holds."""
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    if total > MAX_EXPORT_ROWS:
        raise InvalidInput(f"{total} rows match; an export holds at most {MAX_EXPORT_ROWS}",
                           code="export_too_large", fields={"rows": "too_many"}, total=total)
    return int(total)


def write_rows(stream: BinaryIO, headers: Sequence[str], rows: Any) -> None:
    """A one-sheet workbook: the headers, then the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    book.save(stream)


def local_time(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def summary_text(summary: dict[str, Any] | None) -> str:
    """An event's summary as one line of JSON, Chinese kept readable."""
    return json.dumps(summary or {}, ensure_ascii=False, sort_keys=True, default=str)
