"""One market entity as its page shows it: the registration with personal data masked,
reveals of that data (audited: who, when, what, why); who sees an entity is the union of
what each domain lets them see (engine.domains.ENTITY_FILTERS).

Public (DOMAIN.md): name, USCC, legal representative's name, address, scope, status.
Never public: phone numbers and ID-card numbers, also where one was typed into another
field. Officers and department administrators who can see the entity may reveal them by
giving a reason; every reveal is an audit event on the entity, shown in its trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, domains, runtime
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.masking import mask_number, mask_text
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
MIN_REASON, MAX_REASON = 4, 200


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
    masked = {name: mask_text(value) if name not in NEVER_SCANNED else value
              for name, value in plain.items()}
    masked.update({name: mask_number(plain[name]) for name in PERSONAL})
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
    audit.record(session, actor, "entity.reveal", "market_entity", shown.entity.id,
                 fields=list(shown.personal), reason=why)
    return Registration(shown.entity, _values(shown.entity), shown.personal, True, True)


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
