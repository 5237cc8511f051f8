"""Working a dual notice (双告知): claim, return, re-route, terminate, revoke, dispatch, outcome.

Each function is one step of the notice's `dual_notice` instance — a task
completed or assigned through the runtime, or the `claim_revoked` signal —
followed by the matching change of the DualNotice row, in the caller's
transaction. The instance state stays the truth of the case; the notice row is
what lists, lights and figures query. (Script tasks setting data for a save hook
to copy would keep the diagram in charge, but re-routing has to push a new
notice and a suspected unlicensed operation has to open a lead: work that
belongs in the engine, not in a sandboxed script.) So dual-notice tasks must be
completed through these functions: a task page submitting a dual-notice form
calls `complete_notice_task`, which picks the right one.

Dispatch (分派) is an assignment of the open "record outcome" task to a
sub-unit, station or officer of the department — no step of its own in the
diagram, so a dispatched case can be re-dispatched or revoked like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from engine import audit, clock, disclosure, runtime
from engine.dual_notice import directory as supervision
from engine.dual_notice.checks import department_unit, licence_details, note_text, return_reason
from engine.dual_notice.routing import (
    PROCESS_KEY,
    Push,
    notice_by_key,
    push_notices,
)
from engine.dual_notice.routing_table import latest_table
from engine.dual_notice.targets import routing_target
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    DualNotice,
    MarketEntity,
    NoticeState,
    OrgUnit,
    Role,
    UnlicensedLead,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.org import scope
from engine.runtime.signals import deliver_signal

CLAIMED = (NoticeState.CLAIMED, NoticeState.DISPATCHED)
LeadHandler = Callable[[Session, audit.Actor, UnlicensedLead], object]
LEAD_HANDLERS: list[LeadHandler] = []
"""What a new unlicensed lead sets off, in the same transaction (filled by engine.domains:
the dual notice knows no more of what becomes of a lead)."""


def notice_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: notices the user may see — of a department or registrar unit in scope (a
    joint-meeting office's scope is its whole area), or whose case was dispatched to them."""
    dispatched = select(WorkItem.instance_id).where(scope.work_item_filter(session, user))
    return or_(scope.org_filter(session, user, DualNotice.department_org_id),
               scope.org_filter(session, user, DualNotice.registrar_org_id),
               DualNotice.instance_id.in_(dispatched))


def get_notice(session: Session, actor: audit.Actor, notice_id: int) -> DualNotice:
    """A notice the actor may see; NotFound otherwise, so ids do not leak."""
    user = runtime.actor_user(session, actor)
    query = select(DualNotice).where(DualNotice.id == notice_id)
    if user is not None:
        query = query.where(notice_filter(session, user))
    notice = session.execute(query).scalar()
    if notice is None:
        raise NotFound(f"no dual notice {notice_id}", code="no_such_notice")
    return notice


def notice_of_instance(session: Session, instance_id: int) -> int | None:
    """The notice whose case this is: its page is where the case's steps are worked."""
    return session.execute(select(DualNotice.id).where(
        DualNotice.instance_id == instance_id)).scalar()


def notice_claim(session: Session, actor: audit.Actor, notice_id: int) -> DualNotice:
    """The department claims (认领) the notice; the entity joins its supervision directory."""
    notice = _notice_in(session, actor, notice_id, NoticeState.PUSHED)
    runtime.complete(session, actor, _item_for(session, actor, notice, "claim_or_return"),
                     {"decision": "claim"})
    notice.state, notice.claimed_at = NoticeState.CLAIMED, clock.now()
    supervision.join_directory(session, notice)
    _audit(session, actor, notice, "claim")
    return notice


def notice_return(session: Session, actor: audit.Actor, notice_id: int, reason: int | str,
                  note: str) -> DualNotice:
    """The department returns (退回) the notice to the registering AMR unit, with a reason."""
    code, note = return_reason(reason), note_text(note, required=True, field="return_note")
    notice = _notice_in(session, actor, notice_id, NoticeState.PUSHED)
    runtime.complete(session, actor, _item_for(session, actor, notice, "claim_or_return"),
                     {"decision": "return", "return_reason": str(code), "return_note": note})
    notice.state, notice.returned_at = NoticeState.RETURNED, clock.now()
    notice.return_reason, notice.return_note = code, note
    _audit(session, actor, notice, "return", reason=code)
    return notice


