"""Opening unlicensed-operation cases (无证无照) from every kind of lead, finding them, and
the case kept in step with its `unlicensed_case` instance.

Leads come from the public (the portal's report form), from spot checks and inspections,
from dual-notice outcomes (each new UnlicensedLead, through the hook engine.domains sets)
and from data analysis (entered by an officer). Each starts a case at the department that
received it, whose first step is triage by Decree 684.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.calendar import WorkdayCalendar, calendar_for
from engine.config import PROJECT_DIR
from engine.db import settings_of
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import (
    MarketEntity,
    OrgUnit,
    UnlicensedCase,
    UnlicensedCopy,
    UnlicensedLead,
    UnlicensedReporter,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.org import scope
from engine.runtime.cases import AFTER_SAVE, Case
from engine.runtime.deploy import deploy_shipped
from engine.runtime.derive import script_step_data
from engine.unlicensed.decree import market_regulator
from engine.unlicensed.reporters import tell_outcome

PROCESS_KEY = "unlicensed_case"
DIAGRAM = PROJECT_DIR / "bpmn" / "unlicensed_case.bpmn"
SOURCES = ("report", "inspection", "dual_notice", "data")
STATES = ("triage", "copied", "investigation", "guidance", "penalty", "closed")
MAX_NAME, MAX_ADDRESS, MIN_SUMMARY, MAX_SUMMARY = 200, 300, 10, 2000
MAX_REPORTER, MAX_CONTACT = 100, 200


def open_case(session: Session, actor: audit.Actor, *, source: str, summary: str,
              department: OrgUnit | None = None, entity_id: int | None = None,
              name: str | None = None,
              address: str | None = None, area_code: str | None = None,
              reporter: tuple[str | None, str | None] | None = None,
              lead_id: int | None = None) -> UnlicensedCase:
    """Open a case at `department` (the unit that received the lead; by default the
    actor's department) and start its triage: what other areas call (a spot check's
    finding: source "inspection"). The operator is a registered entity (`entity_id`) or a
    name, an address and an area; `reporter` (name, contact) is stored apart and never
    shown outside the handling unit (Art. 9)."""
    department = department or lead_department(session, actor)
    if source not in SOURCES:
        raise InvalidInput("unknown source", fields={"source": "not_a_choice"})
    party, place, area = _operator(session, entity_id, name, address, area_code)
    text = clean_text(summary, "summary", MIN_SUMMARY, MAX_SUMMARY)
    now = clock.now()
    case = UnlicensedCase(
        number=secrets.token_hex(8), source=source, lead_id=lead_id, entity_id=entity_id,
        party_name=party, address=place, area_code=area, summary=text,
        intake_org_id=department.id, department_org_id=department.id, state="triage",
        created_by=actor.name, created_at=now, updated_at=now)
    session.add(case)
    session.flush()
    case.number = f"{calendar_of(session, case).today().year}{case.id:06d}"
    if reporter is not None:
        _add_reporter(session, case, *reporter)
    deploy_shipped(session, PROCESS_KEY, DIAGRAM)
    row = runtime.start_process(
        session, actor, PROCESS_KEY, business_key=f"UL-{case.id}", entity_id=entity_id,
        area_code=area, data={"case_id": case.id, "department_org": department.code,
                              "area_code": area})
    case.instance_id = row.id
    audit.record(session, actor, "unlicensed.open", "unlicensed_case", case.id,
                 source=source, department=department.code, entity_id=entity_id)
    return case


def report_from_public(session: Session, actor: audit.Actor, *, area_code: str, name: str,
                       address: str, summary: str, reporter_name: str | None,
                       reporter_contact: str | None) -> UnlicensedCase:
    """A report of the public (portal): the market regulator of the area receives it.
    Anonymous reports are taken; a reporter who gives a name gives a contact too, to be
    told the outcome."""
    who = (reporter_name or "").strip() or None
    contact = (reporter_contact or "").strip() or None
    if who and not contact:
        raise InvalidInput("a named reporter gives a contact", fields={"contact": "required"})
    department = market_regulator(session, area_code)
    return open_case(session, actor, source="report", summary=summary, department=department,
                     name=name, address=address, area_code=area_code,
                     reporter=(who, contact) if (who or contact) else None)


def lead_department(session: Session, actor: audit.Actor) -> OrgUnit:
    """The department whose people enter a lead: the actor's; Forbidden for anyone who
    works in none (joint-meeting offices, administrators, auditors)."""
    user = runtime.actor_user(session, actor)
    department = scope.department_of(session, user) if user is not None else None
    if department is None:
        raise Forbidden("only a department's people enter leads", code="lead_outside_department")
    return department


def enter_lead(session: Session, actor: audit.Actor, *, source: str, summary: str,
               uscc: str | None = None, name: str | None = None, address: str | None = None,
               area_code: str | None = None) -> UnlicensedCase:
    """An officer enters a lead (a spot check's finding, data analysis): the case opens at
    the officer's department; a USCC names a registered entity, else name and address."""
    department = lead_department(session, actor)
    entity_id = None
    if uscc and uscc.strip():
        entity_id = session.execute(select(MarketEntity.id).where(
            MarketEntity.uscc == uscc.strip().upper())).scalar()
        if entity_id is None:
            raise InvalidInput("no registered entity has that code",
                               fields={"uscc": "not_registered"})
    return open_case(session, actor, source=source, summary=summary, department=department,
                     entity_id=entity_id, name=name, address=address, area_code=area_code)


def case_from_lead(session: Session, actor: audit.Actor, lead: UnlicensedLead
                   ) -> UnlicensedCase | None:
    """The case of a lead (a dual notice's suspected unlicensed operation): opened at the
    lead's department once; None for a lead that has one, or no department."""
    if lead.department_org_id is None or session.execute(select(UnlicensedCase.id).where(
            UnlicensedCase.lead_id == lead.id)).first():
        return None
    department = session.get_one(OrgUnit, lead.department_org_id)
    case = open_case(session, actor, source=lead.source if lead.source in SOURCES else "data",
                     summary=lead.summary, department=department, entity_id=lead.entity_id,
                     lead_id=lead.id)
    return case


def convert_open_leads(session: Session, actor: audit.Actor) -> int:
    """Turn every open lead without a case into one (the leads made before cases
    existed); returns how many."""
    leads = session.execute(select(UnlicensedLead).where(
        UnlicensedLead.state == "open", UnlicensedLead.id.not_in(
            select(UnlicensedCase.lead_id).where(UnlicensedCase.lead_id.is_not(None))))
        .order_by(UnlicensedLead.id)).scalars().all()
    return sum(case_from_lead(session, actor, lead) is not None for lead in leads)


def case_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: the cases a user sees: received or handled by a unit in scope, or copied from
    or to one."""
    copied = select(UnlicensedCopy.case_id).where(or_(
        scope.org_filter(session, user, UnlicensedCopy.from_org_id),
        scope.org_filter(session, user, UnlicensedCopy.to_org_id)))
    return or_(scope.org_filter(session, user, UnlicensedCase.department_org_id),
               scope.org_filter(session, user, UnlicensedCase.intake_org_id),
               UnlicensedCase.id.in_(copied))


def get_case(session: Session, actor: audit.Actor, case_id: int) -> UnlicensedCase:
    """A case the actor may see; NotFound otherwise (the same for both)."""
    query = select(UnlicensedCase).where(UnlicensedCase.id == case_id)
    user = runtime.actor_user(session, actor)
    if user is not None:
        query = query.where(case_filter(session, user))
    case = session.execute(query).scalar()
    if case is None:
        raise NotFound(f"no unlicensed case {case_id}", code="no_such_unlicensed_case")
    return case


def case_of_instance(session: Session, instance_id: int) -> int | None:
    """The case whose instance this is: its page is where the steps are worked."""
    return session.execute(select(UnlicensedCase.id).where(
        UnlicensedCase.instance_id == instance_id)).scalar()


def open_steps(session: Session, case: UnlicensedCase) -> list[WorkItem]:
    """The case's open work items, oldest first."""
    if case.instance_id is None:
        return []
    return list(session.execute(select(WorkItem).where(
        WorkItem.instance_id == case.instance_id, WorkItem.status == WorkItemStatus.OPEN
    ).order_by(WorkItem.id)).scalars())


def calendar_of(session: Session, case: UnlicensedCase) -> WorkdayCalendar:
    return calendar_for(session, settings_of(session), case.area_code)


def sync_case(session: Session, case: Case, _thrown: list[Any]) -> None:
    """After each save of an unlicensed_case instance: copy the state its diagram set into
    the case; a closed case tells a named reporter its outcome."""
    if case.row.definition.key != PROCESS_KEY or case.row.id is None:
        return
    state = script_step_data(case.workflow, "case_status").get("case_status")
    row = session.get(UnlicensedCase, case.workflow.data.get("case_id") or 0)
    if row is None or state is None or state == row.state:
        return
    row.state, row.updated_at = state, clock.now()
    if state == "closed":
        row.closed_at = row.updated_at
        tell_outcome(session, row)
    audit.record(session, audit.SYSTEM, f"unlicensed.{state}", "unlicensed_case", row.id,
                 outcome=row.outcome)


AFTER_SAVE.append(sync_case)


def _operator(session: Session, entity_id: int | None, name: str | None,
              address: str | None, area_code: str | None) -> tuple[str, str, str]:
    if entity_id is not None:
        entity = session.get(MarketEntity, entity_id)
        if entity is None:
            raise NotFound(f"no market entity {entity_id}", code="no_such_entity")
        return entity.name, entity.address or "", entity.area_code
    problems = {}
    party = (name or "").strip()
    place = (address or "").strip()
    if not party or len(party) > MAX_NAME:
        problems["name"] = "required" if not party else "too_long"
    if len(place) > MAX_ADDRESS:
        problems["address"] = "too_long"
    if not area_code or session.execute(select(OrgUnit.id).where(
            OrgUnit.area_code == area_code).limit(1)).first() is None:
        problems["area_code"] = "not_a_choice"
    if problems:
        raise InvalidInput("the operator is not named", fields=problems)
    assert area_code is not None
    return party, place, area_code


def _add_reporter(session: Session, case: UnlicensedCase, name: str | None,
                  contact: str | None) -> None:
    name, contact = (name or "").strip() or None, (contact or "").strip() or None
    problems = {}
    if name and len(name) > MAX_REPORTER:
        problems["reporter_name"] = "too_long"
    if contact and len(contact) > MAX_CONTACT:
        problems["contact"] = "too_long"
    if problems:
        raise InvalidInput("the reporter's details are too long", fields=problems)
    session.add(UnlicensedReporter(case_id=case.id, name=name, contact=contact,
                                   real_name=bool(name and contact)))


def clean_text(value: str | None, field: str, shortest: int, longest: int) -> str:
    """The text trimmed, refused (InvalidInput on `field`) when too short or too long."""
    text = (value or "").strip()
    if len(text) < shortest:
        raise InvalidInput(f"{field} is too short", fields={field: "too_short"})
    if len(text) > longest:
        raise InvalidInput(f"{field} is too long", fields={field: "too_long"})
    return text
