"""The serious illegal and dishonest list (严重违法失信名单, bpmn/serious_list.bpmn): the
proposal after a serious violation with a heavy penalty, the regulator's decision and its
approval one level up (the platform's sanction approval: approve, or return with a reason),
three years on the list, early removal after at least one year when every condition holds,
automatic removal at three years (the diagram's timer)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.credit_lists.entries import (
    calendar_of,
    end_publication,
    item_of,
    moment,
    new_entry,
    note,
    start_case,
    upper_code,
)
from engine.credit_lists.procedure import (
    answer_application,
    calendar_for_area,
    complete_with,
    entry_on,
    file_application,
    require_regulator,
)
from engine.credit_lists.rules import (
    EARLY_CONDITIONS,
    EARLY_YEARS,
    LIST_YEARS,
    regulator_of,
    years_after,
)
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import (
    CreditListApplication,
    CreditListEntry,
    DisclosureRecord,
    ListStatus,
    ListType,
    MarketEntity,
)


def propose_serious(session: Session, actor: audit.Actor, entity: MarketEntity, *,
                    violation: str, penalty: str, trigger_date: date,
                    source_record_id: int | None = None) -> CreditListEntry:
    """Propose the entity for the serious list after a serious violation (`violation`)
    punished heavily (`penalty`, or the penalty record `source_record_id`)."""
    regulator = regulator_of(session, entity.area_code)
    require_regulator(session, actor, regulator)
    violation, penalty = note(violation, "violation"), note(penalty, "penalty")
    if trigger_date > calendar_for_area(session, regulator).today():
        raise InvalidInput("the penalty lies ahead", fields={"trigger_date": "in_future"})
    if source_record_id is not None:
        record = session.get(DisclosureRecord, source_record_id)
        if record is None or record.entity_id != entity.id or record.category != "penalty":
            raise InvalidInput("not a penalty of this entity",
                               fields={"source_record_id": "not_a_penalty"})
    if session.execute(select(CreditListEntry.id).where(
            CreditListEntry.entity_id == entity.id, CreditListEntry.list_type == ListType.SERIOUS,
            CreditListEntry.status.in_((ListStatus.PROPOSED, ListStatus.LISTED))).limit(1)
    ).scalar() is not None:
        raise Conflict("the entity is already on the serious list or proposed for it",
                       code="already_listed", entity_id=entity.id)
    approver = upper_code(session, regulator)
    if not approver:
        raise Forbidden("the level above is not on the platform to approve",
                        code="no_upper_level")
    entry = new_entry(session, actor, ListType.SERIOUS, entity, regulator,
                      reason=violation[:40], text=f"{violation}\n{penalty}",
                      trigger_source="penalty" if source_record_id else "entered",
                      trigger_date=trigger_date, source_record_id=source_record_id)
    start_case(session, actor, entry, {"moved": False, "needs_approval": True,
                                       "approver_org": approver})
    return entry


def decide_proposal(session: Session, actor: audit.Actor, entry_id: int, decision: str,
                    reason: str = "") -> CreditListEntry:
    """The regulator's administrator sends the listing up for approval, or drops it."""
    entry = _serious(session, entry_id)
    if decision not in ("list", "refuse"):
        raise InvalidInput("list or refuse", fields={"decision": "not_a_choice"})
    if decision == "refuse":
        entry.removal_text = note(reason, "reason")
    runtime.complete(session, actor, item_of(session, entry, "decide_proposal"),
                     {"proposal_decision": decision})
    return entry


def approve_listing(session: Session, actor: audit.Actor, entry_id: int, decision: str,
                    reason: str = "") -> CreditListEntry:
    """The level above approves the listing (in force at once for three years) or returns
    it with a reason; the answer is kept with the entry."""
    entry = _serious(session, entry_id)
    if decision not in ("approve", "return"):
        raise InvalidInput("approve or return", fields={"decision": "not_a_choice"})
    reason = note(reason, "reason", required=decision == "return")
    item_id = item_of(session, entry, "approve_listing")
    calendar = calendar_of(session, entry)
    today = calendar.today()
    data: dict[str, Any] = {"approval": decision, "return_reason": reason}
    if decision == "approve":
        data["ends_at"] = moment(calendar, date.fromordinal(
            years_after(today, LIST_YEARS).toordinal() - 1))
    runtime.complete(session, actor, item_id, data)
    session.add(CreditListApplication(
        entry_id=entry.id, kind="approval", reason=decision, text=entry.reason_text or "",
        applied_on=today, status="granted" if decision == "approve" else "refused",
        conditions={}, reply=reason or None, decided_on=today, decided_by=actor.name,
        created_by=actor.name, created_at=clock.now()))
    audit.record(session, actor, f"credit_lists.serious.{decision}", "credit_list_entry",
                 entry.id, reason=reason)
    return entry


def apply_for_early_removal(session: Session, actor: audit.Actor, entry_id: int, text: str
                            ) -> CreditListApplication:
    """Record the entity's application for early removal: refused before one year."""
    entry = _serious(session, entry_id)
    require_regulator(session, actor, regulator_of(session, entry.area_code))
    if entry.status != ListStatus.LISTED or entry.listed_on is None:
        raise Conflict("the entry is not listed", code="wrong_entry_state", entry_id=entry.id)
    if calendar_of(session, entry).today() < years_after(entry.listed_on, EARLY_YEARS):
        raise Forbidden("early removal only after one year on the list",
                        code="early_removal_too_early", entry_id=entry.id)
    return file_application(session, actor, entry, "early_removal", "early_removal_applied",
                            note(text, "text"))


def review_early_removal(session: Session, actor: audit.Actor, entry_id: int,
                         conditions: dict[str, bool], reply: str) -> CreditListEntry:
    """Answer each condition yes or no: all yes, the entity is removed early (publication
    ended); any no, refused. The answers and the reply are recorded."""
    entry = _serious(session, entry_id)
    missing = [c for c in EARLY_CONDITIONS if c not in conditions]
    if missing:
        raise InvalidInput("answer every condition", fields=dict.fromkeys(missing, "required"))
    reply = note(reply, "reply")
    answers = {c: bool(conditions[c]) for c in EARLY_CONDITIONS}
    granted = all(answers.values())
    item_id = item_of(session, entry, "review_early_removal")
    application = answer_application(session, actor, entry, "early_removal", granted, reply,
                                     conditions=answers)
    application.conditions = answers
    if granted:
        entry.removal_reason, entry.removal_text = "early_removal", reply
    runtime.complete(session, actor, item_id, {"early_decision": "grant" if granted else "refuse"})
    if granted:
        end_publication(session, actor, entry, f"提前移出严重违法失信名单：{reply}")
    return entry


def complete_step(session: Session, actor: audit.Actor, item_id: int, data: dict[str, Any]
                  ) -> CreditListEntry:
    """A step of a serious entry's case submitted from its page or the API."""
    return complete_with(session, actor, item_id, data, {
        "decide_proposal": lambda e, decision, text, _: decide_proposal(
            session, actor, e.id, decision, text),
        "approve_listing": lambda e, decision, text, _: approve_listing(
            session, actor, e.id, decision, text),
        "review_early_removal": lambda e, _decision, text, sent: review_early_removal(
            session, actor, e.id, {c: sent[c] in (True, "yes", "true", "1")
                                   for c in EARLY_CONDITIONS if c in sent}, text)})


def _serious(session: Session, entry_id: int) -> CreditListEntry:
    return entry_on(session, entry_id, ListType.SERIOUS)
