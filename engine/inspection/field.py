"""The inspection on site: the checklist of the task's items, photos with their location,
the findings, and each drawn officer's confirmation; the last confirmation of a complete
record finishes the `inspect` step."""

from __future__ import annotations

from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.inspection.cases import calendar_of, get_inspection, open_steps
from engine.models import Attachment, Inspection, User, WorkItem
from engine.work.attachments import add_attachment

ANSWERS = ("ok", "problem", "na")  # 符合, 不符合, 不适用
MAX_FINDINGS = 2000


def checklist_keys(inspection: Inspection) -> list[tuple[str, str, str]]:
    """(key, item name, sub-item) for every line of the checklist, in the task's order: a
    line per sub-item, or the item itself when it has none."""
    lines = []
    for item in inspection.items:
        subs = list(item.get("sub_items") or [])
        if not subs:
            lines.append((str(item["code"]), str(item["name"]), ""))
        lines.extend((f"{item['code']}.{n}", str(item["name"]), sub)
                     for n, sub in enumerate(subs, 1))
    return lines


def missing_lines(inspection: Inspection) -> list[str]:
    answers = (inspection.checklist or {}).get("answers", {})
    return [key for key, _name, _sub in checklist_keys(inspection) if key not in answers]


def save_field_record(session: Session, actor: audit.Actor, inspection_id: int,
                      answers: dict[str, str], findings: str) -> Inspection:
    """A drawn officer records (or changes) the checklist and the findings; a change
    clears the confirmations given, since they confirmed what was there before."""
    inspection, user, item = _at_inspect(session, actor, inspection_id)
    keys = {key for key, _name, _sub in checklist_keys(inspection)}
    problems = {f"answer_{k}": "not_a_choice" for k, v in answers.items()
                if k not in keys or v not in ANSWERS}
    findings = (findings or "").strip()
    if len(findings) > MAX_FINDINGS:
        problems["findings"] = "too_long"
    if problems:
        raise InvalidInput("the checklist has errors", fields=problems)
    before = dict(inspection.checklist or {})
    merged = {**before.get("answers", {}), **answers}
    if merged != before.get("answers") or findings != (inspection.findings or ""):
        inspection.confirmations = {}
    inspection.checklist = {**before, "answers": merged}
    inspection.findings = findings or None
    inspection.updated_at = clock.now()
    audit.record(session, actor, "inspection.field_record", "inspection", inspection.id,
                 lines=len(merged), by=user.username, item_id=item.id)
    return inspection


def add_photo(session: Session, actor: audit.Actor, inspection_id: int, filename: str,
              stream: BinaryIO, location: tuple[float, float] | None) -> Attachment:
    """A photo taken on site, kept with the case like any attachment, with the place it
    was taken at when the camera recorded one (EXIF GPS, read on the phone)."""
    inspection, _user, item = _at_inspect(session, actor, inspection_id)
    if location is not None and not (-90 <= location[0] <= 90 and -180 <= location[1] <= 180):
        raise InvalidInput("not a place on earth", fields={"location": "out_of_range"})
    take_within_pair(session, actor, item)
    row = add_attachment(session, actor, item.id, filename, stream)
    photos = list((inspection.checklist or {}).get("photos", []))
    photos.append({"attachment_id": row.id, "filename": row.filename,
                   "lat": location[0] if location else None,
                   "lon": location[1] if location else None})
    inspection.checklist = {**(inspection.checklist or {}), "photos": photos}
    inspection.updated_at = clock.now()
    return row


def confirm(session: Session, actor: audit.Actor, inspection_id: int) -> Inspection:
    """A drawn officer confirms the record as it stands; once every drawn officer has, the
    inspection step is done (the checklist must be complete)."""
    inspection, user, item = _at_inspect(session, actor, inspection_id)
    if missing_lines(inspection):
        raise Conflict("the checklist is not complete", code="checklist_incomplete",
                       missing=len(missing_lines(inspection)))
    inspection.confirmations = {**(inspection.confirmations or {}),
                                str(user.id): clock.now().isoformat()}
    audit.record(session, actor, "inspection.confirm", "inspection", inspection.id,
                 by=user.username)
    if all(str(i) in inspection.confirmations for i in inspection.officer_ids):
        finish_inspect(session, actor, inspection, item, {"findings": inspection.findings or ""})
    return inspection


def finish_inspect(session: Session, actor: audit.Actor, inspection: Inspection,
                   item: WorkItem, data: dict[str, Any]) -> None:
    """Complete the `inspect` step once the record is whole and confirmed by both."""
    if missing_lines(inspection):
        raise Conflict("the checklist is not complete", code="checklist_incomplete",
                       missing=len(missing_lines(inspection)))
    if not all(str(i) in (inspection.confirmations or {}) for i in inspection.officer_ids):
        raise Conflict("every drawn officer must confirm", code="not_confirmed")
    calendar_today = calendar_of(session, inspection).today()
    inspection.checked_on = calendar_today
    take_within_pair(session, actor, item)
    runtime.complete(session, actor, item.id, {**data, "checked_on": calendar_today.isoformat()})


def drawn_officer(session: Session, actor: audit.Actor, inspection: Inspection) -> User:
    """The acting user, who must be one of the inspection's drawn officers."""
    user = runtime.actor_user(session, actor)
    if user is None or user.id not in inspection.officer_ids:
        raise Forbidden("only the drawn officers work this inspection",
                        code="not_drawn_officer", inspection_id=inspection.id)
    return user


def take_within_pair(session: Session, actor: audit.Actor, item: WorkItem) -> None:
    """The step belongs to the drawn pair: either of them may act, so it passes to the one
    acting (the other keeps seeing it on the inspection's page)."""
    if item.assignee_id != actor.user_id:
        runtime.assign(session, audit.SYSTEM, item.id, user_id=actor.user_id)


def _at_inspect(session: Session, actor: audit.Actor, inspection_id: int
                ) -> tuple[Inspection, User, WorkItem]:
    inspection = get_inspection(session, actor, inspection_id)
    user = drawn_officer(session, actor, inspection)
    # The two officers may record or confirm at once: one waits for the other (PostgreSQL
    # locks the row; SQLite writes one transaction at a time), so no confirmation is lost.
    session.refresh(inspection, with_for_update=True)
    for item in open_steps(session, inspection):
        if item.task_name == "inspect":
            return inspection, user, item
    raise Conflict("the inspection is not at its on-site step", code="wrong_inspection_state",
                   inspection_id=inspection.id)