def notice_reroute(session: Session, actor: audit.Actor, notice_id: int,
                   department_org_id: int, *, licence_item: str | None = None,
                   note: str = "") -> DualNotice:
    """The registrar sends a returned notice to another department: a new notice.

    This one becomes "rerouted"; the new one (returned) points back to it.
    The licence item may be corrected on the way (reason 0).
    """
    notice = _notice_in(session, actor, notice_id, NoticeState.RETURNED)
    item_id = _item_for(session, actor, notice, "handle_return")  # who may, before what
    entity = session.get_one(MarketEntity, notice.entity_id)
    table = latest_table(session)
    item = (licence_item or notice.licence_item).strip()
    name = notice.licence_item_name if item == notice.licence_item else \
        table.licence_items().get(item)
    if not name:
        raise InvalidInput("unknown licence item", fields={"licence_item": "unknown"})
    department = routing_target(session, entity, item, department_org_id,
                                field="new_department", table=table)
    if (item, department.id) == (notice.licence_item, notice.department_org_id):
        raise InvalidInput("re-route to another department",
                           fields={"new_department": "same_department"})
    runtime.complete(session, actor, item_id, {
        "action": "reroute", "new_department": department.code, "licence_item": item,
        "action_note": note_text(note)})
    _end(notice, NoticeState.REROUTED)
    session.flush()
    keys = push_notices(session, actor, [Push(entity, item, name, department, notice.trigger,
                                              "manual", previous_id=notice.id)])
    if not keys:
        raise Conflict("that department already has this item of the entity", code="already_pushed",
                       notice_id=notice.id)
    moved = notice_by_key(session, keys[0])
    _audit(session, actor, notice, "reroute", to_notice=moved.id, department=department.code,
           licence_item=item)
    return moved


def notice_terminate(session: Session, actor: audit.Actor, notice_id: int, note: str = ""
                     ) -> DualNotice:
    """The registrar ends the push of a returned notice (终止推送)."""
    notice = _notice_in(session, actor, notice_id, NoticeState.RETURNED)
    runtime.complete(session, actor, _item_for(session, actor, notice, "handle_return"),
                     {"action": "terminate", "action_note": note_text(note)})
    _end(notice, NoticeState.TERMINATED)
    _audit(session, actor, notice, "terminate")
    return notice


def notice_revoke_claim(session: Session, actor: audit.Actor, notice_id: int,
                        reason: str = "") -> DualNotice:
    """A department administrator revokes a claim: the notice is claimable again."""
    notice = _notice_in(session, actor, notice_id, *CLAIMED)
    user = runtime.actor_user(session, actor)
    department = session.get_one(OrgUnit, notice.department_org_id)
    if user is not None and not (user.has_role(Role.SYSADMIN) or (
            user.has_role(Role.DEPT_ADMIN) and scope.in_scope(session, user, department.path))):
        raise Forbidden("only the department's administrator can revoke a claim",
                        code="not_department_admin")
    assert notice.instance_id is not None  # push_notices starts every notice's case
    deliver_signal(session, notice.instance_id, "claim_revoked", notice_id=notice.id)
    notice.state, notice.claimed_at = NoticeState.PUSHED, None
    supervision.leave_directory_if_unclaimed(session, notice)
    _audit(session, actor, notice, "revoke_claim", reason=note_text(reason))
    return notice


def notice_dispatch(session: Session, actor: audit.Actor, notice_id: int, *,
                    user_id: int | None = None, org_unit_id: int | None = None) -> DualNotice:
    """After claiming, hand the case (its outcome task) to a sub-unit, station or officer
    of the department (分派)."""
    notice = _notice_in(session, actor, notice_id, *CLAIMED)
    department = session.get_one(OrgUnit, notice.department_org_id)
    person = session.get(User, user_id) if user_id is not None else None
    target = person.org_unit if person is not None else (
        session.get(OrgUnit, org_unit_id) if org_unit_id is not None else None)
    if target is None or not target.path.startswith(department.path):
        raise InvalidInput("dispatch within the department",
                           fields={"target": "outside_department"})
    item = _open_item(session, notice, "record_outcome")
    user = runtime.actor_user(session, actor)
    if (user is not None and item.assignee_id is None
            and not scope.may_manage(session, user, department.path)):
        runtime.claim(session, actor, item.id)  # an officer takes the case to hand it on
    runtime.assign(session, actor, item.id, user_id=user_id, org_unit_id=org_unit_id)
    notice.state = NoticeState.DISPATCHED
    _audit(session, actor, notice, "dispatch", user_id=user_id, org_unit_id=org_unit_id)
    return notice


def notice_record_outcome(session: Session, actor: audit.Actor, notice_id: int, outcome: str,
                          *, licence_no: str | None = None,
                          licence_date: date | str | None = None, note: str = ""
                          ) -> DualNotice:
    """Close the loop with the licence outcome; a suspected unlicensed operation opens a lead."""
    number, day = licence_details(outcome, licence_no, licence_date)
    notice = _notice_in(session, actor, notice_id, *CLAIMED)
    runtime.complete(session, actor, _item_for(session, actor, notice, "record_outcome"), {
        "outcome": outcome, "licence_no": number,
        "licence_date": day.isoformat() if day else None, "outcome_note": note_text(note)})
    _end(notice, NoticeState.CLOSED)
    notice.outcome, notice.licence_no, notice.licence_date = outcome, number, day
    _audit(session, actor, notice, "close", outcome=outcome, licence_no=number)
    if outcome == "suspected_unlicensed":
        _open_lead(session, actor, notice, note_text(note))
    if outcome == "granted" and day is not None:
        _licence_record(session, actor, notice, number, day)
    return notice


