"""Records that other procedures produce (a dual notice's licence granted; later spot-check
results, list decisions, penalties of unlicensed-operation cases): a draft with what the
procedure knows, whose case starts at the department's entry step (complete_record, due
in 7 working days), so the department completes and sends it like any record.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.calendar import calendar_for
from engine.db import settings_of
from engine.disclosure.categories import CATEGORIES, publication_end, publishable
from engine.disclosure.procedure import DIAGRAM, NO_END, PROCESS_KEY
from engine.disclosure.records import check_values
from engine.models import DataSource, DisclosureRecord, MarketEntity, OrgUnit, RecordStatus
from engine.runtime.deploy import deploy_shipped


def draft_for_department(session: Session, actor: audit.Actor, category: str,
                         entity: MarketEntity, department: OrgUnit, values: dict[str, Any],
                         *, decision_date: Any, origin: str) -> DisclosureRecord:
    """A draft of `category` for the department to complete, with the values known (not
    yet checked: the department's send checks them all) and its entry step open."""
    if category not in CATEGORIES:
        raise ValueError(f"no category {category!r}")
    now = clock.now()
    record = DisclosureRecord(
        public_ref=secrets.token_urlsafe(12), category=category, entity_id=entity.id,
        party_name=entity.name, party_uscc=entity.uscc, source_org_id=department.id,
        area_code=department.area_code, decision_date=decision_date,
        decision_number=values.pop("decision_number", None), fields=values,
        publishable=True, status=RecordStatus.DRAFT, data_source=DataSource.PROCEDURE,
        origin=origin, entered_by=actor.name, entered_at=now, updated_at=now)
    session.add(record)
    session.flush()
    audit.record(session, actor, "disclosure.enter", "disclosure_record", record.id,
                 category=category, entity_id=entity.id, source="procedure", origin=origin)
    deploy_shipped(session, PROCESS_KEY, DIAGRAM)
    row = runtime.start_process(session, actor, PROCESS_KEY, data={
        "department_org": department.code, "area_code": record.area_code,
        "record_id": record.id, "category": category, "needs_entry": True,
        "publishable": True}, entity_id=entity.id, business_key=f"record-{record.id}",
        area_code=record.area_code)
    record.instance_id = row.id
    return record


def publish_reviewed(session: Session, actor: audit.Actor, category: str,
                     department: OrgUnit, raw: dict[str, Any], *, origin: str
                     ) -> DisclosureRecord:
    """Publish a record another procedure has already reviewed (a spot check's result,
    approved by the department administrator in its own case): checked like any entry,
    then its case goes straight to publication (the direct path, without a second
    review), so `sync_record` publishes it and measures its lateness from its decision."""
    envelope, fields, entity = check_values(session, category, raw)
    calendar = calendar_for(session, settings_of(session), department.area_code)
    now = clock.now()
    record = DisclosureRecord(
        public_ref=secrets.token_urlsafe(12), category=category, entity_id=entity.id,
        party_name=entity.name, party_uscc=entity.uscc, source_org_id=department.id,
        area_code=department.area_code,
        decision_date=date.fromisoformat(envelope["decision_date"]),
        decision_number=envelope.get("decision_number"), fields=fields,
        publishable=publishable(category, fields), status=RecordStatus.DRAFT,
        data_source=DataSource.PROCEDURE, origin=origin, entered_by=actor.name,
        entered_at=now, submitted_at=now, updated_at=now)
    session.add(record)
    session.flush()
    audit.record(session, actor, "disclosure.enter", "disclosure_record", record.id,
                 category=category, entity_id=entity.id, source="procedure", origin=origin)
    ends = publication_end(category, fields, calendar.today())
    deploy_shipped(session, PROCESS_KEY, DIAGRAM)
    row = runtime.start_process(session, actor, PROCESS_KEY, data={
        "department_org": department.code, "area_code": record.area_code,
        "record_id": record.id, "category": category, "needs_entry": "publish",
        "publishable": record.publishable,
        "publication_ends_at": calendar.end_of_day(ends or NO_END).isoformat()},
        entity_id=entity.id, business_key=f"record-{record.id}", area_code=record.area_code)
    record.instance_id = row.id
    return record
