"""Working an unlicensed-operation case step by step: triage by Decree 684 (and the
copy-to notice when another department is competent), the answer to a copy-to notice,
investigation, the check after guidance, the penalty within the caps and its publication
(Art. 15), the joint-meeting office's urging of a late step. Each is one task of the case's
instance, completed through the runtime after the case row is set, in the caller's
transaction."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, disclosure, runtime
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import MarketEntity, OrgUnit, UnlicensedCase, UnlicensedCopy
from engine.unlicensed.cases import PROCESS_KEY, calendar_of, clean_text, get_case, open_steps
from engine.unlicensed.decree import COPY_DAYS, check_fine, competent_department

MIN_NOTE, MAX_NOTE = 2, 2000


def triage(session: Session, actor: audit.Actor, case_id: int, missing: str,
           licence_item: str | None, note: str) -> UnlicensedCase:
    """Decide what the operator lacks: the case stays with this department when it is the
    competent one, goes to the competent one by a copy-to notice (抄告, Art. 8) when not,
    and ends when nothing is missing."""
    case = get_case(session, actor, case_id)
    item_id = _item(session, case, "triage")
    note = clean_text(note, "triage_note", MIN_NOTE, MAX_NOTE)
    data: dict[str, Any] = {"missing": missing, "triage_note": note}
    if missing == "none":
        case.missing, case.outcome, data["triage_route"] = "none", "unfounded", "unfounded"
    else:
        article, competent = competent_department(session, case.area_code, missing,
                                                  licence_item)
        case.missing, case.article = missing, article
        case.licence_item = (licence_item or "").strip().upper() or None
        if competent.id == case.department_org_id:
            data["triage_route"] = "investigate"
        else:
            _copy_to(session, actor, case, competent, article, note)
            data.update(triage_route="copy", department_org=competent.code)
    case.updated_at = clock.now()
    runtime.complete(session, actor, item_id, data)
    return case


def answer_copy(session: Session, actor: audit.Actor, case_id: int, answer: str,
                feedback: str) -> UnlicensedCopy:
    """The competent department's feedback on a copy-to notice: it takes the case, or
    returns it (not its remit) to the sender's triage. On time when given by its due day."""
    if answer not in ("accepted", "returned"):
        raise InvalidInput("accept or return", fields={"copy_answer": "not_a_choice"})
    case = get_case(session, actor, case_id)
    item_id = _item(session, case, "answer_copy")
    copy = session.execute(select(UnlicensedCopy).where(
        UnlicensedCopy.case_id == case.id, UnlicensedCopy.answered_at.is_(None))
        .order_by(UnlicensedCopy.id.desc())).scalar()
    if copy is None:
        raise Conflict("no copy-to notice waits for an answer", code="no_copy_waiting")
    now = clock.now()
    copy.answer, copy.answered_by, copy.answered_at = answer, actor.name, now
    copy.feedback = clean_text(feedback, "feedback", MIN_NOTE, MAX_NOTE)
    copy.on_time = calendar_of(session, case).local_date(now) <= copy.due_on
    data: dict[str, Any] = {"copy_answer": answer, "feedback": copy.feedback}
    if answer == "returned":
        sender = session.get_one(OrgUnit, copy.from_org_id)
        case.department_org_id = sender.id
        data["department_org"] = sender.code
    case.updated_at = now
    runtime.complete(session, actor, item_id, data)
    audit.record(session, actor, "unlicensed.copy_answered", "unlicensed_copy", copy.id,
                 answer=answer, on_time=copy.on_time)
    return copy


def investigate(session: Session, actor: audit.Actor, case_id: int, finding: str,
                note: str, guidance_days: int | None = None) -> UnlicensedCase:
    """The finding: guidance to obtain the licence within `guidance_days` working days, a
    penalty, or no unlicensed operation."""
    if finding not in ("guidance", "penalty", "none"):
        raise InvalidInput("choose a finding", fields={"finding": "not_a_choice"})
    case = get_case(session, actor, case_id)
    item_id = _item(session, case, "investigate")
    case.finding = clean_text(note, "finding_note", MIN_NOTE, MAX_NOTE)
    data: dict[str, Any] = {"finding": finding, "finding_note": case.finding}
    if finding == "guidance":
        if not guidance_days or not 1 <= int(guidance_days) <= 60:
            raise InvalidInput("give the days to obtain the licence",
                               fields={"guidance_days": "required"})
        calendar = calendar_of(session, case)
        case.guidance_due_on = calendar.add_workdays(calendar.today(), int(guidance_days))
        data["guidance_due_at"] = calendar.end_of_day(case.guidance_due_on).isoformat()
    elif finding == "none":
        case.outcome = "no_violation"
    case.updated_at = clock.now()
    runtime.complete(session, actor, item_id, data)
    return case


def check_guidance(session: Session, actor: audit.Actor, case_id: int, obtained: str,
                   note: str = "") -> UnlicensedCase:
    """After the guidance deadline: licensed (closed, rectified), or on to a penalty."""
    if obtained not in ("yes", "no"):
        raise InvalidInput("say whether it was obtained",
                           fields={"licence_obtained": "not_a_choice"})
    case = get_case(session, actor, case_id)
    item_id = _item(session, case, "check_guidance")
    if obtained == "yes":
        case.outcome = "rectified"
    case.updated_at = clock.now()
    runtime.complete(session, actor, item_id, {"licence_obtained": obtained,
                                               "check_note": (note or "").strip()[:500]})
    return case