def _licence_record(session: Session, actor: audit.Actor, notice: DualNotice,
                    number: str | None, day: date) -> None:
    """The licence granted becomes a licence record (涉企信息) for the department to complete
    and send within 7 working days: what the notice knows is filled in."""
    entity = session.get(MarketEntity, notice.entity_id)
    department = session.get(OrgUnit, notice.department_org_id)
    assert entity is not None and department is not None
    disclosure.draft_for_department(
        session, actor, "licence", entity, department, {
            "licence_no": number, "valid_from": day.isoformat(), "licence_status": "valid",
            "content": notice.licence_item_name, "authority_name": department.name},
        decision_date=day, origin=f"dual_notice:{notice.id}")


def complete_notice_task(session: Session, actor: audit.Actor, item_id: int,
                         data: dict[str, Any]) -> DualNotice:
    """A dual-notice task submitted from a generic task page: do what its form says."""
    item = runtime.get_work_item(session, actor, item_id)
    notice = session.execute(select(DualNotice).where(
        DualNotice.instance_id == item.instance_id)).scalar()
    if notice is None or item.process_key != PROCESS_KEY:
        raise NotFound(f"work item {item_id} is not a dual-notice task", code="not_a_notice_task")
    task = item.task_name
    if task == "claim_or_return" and data.get("decision") == "claim":
        return notice_claim(session, actor, notice.id)
    if task == "claim_or_return" and data.get("decision") == "return":
        return notice_return(session, actor, notice.id, data.get("return_reason", ""),
                             data.get("return_note", ""))
    if task == "handle_return" and data.get("action") == "reroute":
        unit = department_unit(session, data.get("new_department"))
        return notice_reroute(session, actor, notice.id, unit.id,
                              licence_item=data.get("licence_item") or None,
                              note=data.get("action_note", ""))
    if task == "handle_return" and data.get("action") == "terminate":
        return notice_terminate(session, actor, notice.id, data.get("action_note", ""))
    if task == "record_outcome":
        return notice_record_outcome(session, actor, notice.id, data.get("outcome", ""),
                                     licence_no=data.get("licence_no"),
                                     licence_date=data.get("licence_date"),
                                     note=data.get("outcome_note", ""))
    if task == "urge_claim":
        runtime.complete(session, actor, item.id, data)
        return notice
    field = {"claim_or_return": "decision", "handle_return": "action"}.get(task, "task")
    raise InvalidInput("choose what to do", fields={field: "not_a_choice"})


# --- helpers --------------------------------------------------------------------------------

def _notice_in(session: Session, actor: audit.Actor, notice_id: int, *states: NoticeState
               ) -> DualNotice:
    notice = get_notice(session, actor, notice_id)
    if notice.state not in states:
        raise Conflict(f"the notice is {notice.state.value}",
                       code="wrong_notice_state", notice_id=notice.id)
    return notice


STEP_OWNERS = {"claim_or_return": "the department", "handle_return": "the registering AMR unit",
               "record_outcome": "the department (or whom it dispatched the case to)"}


def _item_for(session: Session, actor: audit.Actor, notice: DualNotice, task_name: str) -> int:
    """The open item of a step, refused up front (Forbidden rather than a hidden item) when
    the actor neither holds it nor is among its candidates: who may act comes before whether
    someone else holds it, which is the runtime's conflict."""
    item = _open_item(session, notice, task_name)
    user = runtime.actor_user(session, actor)
    if user is not None and item.assignee_id != user.id and not scope.may_work_on(
            session, user, item):
        raise Forbidden(f"this step is for {STEP_OWNERS[task_name]}",
                        code="not_your_step", notice_id=notice.id)
    return item.id


def _open_item(session: Session, notice: DualNotice, task_name: str) -> WorkItem:
    item = session.execute(select(WorkItem).where(
        WorkItem.instance_id == notice.instance_id, WorkItem.task_name == task_name,
        WorkItem.status == WorkItemStatus.OPEN)).scalar()
    if item is None:
        raise Conflict("the case is not waiting for that step",
                       code="step_not_waiting", notice_id=notice.id)
    return item


def _audit(session: Session, actor: audit.Actor, notice: DualNotice, verb: str,
           **summary: object) -> None:
    audit.record(session, actor, f"notice.{verb}", "dual_notice", notice.id,
                 entity_id=notice.entity_id, state=notice.state.value, **summary)


def _end(notice: DualNotice, state: NoticeState) -> None:
    notice.state, notice.live, notice.closed_at = state, False, clock.now()


def _open_lead(session: Session, actor: audit.Actor, notice: DualNotice, note: str) -> None:
    entity = session.get_one(MarketEntity, notice.entity_id)
    lead = UnlicensedLead(
        entity_id=notice.entity_id, source="dual_notice", notice_id=notice.id,
        department_org_id=notice.department_org_id, state="open", created_at=clock.now(),
        summary=f"{entity.name}（{entity.uscc}）{notice.licence_item_name}：疑似无证经营"
                + (f"。{note}" if note else ""))
    session.add(lead)
    session.flush()
    audit.record(session, actor, "lead.open", "unlicensed_lead", lead.id,
                 notice_id=notice.id, source="dual_notice")
    for handle in LEAD_HANDLERS:
        handle(session, actor, lead)
