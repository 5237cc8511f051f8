"""One market entity as its page shows it: the registration with personal data masked,
reveals of that data (audited: who, when, what, why); who sees an entity is the union of
what each domain lets them see (engine.domains.ENTITY_FILTERS).

Public (DOMAIN.md): name, USCC, legal representative's name, address, scope, status.
Never public: phone numbers and ID-card numbers, also where one was typed into another
field. Officers and department administrators who can see the entity may reveal them by
giving a reason; every reveal is an audit event on the entity, shown in its trail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any, BinaryIO

from sqlalchemy import Row, Select, String, cast, select
from sqlalchemy.orm import Session

from engine import audit, domains, runtime
from engine.audit.log import (
    NEWEST_FIRST,
    EventFilter,
    check_auditor,
    count_within_cap,
    event_query,
    local_time,
    write_rows,
)
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import (
    AuditEvent,
    MarketEntity,
    Role,
    User,
)
from engine.paging import Page, page_of
from engine.work.history import HistoryEntry, display_names, event_entry

# Registration fields in the order the page shows them (DOMAIN.md, "Market entities").
FIELDS = ("name", "uscc", "entity_type", "legal_representative", "phone", "established_on",
          "approved_on", "registered_capital", "address", "area_code", "township",
          "business_term", "business_scope", "registration_authority", "supervising_station",
          "industry_code", "status", "routing_state")
PERSONAL = frozenset({"phone"})
NEVER_SCANNED = frozenset({"uscc", "established_on", "approved_on", "registered_capital",
                           "area_code", "routing_state"})
REVEAL_ROLES = (Role.OFFICER, Role.DEPT_ADMIN)
REVEAL = "entity.reveal"
MIN_REASON, MAX_REASON = 4, 200
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
                      r"(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


@dataclass(frozen=True)
class Registration:
    """The registration as one viewer sees it: `values` masked unless `revealed`."""

    entity: MarketEntity
    values: dict[str, Any]
    personal: tuple[str, ...]  # the fields that hold personal data (masked or revealed)
    revealed: bool
    may_reveal: bool


def get_entity(session: Session, actor: audit.Actor, entity_id: int) -> MarketEntity:
    """An entity the actor may see; NotFound otherwise, so ids do not leak."""
    user = runtime.actor_user(session, actor)
    query = select(MarketEntity).where(MarketEntity.id == entity_id)
    if user is not None:
        query = query.where(domains.entity_filter(session, user))
    entity = session.execute(query).scalar()
    if entity is None:
        raise NotFound(f"no market entity {entity_id}", code="no_such_entity")
    return entity


def find_entities(session: Session, user: User, text: str | None = None, page: int = 1,
                  per_page: int = 25) -> Page[MarketEntity]:
    """Entities the user may see, by part of the name or the start of the USCC; newest
    registrations first."""
    query = select(MarketEntity).where(domains.entity_filter(session, user))
    if text and text.strip():
        text = text.strip()
        query = query.where(MarketEntity.name.contains(text, autoescape=True)
                            | MarketEntity.uscc.startswith(text.upper(), autoescape=True))
    return page_of(session, query, (MarketEntity.id.desc(),), page, per_page)


def registration(session: Session, actor: audit.Actor, entity_id: int) -> Registration:
    """The registration with its personal data masked."""
    entity = get_entity(session, actor, entity_id)
    plain = _values(entity)
    masked = masked_values(entity)
    personal = tuple(name for name in FIELDS if masked[name] != plain[name])
    return Registration(entity, masked, personal, False, _may_reveal(session, actor))


def reveal_registration(session: Session, actor: audit.Actor, entity_id: int, reason: str
                        ) -> Registration:
    """The registration unmasked, for an officer who says why; the read is audited."""
    shown = registration(session, actor, entity_id)
    if not shown.may_reveal:
        raise Forbidden("only officers working on the entity may read its personal data",
                        code="reveal_not_allowed")
    why = (reason or "").strip()
    if not MIN_REASON <= len(why) <= MAX_REASON:
        raise InvalidInput("say why you need the personal data", fields={"reason": "required"})
    audit.record(session, actor, REVEAL, "market_entity", shown.entity.id,
                 fields=list(shown.personal), reason=why)
    return Registration(shown.entity, _values(shown.entity), shown.personal, True, True)


def masked_values(entity: MarketEntity, fields: tuple[str, ...] = FIELDS) -> dict[str, Any]:
    """The registration fields with personal data masked: phone numbers, and every ID-card
    or phone number typed into free text."""
    return {name: mask_number(getattr(entity, name)) if name in PERSONAL
            else getattr(entity, name) if name in NEVER_SCANNED
            else mask_text(getattr(entity, name)) for name in fields}


def mask_number(text: str | None) -> str | None:
    """138****1234: enough to recognise a number, never the whole of it."""
    if not text:
        return text
    return text[:3] + "*" * (len(text) - 7) + text[-4:] if len(text) > 7 else "****"


def mask_text(value: Any) -> Any:
    """Free text with every ID-card and phone number in it masked."""
    if not isinstance(value, str):
        return value
    value = _ID_CARD.sub(lambda m: mask_number(m.group()) or "", value)
    return _PHONE.sub(lambda m: mask_number(m.group()) or "", value)


def entity_trail(session: Session, entity: MarketEntity, limit: int = 200
                 ) -> list[HistoryEntry]:
    """The audit events of the entity itself (routing, reveals of its personal data), newest
    first; call it after get_entity."""
    events = session.execute(select(AuditEvent).where(
        AuditEvent.object_type == "market_entity", AuditEvent.object_id == str(entity.id))
        .order_by(AuditEvent.id.desc()).limit(limit)).scalars().all()
    names = display_names(session, {e.actor for e in events})
    return [event_entry(e, names) for e in events]


def _values(entity: MarketEntity) -> dict[str, Any]:
    return {name: getattr(entity, name) for name in FIELDS}


def _may_reveal(session: Session, actor: audit.Actor) -> bool:
    user = runtime.actor_user(session, actor)
    return user is not None and user.has_role(*REVEAL_ROLES)


@dataclass(frozen=True)
class RevealRead:
    """One read of an entity's personal data, for auditors: who, when, whose, which, why."""

    at: datetime
    actor: str
    actor_name: str
    origin: str
    entity_id: str
    entity_name: str | None
    uscc: str | None
    fields: list[str]
    reason: str


