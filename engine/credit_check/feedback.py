"""The implementing departments' feedback (反馈) on the restrictions checks triggered: each
department a triggered measure names, in the area of the check (of the listing, when no
department checked), sees the restrictions awaiting its feedback and records what it did;
the figures count, per department, restrictions triggered for it and fed back."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from engine import audit, clock
from engine.credit_check.vocabulary import DEPARTMENTS
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
from engine.org.scope import department_of

CHECKER = aliased(OrgUnit, name="checker")
# Where a restriction was triggered: the checking department's area, else the listing's.
AREA = func.coalesce(CHECKER.area_code, CreditListEntry.area_code)


@dataclass(frozen=True)
class Pending:
    """A triggered restriction awaiting the department's feedback, as its inbox shows it."""

    hit: CreditHit
    measure: JointMeasure
    entry: CreditListEntry
    check: CreditCheck


def implementing_department(session: Session, user: User) -> tuple[OrgUnit, str] | None:
    """The member department the user works in and its suffix ("finance" for
    530502-finance); None for anyone outside one."""
    unit = department_of(session, user)
    if unit is None or not unit.code.startswith(f"{unit.area_code}-"):
        return None
    suffix = unit.code[len(unit.area_code) + 1:]
    return (unit, suffix) if suffix in DEPARTMENTS else None


def _measures_naming(session: Session, suffix: str) -> list[int]:
    """Every measure, of any catalogue version, with `suffix` among its implementers."""
    rows = session.execute(select(JointMeasure.id, JointMeasure.implementing_departments))
    return [mid for mid, departments in rows if suffix in (departments or ())]


def _owed(session: Session, unit: OrgUnit, suffix: str) -> Select[CreditHit]:
    """The department's hits: of a measure naming it, triggered in its area."""
    return (select(CreditHit)
            .join(CreditListEntry, CreditListEntry.id == CreditHit.entry_id)
            .outerjoin(CHECKER, CHECKER.id == CreditHit.org_unit_id)
            .where(CreditHit.measure_id.in_(_measures_naming(session, suffix)),
                   AREA.in_([unit.area_code])))


def awaiting_feedback(session: Session, user: User, limit: int = 200) -> list[Pending]:
    """The restrictions the user's department owes feedback on, newest first."""
    found = implementing_department(session, user)
    if found is None:
        return []
    unit, suffix = found
    given = select(CreditFeedback.hit_id).where(CreditFeedback.org_unit_id == unit.id)
    owed = _owed(session, unit, suffix).where(CreditHit.id.not_in(given)).subquery()
    query = (select(CreditHit, JointMeasure, CreditListEntry, CreditCheck)
             .join(owed, owed.c.id == CreditHit.id)
             .join(JointMeasure, JointMeasure.id == CreditHit.measure_id)
             .join(CreditListEntry, CreditListEntry.id == CreditHit.entry_id)
             .join(CreditCheck, CreditCheck.id == CreditHit.check_id)
             .order_by(CreditHit.id.desc()).limit(limit))
    return [Pending(*row) for row in session.execute(query)]


def record_feedback(session: Session, actor: audit.Actor, user: User, hit_id: int,
                    outcome: str, reason: str) -> CreditFeedback:
    """What the user's department did: restricted, or not applicable with the reason why.
    NotFound when the department owes nothing on that restriction; Conflict when it has
    answered already."""
    found = implementing_department(session, user)
    hit = session.scalars(_owed(session, *found).where(CreditHit.id == hit_id)).first() \
        if found is not None else None
    if found is None or hit is None:
        raise NotFound(f"no restriction {hit_id} for this department", code="no_such_hit")
    try:
        chosen = FeedbackOutcome(outcome)
    except ValueError:
        raise InvalidInput("unknown outcome", fields={"outcome": "required"}) from None
    reason = reason.strip()
    if chosen is FeedbackOutcome.NOT_APPLICABLE and not reason:
        raise InvalidInput("not applicable needs a reason", fields={"reason": "required"})
    row = CreditFeedback(hit_id=hit.id, org_unit_id=found[0].id, outcome=chosen,
                         reason=reason or None, given_by=actor.name, given_at=clock.now())
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict("feedback already recorded", code="feedback_given") from None
    audit.record(session, actor, "credit_feedback", "credit_hit", hit_id,
                 outcome=chosen.value, reason=reason, department=found[0].code)
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
    triggered: Counter[str] = Counter()
    for measure_id, area, n in counts:
        for suffix in naming.get(measure_id) or ():
            triggered[f"{area}-{suffix}"] += int(n)
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
