"""The implementing departments' feedback (反馈) on the restrictions checks triggered: each
department a triggered measure names, in the area of the check (of the listing, when no
department checked), sees the restrictions awaiting its feedback and records what it did
(where the area has no such department, the city's or the area's joint-meeting office
answers: engine.credit_check.answering); the figures count, per answering unit,
restrictions triggered for it and fed back."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.credit_check.answering import (
    AREA,
    CHECKER,
    Desk,
    Standing,
    answering_code,
    departments,
    feedback_desk,
    joint_offices,
    owed_by,
)
from engine.db import settings_of
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import (
    CreditCheck,
    CreditFeedback,
    CreditHit,
    CreditListEntry,
    FeedbackOutcome,
    JointMeasure,
    OrgKind,
    OrgUnit,
    Role,
    User,
)
from engine.org.areas import city_code


@dataclass(frozen=True)
class Pending:
    """A triggered restriction awaiting the department's feedback, as its inbox shows it:
    why the unit owes it (its own area's, the city's for an area without the department, the
    joint-meeting office's for an area and city without it), the area it was triggered in
    and the kinds of department the unit answers for."""

    hit: CreditHit
    measure: JointMeasure
    entry: CreditListEntry
    check: CreditCheck
    standing: Standing = Standing.OWN
    area_code: str = ""
    answers_for: tuple[str, ...] = ()


def gives_feedback(session: Session, user: User) -> bool:
    """Whether the user works where feedback may be owed: a member department, or a
    joint-meeting office answering for the departments its area and the city lack."""
    return feedback_desk(session, user) is not None


def _owed(session: Session, desk: Desk) -> Select[CreditHit, str]:
    """The desk's hits with the area each was triggered in."""
    return (select(CreditHit, AREA.label("area"))
            .join(CreditListEntry, CreditListEntry.id == CreditHit.entry_id)
            .outerjoin(CHECKER, CHECKER.id == CreditHit.org_unit_id)
            .where(owed_by(session, desk)))


def awaiting_feedback(session: Session, user: User, limit: int = 200) -> list[Pending]:
    """The restrictions the user's department (or joint-meeting office, for the departments
    neither its area nor the city has) owes feedback on, newest first."""
    desk = feedback_desk(session, user)
    if desk is None:
        return []
    given = select(CreditFeedback.hit_id).where(CreditFeedback.org_unit_id == desk.unit.id)
    owed = _owed(session, desk).where(CreditHit.id.not_in(given)).subquery()
    query = (select(CreditHit, JointMeasure, CreditListEntry, CreditCheck, owed.c.area)
             .join(owed, owed.c.id == CreditHit.id)
             .join(JointMeasure, JointMeasure.id == CreditHit.measure_id)
             .join(CreditListEntry, CreditListEntry.id == CreditHit.entry_id)
             .join(CreditCheck, CreditCheck.id == CreditHit.check_id)
             .order_by(CreditHit.id.desc()).limit(limit))
    return [Pending(hit, measure, entry, check, desk.standing(area), area,
                    desk.answers_for(area, measure.implementing_departments))
            for hit, measure, entry, check, area in session.execute(query)]


def record_feedback(session: Session, actor: audit.Actor, user: User, hit_id: int,
                    outcome: str, reason: str) -> CreditFeedback:
    """What the user's department did: restricted, or not applicable with the reason why.
    NotFound when the department owes nothing on that restriction; Conflict when it has
    answered already."""
    desk = feedback_desk(session, user)
    hit = session.scalars(_owed(session, desk).where(CreditHit.id == hit_id)).first() \
        if desk is not None else None
    if desk is None or hit is None:
        raise NotFound(f"no restriction {hit_id} for this department", code="no_such_hit")
    try:
        chosen = FeedbackOutcome(outcome)
    except ValueError:
        raise InvalidInput("unknown outcome", fields={"outcome": "required"}) from None
    reason = reason.strip()
    if chosen is FeedbackOutcome.NOT_APPLICABLE and not reason:
        raise InvalidInput("not applicable needs a reason", fields={"reason": "required"})
    row = CreditFeedback(hit_id=hit.id, org_unit_id=desk.unit.id, outcome=chosen,
                         reason=reason or None, given_by=actor.name, given_at=clock.now())
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict("feedback already recorded", code="feedback_given") from None
    audit.record(session, actor, "credit_feedback", "credit_hit", hit_id,
                 outcome=chosen.value, reason=reason, department=desk.unit.code)
    return row


def feedback_of(session: Session, hit_ids: list[int]
                ) -> dict[int, list[tuple[str, CreditFeedback]]]:
    """Hit id → (department name, feedback) given on it so far, for a check's page."""
    if not hit_ids:
        return {}
    rows = session.execute(select(CreditFeedback, OrgUnit.name)
                           .join(OrgUnit, OrgUnit.id == CreditFeedback.org_unit_id)
                           .where(CreditFeedback.hit_id.in_(hit_ids))
                           .order_by(CreditFeedback.id))
    result: dict[int, list[tuple[str, CreditFeedback]]] = {}
    for feedback, name in rows:
        result.setdefault(feedback.hit_id, []).append((name, feedback))
    return result


@dataclass(frozen=True)
class FigureRow:
    department: str
    triggered: int
    fed_back: int
    restricted: int
    not_applicable: int

    @property
    def rate(self) -> float | None:
        return self.fed_back / self.triggered if self.triggered else None


def figure_scope(user: User) -> ColumnElement[bool]:
    """Whose figures the user sees: all for system administrators and auditors and the
    city's office, the area's departments for an area's office, else the own department."""
    unit = user.org_unit
    if user.has_role(Role.SYSADMIN, Role.AUDITOR) or (
            user.has_role(Role.SUPERVISOR) and unit.kind == OrgKind.JOINT_OFFICE
            and unit.parent is not None and unit.parent.kind == OrgKind.CITY):
        return true()
    if user.has_role(Role.SUPERVISOR):
        return OrgUnit.area_code == unit.area_code
    return OrgUnit.id == unit.id


def feedback_figures(session: Session, user: User, start: date, end: date) -> list[FigureRow]:
    """Per implementing department in the user's view: restrictions triggered for it by
    checks in [start, end] (each measure naming it, in its area), and its feedback on them."""
    zone = settings_of(session).timezone
    period = (CreditHit.checked_at >= clock.start_of_day(start, zone),
              CreditHit.checked_at <= clock.end_of_day(end, zone))
    counts = session.execute(
        select(CreditHit.measure_id, AREA, func.count(CreditHit.id))
        .join(CreditListEntry, CreditListEntry.id == CreditHit.entry_id)
        .outerjoin(CHECKER, CHECKER.id == CreditHit.org_unit_id)
        .where(*period).group_by(CreditHit.measure_id, AREA)).all()
    naming = dict(session.execute(select(JointMeasure.id, JointMeasure.implementing_departments)
                                  .where(JointMeasure.id.in_({m for m, _, _ in counts}))).all())
    known, city, offices = departments(session), city_code(session), joint_offices(session)
    triggered: Counter[str] = Counter()
    for measure_id, area, n in counts:
        answering = {answering_code(area, suffix, city, known, offices)
                     for suffix in naming.get(measure_id) or ()}
        for code in answering - {None}:
            triggered[str(code)] += int(n)
    units = session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.name).where(
        OrgUnit.code.in_(list(triggered)), figure_scope(user))).all() if triggered else []
    answers = Counter({(unit_id, outcome): int(n) for unit_id, outcome, n in session.execute(
        select(CreditFeedback.org_unit_id, CreditFeedback.outcome, func.count(CreditFeedback.id))
        .join(CreditHit, CreditHit.id == CreditFeedback.hit_id)
        .where(*period, CreditFeedback.org_unit_id.in_([u.id for u in units]))
        .group_by(CreditFeedback.org_unit_id, CreditFeedback.outcome))} if units else {})
    rows = []
    for unit_id, code, name in units:
        restricted = answers[(unit_id, FeedbackOutcome.RESTRICTED)]
        not_applicable = answers[(unit_id, FeedbackOutcome.NOT_APPLICABLE)]
        rows.append(FigureRow(name, triggered[code], restricted + not_applicable, restricted,
                              not_applicable))
    return sorted(rows, key=lambda row: row.department)