def decide_penalty(session: Session, actor: audit.Actor, case_id: int, *, article: int,
                   amount: int, decision_number: str, facts: str) -> UnlicensedCase:
    """The penalty, refused above the cap of its article; the decision goes into the
    credit record as a penalty draft of the enterprise-information service, published once
    the department completes and sends it (Art. 15). An operator that is no registered
    entity has no credit record to publish on (DOMAIN.md: a record's party name and USCC
    match the registry): the penalty stays on the case, and the trail says why."""
    check_fine(article, amount)
    case = get_case(session, actor, case_id)
    item_id = _item(session, case, "decide_penalty")
    number = clean_text(decision_number, "decision_number", MIN_NOTE, 100)
    facts = clean_text(facts, "penalty_facts", MIN_NOTE, MAX_NOTE)
    case.fine_article, case.fine_amount, case.decision_number = article, amount, number
    case.outcome, case.updated_at = "penalised", clock.now()
    if case.entity_id is not None:
        case.record_id = _publish(session, actor, case, facts).id
    else:
        audit.record(session, actor, "unlicensed.not_published", "unlicensed_case", case.id,
                     reason="unregistered_operator")
    runtime.complete(session, actor, item_id, {
        "fine_article": str(article), "fine_amount": amount, "decision_number": number,
        "penalty_facts": facts})
    return case


URGES = ("urge_triage", "urge_copy", "urge_investigation")


def urge(session: Session, actor: audit.Actor, case_id: int, task_name: str,
         data: dict[str, Any]) -> UnlicensedCase:
    """The joint-meeting office records how it urged a late triage, copy-to feedback or
    investigation."""
    if task_name not in URGES:
        raise NotFound(f"no step {task_name}", code="not_an_unlicensed_task")
    case = get_case(session, actor, case_id)
    runtime.complete(session, actor, _item(session, case, task_name), data)
    return case


def complete_case_step(session: Session, actor: audit.Actor, item_id: int,
                       data: dict[str, Any]) -> UnlicensedCase | UnlicensedCopy:
    """A step of a case submitted with its form (the completer of the process)."""
    item = runtime.get_work_item(session, actor, item_id)
    case_id = session.execute(select(UnlicensedCase.id).where(
        UnlicensedCase.instance_id == item.instance_id)).scalar()
    if case_id is None or item.process_key != PROCESS_KEY:
        raise NotFound(f"work item {item_id} is no case's step", code="not_an_unlicensed_task")
    text = {k: str(v) if v is not None else "" for k, v in data.items()}
    match item.task_name:
        case "triage":
            return triage(session, actor, case_id, text.get("missing", ""),
                          text.get("licence_item"), text.get("triage_note", ""))
        case "answer_copy":
            return answer_copy(session, actor, case_id, text.get("copy_answer", ""),
                               text.get("feedback", ""))
        case "investigate":
            days = data.get("guidance_days")
            return investigate(session, actor, case_id, text.get("finding", ""),
                               text.get("finding_note", ""), int(float(days)) if days else None)
        case "check_guidance":
            return check_guidance(session, actor, case_id, text.get("licence_obtained", ""),
                                  text.get("check_note", ""))
        case "decide_penalty":
            return decide_penalty(session, actor, case_id, article=_int(data, "fine_article"),
                                  amount=_int(data, "fine_amount"),
                                  decision_number=text.get("decision_number", ""),
                                  facts=text.get("penalty_facts", ""))
        case _:
            return urge(session, actor, case_id, item.task_name, data)


def _copy_to(session: Session, actor: audit.Actor, case: UnlicensedCase, competent: OrgUnit,
             article: int, note: str) -> UnlicensedCopy:
    calendar = calendar_of(session, case)
    copy = UnlicensedCopy(
        case_id=case.id, from_org_id=case.department_org_id, to_org_id=competent.id,
        article=article, reason=note, sent_by=actor.name, sent_at=clock.now(),
        due_on=calendar.add_workdays(calendar.today(), COPY_DAYS))
    session.add(copy)
    session.flush()
    case.department_org_id = competent.id
    audit.record(session, actor, "unlicensed.copied", "unlicensed_copy", copy.id,
                 case_id=case.id, to=competent.code, article=article)
    return copy


def _publish(session: Session, actor: audit.Actor, case: UnlicensedCase, facts: str
             ) -> Any:
    entity = session.get_one(MarketEntity, case.entity_id)
    department = session.get_one(OrgUnit, case.department_org_id)
    calendar = calendar_of(session, case)
    assert case.fine_amount is not None
    return disclosure.draft_for_department(session, actor, "penalty", entity, department, {
        "party_uscc": entity.uscc, "party_name": entity.name,
        "decision_number": case.decision_number,
        "decision_date": calendar.today().isoformat(),
        "legal_representative": entity.legal_representative,
        "violation_type": "无证无照经营", "facts": facts,
        "legal_basis": f"《无证无照经营查处办法》第{case.fine_article}条",
        "procedure": "general", "penalty_category": ["fine"],
        "content": f"罚款{case.fine_amount}元", "fine": str(case.fine_amount / 10_000),
        "sector": "general", "authority_name": department.name},
        decision_date=calendar.today(), origin=f"unlicensed:{case.id}")


def _item(session: Session, case: UnlicensedCase, task_name: str) -> int:
    """The open item of a step; Conflict when the case is not at that step."""
    for item in open_steps(session, case):
        if item.task_name == task_name:
            return item.id
    raise Conflict(f"the case is not at step {task_name}", code="wrong_unlicensed_step",
                   case_id=case.id)


def _int(data: dict[str, Any], field: str) -> int:
    """A whole number of the form (a fine is in whole yuan)."""
    try:
        number = Decimal(str(data.get(field, "")).replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(f"{field} is not a number", fields={field: "not_a_number"}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise InvalidInput(f"{field} is not a whole number", fields={field: "not_whole"})
    return int(number)
