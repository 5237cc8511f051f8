"""A spot check's result after review: published as enterprise information (a spot-check
result record, decided on the day of the check), its follow-ups set off, the entity's
objection within 15 days of publication, and the re-check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, disclosure, runtime
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.inspection.cases import calendar_of, get_inspection
from engine.inspection.vocabulary import OBJECTION_DAYS, PENDING_LISTS
from engine.models import (
    AbnormalRequest,
    DisclosureObjection,
    Inspection,
    MarketEntity,
    OrgUnit,
    Role,
)
from engine.runtime.signals import deliver_signal

MIN_NOTE, MAX_NOTE = 4, 1000


def publish_result(session: Session, actor: audit.Actor, inspection: Inspection,
                   result: dict[str, Any]) -> None:
    """Publish the approved result through the enterprise-information service (its
    decision date is the day of the check) and set off the follow-up."""
    department = session.get(OrgUnit, inspection.department_id)
    entity = session.get(MarketEntity, inspection.entity_id)
    assert department is not None and entity is not None
    checked = inspection.checked_on or inspection.inspection_date
    record = disclosure.publish_reviewed(session, actor, "spot_check", department, {
        "party_uscc": entity.uscc, "party_name": entity.name,
        "decision_number": f"{inspection.task_number}-{inspection.id}",
        "decision_date": checked.isoformat(), "task_name": inspection.task_number,
        "inspection_date": checked.isoformat(), "result": result["result_code"],
        "details": result.get("details") or "", "authority_name": department.name},
        origin=f"inspection:{inspection.id}")
    inspection.record_id = record.id
    inspection.published_at = record.published_at or clock.now()
    inspection.publication_late_days = record.publication_late_days
    start_follow_up(session, actor, inspection, department, entity, result)


def start_follow_up(session: Session, actor: audit.Actor, inspection: Inspection,
                    department: OrgUnit, entity: MarketEntity, result: dict[str, Any]) -> None:
    """The procedure the follow-up asks for: a listing request kept for the lists
    procedure, or a penalty record's draft for the department; an order's check is a step
    of the inspection's own case (its deadline is the order's)."""
    follow_up = result.get("follow_up")
    if follow_up == "list_abnormal":
        request = AbnormalRequest(
            inspection_id=inspection.id, entity_id=entity.id, department_id=department.id,
            reason=str(result.get("abnormal_reason")), state=PENDING_LISTS,
            requested_by=actor.name, requested_at=clock.now())
        session.add(request)
        session.flush()
        for hand_over in ABNORMAL_HANDLERS:
            hand_over(session, actor, request, entity,
                      inspection.checked_on or inspection.inspection_date)
    elif follow_up == "penalty":
        disclosure.draft_for_department(session, actor, "penalty", entity, department, {
            "facts": result.get("penalty_facts") or "", "authority_name": department.name,
            "legal_representative": entity.legal_representative or ""},
            decision_date=calendar_of(session, inspection).today(),
            origin=f"inspection:{inspection.id}")
    audit.record(session, actor, "inspection.follow_up", "inspection", inspection.id,
                 follow_up=follow_up)


AbnormalHandler = Callable[[Session, audit.Actor, AbnormalRequest, MarketEntity, date], None]
ABNORMAL_HANDLERS: list[AbnormalHandler] = []
"""Who takes a listing request over when it is made (the lists procedure, registered by
the composition in engine.domains); the request records what became of it."""


def abnormal_requests(session: Session) -> list[AbnormalRequest]:
    """The requests to list an entity as abnormal that wait for the lists procedure,
    oldest first: what that procedure takes over when it lands."""
    return list(session.execute(select(AbnormalRequest).where(
        AbnormalRequest.state == PENDING_LISTS).order_by(AbnormalRequest.id)).scalars())


def objection_deadline(inspection: Inspection) -> date | None:
    """The last day the entity may object (15 days after publication), or None before."""
    if inspection.published_at is None:
        return None
    return clock.to_local_date(inspection.published_at) + timedelta(days=OBJECTION_DAYS)


def record_objection(session: Session, actor: audit.Actor, inspection_id: int, text: str
                     ) -> Inspection:
    """An officer of the department records the entity's objection to the published result;
    refused after the 15 days (the case is then final). The drawn officers re-check."""
    inspection = get_inspection(session, actor, inspection_id)
    user = runtime.actor_user(session, actor)
    if user is not None and not (user.has_role(Role.OFFICER) or user.has_role(Role.DEPT_ADMIN)):
        raise Forbidden("officers record objections", code="not_an_officer")
    text = (text or "").strip()
    if not MIN_NOTE <= len(text) <= MAX_NOTE:
        raise InvalidInput("the objection's text", fields={"objection": "too_short"
                                                            if len(text) < MIN_NOTE
                                                            else "too_long"})
    last, open_now = objection_window_of(session, inspection.id)
    if last is None or inspection.status not in ("published", "final"):
        raise Conflict("the result is not published", code="wrong_inspection_state",
                       inspection_id=inspection.id)
    if not open_now or inspection.status == "final":
        raise Forbidden("the 15 days for an objection are over", code="objection_too_late",
                        last_day=last.isoformat())
    _start_recheck(session, actor, inspection, text)
    return inspection


def objection_window_of(session: Session, inspection_id: int) -> tuple[date | None, bool]:
    """The last day the entity may object to the published result, and whether an
    objection is taken today: within the 15 days, or while a re-check runs (it answers
    every objection); never once the result is final."""
    inspection = session.get(Inspection, inspection_id)
    last = objection_deadline(inspection) if inspection is not None else None
    if inspection is None or last is None:
        return None, False
    if inspection.status == "objected":
        return last, True
    return last, (inspection.status == "published"
                  and calendar_of(session, inspection).today() <= last)


def take_public_objection(session: Session, actor: audit.Actor, inspection_id: int,
                          objection: DisclosureObjection) -> None:
    """An objection filed on the public portal against the published result: it reaches
    the case's objection step and starts the re-check (15 working days); one filed while
    the re-check runs joins it."""
    inspection = session.get_one(Inspection, inspection_id)
    last, open_now = objection_window_of(session, inspection_id)
    if not open_now:
        raise Forbidden("the 15 days for an objection are over", code="objection_too_late",
                        last_day=last.isoformat() if last else None)
    if inspection.status == "objected":
        inspection.objection = f"{inspection.objection or ''}\n{objection.text}".strip()
        audit.record(session, actor, "inspection.objection_joined", "inspection",
                     inspection.id, objection_id=objection.id)
        return
    _start_recheck(session, actor, inspection, objection.text, objection_id=objection.id)


def _start_recheck(session: Session, actor: audit.Actor, inspection: Inspection, text: str,
                   **details: Any) -> None:
    assert inspection.instance_id is not None
    deliver_signal(session, inspection.instance_id, "objection_filed", {"objection": text},
                   inspection_id=inspection.id)
    inspection.objected_at = clock.now()
    inspection.objection = text
    audit.record(session, actor, "inspection.objection", "inspection", inspection.id,
                 **details)


def apply_recheck(session: Session, actor: audit.Actor, inspection: Inspection,
                  data: dict[str, Any]) -> None:
    """The re-check's outcome: a changed result withdraws the published one (its
    withdrawal procedure, 3 working days) and publishes the corrected one."""
    inspection.recheck_outcome = str(data.get("recheck_outcome"))
    note = str(data.get("recheck_note") or "")
    if inspection.record_id is not None:  # the portal's objections, answered by the re-check
        disclosure.answer_record_objections(session, actor, inspection.record_id,
                                            inspection.recheck_outcome == "changed", note)
    if inspection.recheck_outcome != "changed" or inspection.record_id is None:
        return
    disclosure.report_revocation(session, actor, inspection.record_id, note)
    inspection.result_code = str(data["new_result_code"])
    publish_result(session, actor, inspection, {"result_code": inspection.result_code,
                                                "details": note, "follow_up": "none"})
