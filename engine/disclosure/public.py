"""The public view of a market entity (the credit portal): its public registration fields
and every published record by category, with personal data masked.

A record is public if and only if it is published (withdrawn, expired and ended-early
records stay internal). Entities and records are named by USCC and `public_ref`, never
by id. Internal fields (categories.INTERNAL_FIELDS) never leave, whatever a record
carries; every text shown goes through the masks for ID-card and phone numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.disclosure.categories import CATEGORIES, public_fields
from engine.errors import NotFound
from engine.masking import mask_text
from engine.models import DisclosureRecord, MarketEntity, OrgUnit, RecordStatus
from engine.runtime.forms import FormDefinition, form_for

# The registration fields the public sees (DOMAIN.md, "Market entities"), in page order.
PUBLIC_REGISTRATION = ("name", "uscc", "registration_number", "entity_type",
                       "legal_representative", "established_on", "address",
                       "business_scope", "registration_authority", "status")
MAX_RECORDS = 500  # per entity page; the report says when there are more


@dataclass(frozen=True)
class PublicField:
    name: str
    label_zh: str
    label_en: str
    value_zh: str
    value_en: str


@dataclass(frozen=True)
class PublicRecord:
    public_ref: str
    category: str
    decision_number: str | None
    decision_date: date
    authority: str
    published_on: date | None
    publication_ends_on: date | None
    fields: tuple[PublicField, ...]


@dataclass(frozen=True)
class PublicEntity:
    values: dict[str, Any]  # PUBLIC_REGISTRATION, masked
    records: dict[str, list[PublicRecord]] = field(default_factory=dict)  # by category
    truncated: bool = False

    @property
    def uscc(self) -> str:
        return str(self.values["uscc"])

    @property
    def name(self) -> str:
        return str(self.values["name"])

    @property
    def record_count(self) -> int:
        return sum(len(rows) for rows in self.records.values())


def public_entity(session: Session, uscc: str) -> PublicEntity:
    """The entity of this USCC as the public sees it; NotFound otherwise."""
    entity = session.scalar(select(MarketEntity).where(MarketEntity.uscc == uscc.upper()))
    if entity is None:
        raise NotFound(f"no market entity {uscc!r}", code="no_public_entity")
    values = {name: mask_text(getattr(entity, name)) for name in PUBLIC_REGISTRATION}
    rows = session.execute(
        select(DisclosureRecord, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == DisclosureRecord.source_org_id)
        .where(DisclosureRecord.entity_id == entity.id,
               DisclosureRecord.status == RecordStatus.PUBLISHED)
        .order_by(DisclosureRecord.decision_date.desc(), DisclosureRecord.public_ref)
        .limit(MAX_RECORDS + 1)).all()
    records: dict[str, list[PublicRecord]] = {code: [] for code in CATEGORIES}
    forms: dict[str, FormDefinition] = {}  # each category's form read once for the page
    for record, authority in rows[:MAX_RECORDS]:
        if record.category in records:
            if record.category not in forms:
                forms[record.category] = form_for(session, CATEGORIES[record.category].form_key)
            records[record.category].append(
                _public_record(record, authority, forms[record.category]))
    return PublicEntity(values, {c: r for c, r in records.items() if r},
                        len(rows) > MAX_RECORDS)


def published_record(session: Session, public_ref: str) -> tuple[DisclosureRecord, str]:
    """A published record by its public reference, with its entity's USCC; NotFound for
    one that is not (or no longer) published."""
    row = session.execute(
        select(DisclosureRecord, MarketEntity.uscc)
        .join(MarketEntity, MarketEntity.id == DisclosureRecord.entity_id)
        .where(DisclosureRecord.public_ref == public_ref,
               DisclosureRecord.status == RecordStatus.PUBLISHED)).one_or_none()
    if row is None:
        raise NotFound(f"no published record {public_ref!r}", code="no_public_record")
    return row[0], row[1]


def _public_record(record: DisclosureRecord, authority: str, form: FormDefinition
                   ) -> PublicRecord:
    return PublicRecord(
        public_ref=record.public_ref, category=record.category,
        decision_number=mask_text(record.decision_number),
        decision_date=record.decision_date, authority=mask_text(authority),
        published_on=record.published_at.date() if record.published_at else None,
        publication_ends_on=record.publication_ends_on,
        fields=tuple(_public_fields(form, record.fields or {})))


def _public_fields(form: FormDefinition, values: dict[str, Any]) -> list[PublicField]:
    labels = {f.name: f for f in form.fields}
    shown = []
    for name, label_zh, label_en, value in public_fields(form, values):
        choices = {c.value: c for c in labels[name].choices}
        shown.append(PublicField(name, label_zh, label_en, _display(value, choices, "zh"),
                                 _display(value, choices, "en")))
    return shown


def _display(value: Any, choices: dict[str, Any], language: str) -> str:
    """A value as text, a choice by its label, every number in it masked."""
    if isinstance(value, list):
        return "、".join(_display(v, choices, language) for v in value)
    if isinstance(value, bool):
        return ("是" if value else "否") if language == "zh" else ("yes" if value else "no")
    if str(value) in choices:
        choice = choices[str(value)]
        return str(choice.zh if language == "zh" else choice.en)
    if isinstance(value, Decimal | int | float | date | datetime):
        return str(value)
    return str(mask_text(str(value)))
