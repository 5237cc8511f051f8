"""Objections (纠错申请): someone of the public says a published record is wrong. The
request is stored and becomes a task for the officers of the issuing department (the
`info_objection` process); their answer (accepted or rejected, and a reply) closes it.

The contact is kept for the department's answer and is never shown publicly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.config import PROJECT_DIR
from engine.disclosure.categories import category
from engine.disclosure.public import published_record
from engine.errors import InvalidInput, NotFound
from engine.models import DisclosureObjection, DisclosureRecord, ObjectionStatus, OrgUnit
from engine.runtime.deploy import deploy_paths, latest_definition

PROCESS_KEY = "info_objection"
DIAGRAM = PROJECT_DIR / "bpmn" / "info_objection.bpmn"
MAX_NAME, MAX_CONTACT, MIN_TEXT, MAX_TEXT = 100, 200, 10, 2000


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
    objection = DisclosureObjection(
        record_id=record.id, source_org_id=record.source_org_id, name=name or None,
        contact=contact, text=text, status=ObjectionStatus.OPEN, created_at=clock.now())
    session.add(objection)
    session.flush()
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