def get_check(session: Session, user: User, check_id: int
              ) -> tuple[CreditCheck, list[tuple[CreditHit, JointMeasure, CreditListEntry]]]:
    """A check with the restrictions it found, for its checker, its department and the
    system administrators."""
    check = session.get(CreditCheck, check_id)
    if check is None or not (user.has_role(Role.SYSADMIN) or check.checked_by == user.username
                             or check.org_unit_id == user.org_unit_id):
        raise NotFound(f"no credit check {check_id}", code="no_such_check")
    query = (select(CreditHit, JointMeasure, CreditListEntry)
             .join(JointMeasure, JointMeasure.id == CreditHit.measure_id)
             .join(CreditListEntry, CreditListEntry.id == CreditHit.entry_id)
             .where(CreditHit.check_id == check_id).order_by(CreditHit.id).limit(2000))
    return check, [(h, m, e) for h, m, e in session.execute(query)]


def recent_checks(session: Session, user: User, limit: int = 20) -> list[CreditCheck]:
    """The latest checks of the user's department (all of them for system administrators)."""
    query = select(CreditCheck).order_by(CreditCheck.id.desc()).limit(limit)
    if not user.has_role(Role.SYSADMIN):
        query = query.where(CreditCheck.org_unit_id == user.org_unit_id)
    return list(session.scalars(query))
