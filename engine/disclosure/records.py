"""Entering enterprise-information records: the envelope and the category's fields checked
against their forms, the party matched against the registry, the entering department
and who may see a record.

A record is entered by a department (the user's own, `scope.department_of`); it stays a
draft until submitted, and may be changed while it is a draft or returned. Submitting
starts its `info_publication` case (engine.disclosure.procedure).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.disclosure.categories import CATEGORIES, RecordForm, publishable, record_form
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import (
    DataSource,
    DisclosureRecord,
    MarketEntity,
    OrgUnit,
    RecordStatus,
    User,
)
from engine.org import scope
from engine.registry import uscc_problem
from engine.runtime.forms import FormDefinition, validate

EDITABLE = (RecordStatus.DRAFT, RecordStatus.RETURNED)


def record_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: records the user may see: those of their department (and its sections), and
    every record of the area a joint-meeting office watches; all for administrators and
    auditors."""
    roots = scope.scope_roots(session, user)
    department = scope.department_of(session, user)
    if roots is not None and department is not None:
        roots = [*roots, department.path]
    return scope.org_filter_roots(roots, DisclosureRecord.source_org_id)


def get_record(session: Session, actor: audit.Actor, record_id: int) -> DisclosureRecord:
    """A record the actor may see; NotFound otherwise, so ids do not leak."""
    user = runtime.actor_user(session, actor)
    query = select(DisclosureRecord).where(DisclosureRecord.id == record_id)
    if user is not None:
        query = query.where(record_filter(session, user))
    record = session.execute(query).scalar()
    if record is None:
        raise NotFound(f"no record {record_id}", code="no_such_record")
    return record


def entering_department(session: Session, actor: audit.Actor) -> OrgUnit:
    """The department the actor enters records for; Forbidden for anyone outside one."""
    user = runtime.actor_user(session, actor)
    department = scope.department_of(session, user) if user is not None else None
    if department is None:
        raise Forbidden("only a department's people enter its records",
                        code="not_in_a_department")
    return department


def require_issuer(session: Session, actor: audit.Actor, record: DisclosureRecord) -> None:
    """Only the people of the department that made the decision change or act on its
    record (the CLI, with no user, acts for anyone)."""
    user = runtime.actor_user(session, actor)
    if user is None:
        return
    department = scope.department_of(session, user)
    if department is None or department.id != record.source_org_id:
        raise Forbidden("only the issuing department acts on its records",
                        code="not_your_record", record_id=record.id)


def check_values(session: Session, category: str, raw: dict[str, Any],
                 entities: Mapping[str, MarketEntity] | None = None, *,
                 form: RecordForm | None = None
                 ) -> tuple[dict[str, Any], dict[str, Any], MarketEntity]:
    """The envelope's and the category's values, cleaned, and the registered entity they
    name; InvalidInput with every field's problem at once. Bulk entry passes the
    `entities` of its batch by USCC, looked up at once, and the category's `form`, read
    once for the batch (else it is read here, `categories.record_form`)."""
    if category not in CATEGORIES:
        raise InvalidInput(f"no category {category!r}", fields={"category": "not_a_choice"})
    form = form or record_form(session, category)
    errors: dict[str, str] = {}
    envelope = _validated(form.envelope, raw, errors)
    fields = _validated(form.own, raw, errors)
    entity = None
    if "party_uscc" in envelope:
        entity, problems = match_registry(session, envelope["party_uscc"],
                                          envelope.get("party_name"), entities)
        errors.update(problems)
    if errors:
        details = {}
        if entity is not None and "party_name" in errors:
            details = {"registered_name": entity.name, "entered_name": envelope["party_name"]}
        raise InvalidInput("the record has errors", fields=errors, **details)
    assert entity is not None
    return envelope, fields, entity


def _validated(form: FormDefinition, raw: dict[str, Any], errors: dict[str, str]
               ) -> dict[str, Any]:
    try:
        return validate(form, raw)
    except InvalidInput as exc:
        errors.update(exc.details.get("fields", {}))  # type: ignore[call-overload]
        return {}