def reveal_reads(session: Session, user: User, asked: EventFilter, uscc: str | None = None,
                 page: int = 1, per_page: int = 50) -> Page[RevealRead]:
    """Every read of personal data that matches (by reader, time, the entity's USCC),
    newest first; for auditors."""
    check_auditor(user)
    found = page_of(session, _reveal_query(asked, uscc), NEWEST_FIRST, page, per_page)
    names = display_names(session, {row[0].actor for row in found.rows})
    return Page([_reveal_read(row, names) for row in found.rows], found.total, found.page,
                found.per_page)


def export_reveal_reads(session: Session, user: User, asked: EventFilter, uscc: str | None,
                        headers: Sequence[str], zone: tzinfo, stream: BinaryIO) -> int:
    """The reads of `reveal_reads` in a workbook (times in `zone`), capped like every
    export of the trail. Returns the rows written."""
    check_auditor(user)
    query = _reveal_query(asked, uscc)
    total = count_within_cap(session, query)
    rows = session.execute(query.order_by(*NEWEST_FIRST)).all()
    names = display_names(session, {row[0].actor for row in rows})
    reads = (_reveal_read(row, names) for row in rows)
    write_rows(stream, headers, ([local_time(r.at, zone), r.actor, r.actor_name, r.entity_name,
                                  r.uscc, ", ".join(r.fields), r.reason, r.origin]
                                 for r in reads))
    return total


def _reveal_query(asked: EventFilter, uscc: str | None) -> Select[Any]:
    query = (event_query(replace(asked, action=REVEAL, object_type="market_entity"))
             .add_columns(MarketEntity.name, MarketEntity.uscc)
             .outerjoin(MarketEntity, AuditEvent.object_id == cast(MarketEntity.id, String)))
    return query.where(MarketEntity.uscc == uscc.upper()) if uscc else query


def _reveal_read(row: Row[AuditEvent, str | None, str | None], names: dict[str, str]
                 ) -> RevealRead:
    event, name, code = row
    summary = event.summary or {}
    return RevealRead(event.at, event.actor, names.get(event.actor, event.actor), event.origin,
                      event.object_id, name, code, list(summary.get("fields", [])),
                      str(summary.get("reason", "")))
