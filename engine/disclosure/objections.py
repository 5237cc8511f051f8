"""Objections (纠错申请): someone of the public says a published record is wrong. The
request is stored and becomes a task for the officers of the issuing department (the
`info_objection` process); their answer (accepted or rejected, and a reply) closes it.

The contact is kept for the department's answer and is never shown publicly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.config import PROJECT_DIR
from engine.disclosure.categories import category
from engine.disclosure.public import published_record
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import DisclosureObjection, DisclosureRecord, ObjectionStatus, OrgUnit
from engine.runtime.deploy import deploy_paths, latest_definition

PROCESS_KEY = "info_objection"
DIAGRAM = PROJECT_DIR / "bpmn" / "info_objection.bpmn"
MAX_NAME, MAX_CONTACT, MIN_TEXT, MAX_TEXT = 100, 200, 10, 2000


@dataclass(frozen=True)
class ProcedureObjections:
    """How the procedure that produced a record (its origin "kind:id") takes objections to
    it in its own case: `window(session, id)` -> (last day to object or None before
    publication, whether objections are still taken today); `take(session, actor, id,
    objection)` hands the objection to that case."""

    window: Callable[[Session, int], tuple[date | None, bool]]
    take: Callable[[Session, audit.Actor, int, DisclosureObjection], None]


PROCEDURES: dict[str, ProcedureObjections] = {}
"""Origin kind -> its procedure's objection handling (registered by the composition,
engine.domains): a spot check's result is objected to in its inspection's case."""


def procedure_of(record: DisclosureRecord) -> tuple[ProcedureObjections, int] | None:
    kind, _sep, origin_id = (record.origin or "").partition(":")
    handler = PROCEDURES.get(kind)
    return (handler, int(origin_id)) if handler is not None and origin_id.isdigit() else None


def objection_window(session: Session, public_ref: str) -> tuple[date | None, bool]:
    """For the portal's form: the last day to object (None when the record's procedure
    sets no limit) and whether an objection is still taken."""
    record, _uscc = published_record(session, public_ref)
    found = procedure_of(record)
    return found[0].window(session, found[1]) if found is not None else (None, True)


def submit_objection(session: Session, actor: audit.Actor, public_ref: str, *,
                     name: str | None, contact: str, text: str) -> DisclosureObjection:
    """Record a correction request about a published record and give its issuing
    department the task of answering it."""
    record, uscc = published_record(session, public_ref)
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    problems = {}
    if len(name) > MAX_NAME:
        problems["name"] = "too_long"
    if not contact:
        problems["contact"] = "required"
    elif len(contact) > MAX_CONTACT:
        problems["contact"] = "too_long"
    if len(text) < MIN_TEXT:
        problems["text"] = "too_short"
    elif len(text) > MAX_TEXT:
        problems["text"] = "too_long"
    if problems:
        raise InvalidInput("the objection has errors", fields=problems)
    procedure = procedure_of(record)
    if procedure is not None:
        last_day, open_now = procedure[0].window(session, procedure[1])
        if not open_now:
            raise Forbidden("the time for an objection is over", code="objection_too_late",
                            last_day=last_day.isoformat() if last_day else None)
    objection = DisclosureObjection(
        record_id=record.id, source_org_id=record.source_org_id, name=name or None,
        contact=contact, text=text, status=ObjectionStatus.OPEN, created_at=clock.now())
    session.add(objection)
    session.flush()
    if procedure is not None:  # the procedure's own case answers it (a re-check)
        procedure[0].take(session, actor, procedure[1], objection)
        audit.record(session, actor, "objection.submit", "disclosure_objection", objection.id,
                     record=record.public_ref, origin=record.origin)
        return objection
    unit = session.get_one(OrgUnit, record.source_org_id)
    ensure_deployed(session)
    instance = runtime.start_process(
        session, actor, PROCESS_KEY, business_key=f"OBJ-{objection.id}",
        entity_id=record.entity_id, area_code=record.area_code,
        data={"department_org": unit.code, "area_code": record.area_code,
              "objection_id": objection.id, "record_ref": record.public_ref,
              "category": record.category, "party_name": record.party_name,
              "party_uscc": uscc, "objection_text": text})
    objection.instance_id = instance.id
    audit.record(session, actor, "objection.submit", "disclosure_objection", objection.id,
                 record=record.public_ref)
    return objection


def complete_objection_task(session: Session, actor: audit.Actor, item_id: int,
                            data: dict[str, Any]) -> DisclosureObjection:
    """The department's answer from the task page: the objection is accepted or rejected
    with the reply, and the task completed."""
    item = runtime.get_work_item(session, actor, item_id)
    objection = objection_of_instance(session, item.instance_id)
    if objection is None:
        raise NotFound(f"work item {item_id} is not an objection", code="no_such_task")
    runtime.complete(session, actor, item.id, data)
    objection.status = (ObjectionStatus.ACCEPTED if data.get("decision") == "accepted"
                        else ObjectionStatus.REJECTED)
    objection.reply = data.get("reply")
    objection.replied_by = actor.name
    objection.replied_at = clock.now()
    audit.record(session, actor, "objection.answer", "disclosure_objection", objection.id,
                 status=objection.status.value)
    return objection


def answer_record_objections(session: Session, actor: audit.Actor, record_id: int,
                             accepted: bool, reply: str) -> int:
    """Answer the open objections to a record that its procedure took (the re-check's
    outcome: a changed result accepts them). Returns how many were answered."""
    rows = session.scalars(select(DisclosureObjection).where(
        DisclosureObjection.record_id == record_id,
        DisclosureObjection.status == ObjectionStatus.OPEN,
        DisclosureObjection.instance_id.is_(None))).all()
    for objection in rows:
        objection.status = ObjectionStatus.ACCEPTED if accepted else ObjectionStatus.REJECTED
        objection.reply, objection.replied_by, objection.replied_at = (
            reply or None, actor.name, clock.now())
        audit.record(session, actor, "objection.answer", "disclosure_objection", objection.id,
                     status=objection.status.value)
    return len(rows)


def objection_of_instance(session: Session, instance_id: int) -> DisclosureObjection | None:
    return session.scalar(select(DisclosureObjection).where(
        DisclosureObjection.instance_id == instance_id))


def objection_summary(session: Session, instance_id: int) -> list[tuple[str, str, str]]:
    """The objection as the answering officers read it: the record, who wrote (and how to
    reach them, which only they see), and what they say is wrong."""
    objection = objection_of_instance(session, instance_id)
    if objection is None:
        return []
    record = session.get_one(DisclosureRecord, objection.record_id)
    kind = category(record.category)
    return [("信息类别", "Category", kind.name_zh),
            ("决定文书号", "Decision number", record.decision_number or "—"),
            ("公示编号", "Public reference", record.public_ref),
            ("申请人", "From", objection.name or "—"),
            ("联系方式", "Contact", objection.contact),
            ("纠错内容", "What is wrong", objection.text)]


def ensure_deployed(session: Session) -> None:
    """Deploy the shipped diagram when no version of it is deployed yet."""
    try:
        latest_definition(session, PROCESS_KEY)
    except NotFound:
        try:
            with session.begin_nested():
                deploy_paths(session, audit.SYSTEM, [DIAGRAM])
        except IntegrityError:
            latest_definition(session, PROCESS_KEY)