def match_registry(session: Session, code: str, name: str | None,
                   entities: Mapping[str, MarketEntity] | None = None
                   ) -> tuple[MarketEntity | None, dict[str, str]]:
    """The registered entity of a USCC, and what does not match: a malformed code, a code
    the registry does not hold, a name that is not the registered one (individual
    businesses, 92…, are entities like any other)."""
    code = code.strip().upper()
    if uscc_problem(code) is not None:
        return None, {"party_uscc": "bad_uscc"}
    entity = (entities.get(code) if entities is not None else session.execute(
        select(MarketEntity).where(MarketEntity.uscc == code)).scalar())
    if entity is None:
        return None, {"party_uscc": "not_registered"}
    if name is not None and _plain(name) != _plain(entity.name):
        return entity, {"party_name": "name_mismatch"}
    return entity, {}


def _plain(name: str) -> str:
    """A name as compared: full-width brackets and spaces do not make another name."""
    return name.replace("(", "（").replace(")", "）").replace(" ", "").replace("\u3000", "")


def new_record(session: Session, actor: audit.Actor, category: str, raw: dict[str, Any], *,
               department: OrgUnit, data_source: DataSource = DataSource.ENTERED,
               origin: str | None = None) -> DisclosureRecord:
    """A draft record of the department, checked; audited as entered."""
    envelope, fields, entity = check_values(session, category, raw)
    now = clock.now()
    record = DisclosureRecord(
        public_ref=secrets.token_urlsafe(12), category=category, entity_id=entity.id,
        party_name=entity.name, party_uscc=entity.uscc, source_org_id=department.id,
        area_code=department.area_code, fields=fields, status=RecordStatus.DRAFT,
        data_source=data_source, origin=origin, entered_by=actor.name, entered_at=now,
        updated_at=now)
    _apply(record, category, envelope, fields)
    session.add(record)
    session.flush()
    audit.record(session, actor, "disclosure.enter", "disclosure_record", record.id,
                 category=category, entity_id=entity.id, source=data_source.value)
    return record


def change_record(session: Session, actor: audit.Actor, record: DisclosureRecord,
                  raw: dict[str, Any]) -> DisclosureRecord:
    """Change a draft or returned record's values; audited with the fields changed."""
    require_issuer(session, actor, record)
    if record.status not in EDITABLE:
        raise Forbidden(f"a {record.status.value} record cannot be changed",
                        code="record_not_editable", record_id=record.id)
    envelope, fields, entity = check_values(session, record.category, raw)
    before = {**record.fields, **_envelope_of(record)}
    record.entity_id, record.party_name, record.party_uscc = entity.id, entity.name, entity.uscc
    record.fields = fields
    _apply(record, record.category, envelope, fields)
    record.updated_at = clock.now()
    after = {**record.fields, **_envelope_of(record)}
    audit.record(session, actor, "disclosure.change", "disclosure_record", record.id,
                 fields=sorted(k for k in set(before) | set(after)
                               if before.get(k) != after.get(k)))
    return record


def _apply(record: DisclosureRecord, category: str, envelope: dict[str, Any],
           fields: dict[str, Any]) -> None:
    record.decision_number = envelope.get("decision_number")
    record.decision_date = date.fromisoformat(envelope["decision_date"])
    record.backfilled = envelope.get("backfilled") == "yes"
    record.publishable = publishable(category, fields)


def _envelope_of(record: DisclosureRecord) -> dict[str, Any]:
    return {"party_uscc": record.party_uscc, "party_name": record.party_name,
            "decision_number": record.decision_number,
            "decision_date": record.decision_date.isoformat(),
            "backfilled": "yes" if record.backfilled else "no"}


def form_values(record: DisclosureRecord) -> dict[str, Any]:
    """The record as the entry form holds it (to change a draft or a returned record)."""
    return {**record.fields, **_envelope_of(record)}


__all__ = ["EDITABLE", "change_record", "check_values", "entering_department",
           "form_values", "get_record", "match_registry", "new_record", "record_filter",
           "require_issuer"]
