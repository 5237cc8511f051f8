"""The implementing departments' feedback (反馈) on the restrictions their checks triggered:
their inbox of restrictions awaiting it, recording it, and the figures per department."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, func, select, true, update
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import rowcount, settings_of
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import (
    CreditCheck,
    CreditHit,
    CreditListEntry,
    FeedbackOutcome,
    JointMeasure,
    OrgKind,
    OrgUnit,
    Role,
    User,
)


@dataclass(frozen=True)
class Pending:
    """A triggered restriction awaiting feedback, as the inbox shows it."""

    hit: CreditHit
    measure: JointMeasure
    entry: CreditListEntry
    check: CreditCheck


def awaiting_feedback(session: Session, user: User, limit: int = 200) -> list[Pending]:
    """The restrictions the user's department triggered and has not fed back, newest first."""
    query = (select(CreditHit, JointMeasure, CreditListEntry, CreditCheck)
             .join(JointMeasure, JointMeasure.id == CreditHit.measure_id)
             .join(CreditListEntry, CreditListEntry.id == CreditHit.entry_id)
             .join(CreditCheck, CreditCheck.id == CreditHit.check_id)
             .where(CreditHit.org_unit_id == user.org_unit_id, CreditHit.feedback_at.is_(None))
             .order_by(CreditHit.id.desc()).limit(limit))
    return [Pending(*row) for row in session.execute(query)]


def record_feedback(session: Session, actor: audit.Actor, user: User, hit_id: int,
                    outcome: str, reason: str) -> CreditHit:
    """What the department did: restricted, or not applicable with the reason why."""
    hit = session.get(CreditHit, hit_id)
    if hit is None or hit.org_unit_id != user.org_unit_id:
        raise NotFound(f"no restriction {hit_id} for this department", code="no_such_hit")
    try:
        chosen = FeedbackOutcome(outcome)
    except ValueError:
        raise InvalidInput("unknown outcome", fields={"outcome": "required"}) from None
    reason = reason.strip()
    if chosen is FeedbackOutcome.NOT_APPLICABLE and not reason:
        raise InvalidInput("not applicable needs a reason", fields={"reason": "required"})
    done = session.execute(update(CreditHit).where(CreditHit.id == hit_id,
                                                   CreditHit.feedback_at.is_(None))
                           .values(feedback=chosen, feedback_reason=reason or None,
                                   feedback_by=actor.name, feedback_at=clock.now()))
    if rowcount(done) != 1:
        raise Conflict("feedback already recorded", code="feedback_given")
    audit.record(session, actor, "credit_feedback", "credit_hit", hit_id,
                 outcome=chosen.value, reason=reason)
    session.refresh(hit)
    return hit


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
    """Per department: restrictions triggered by its checks in [start, end] and fed back."""
    zone = settings_of(session).timezone
    given = CreditHit.feedback_at.is_not(None)
    query = (select(OrgUnit.name, func.count(CreditHit.id),
                    func.sum(case((given, 1), else_=0)),
                    func.sum(case((CreditHit.feedback == FeedbackOutcome.RESTRICTED, 1),
                                  else_=0)),
                    func.sum(case((CreditHit.feedback == FeedbackOutcome.NOT_APPLICABLE, 1),
                                  else_=0)))
             .join(OrgUnit, OrgUnit.id == CreditHit.org_unit_id)
             .where(CreditHit.checked_at >= clock.start_of_day(start, zone),
                    CreditHit.checked_at <= clock.end_of_day(end, zone), figure_scope(user))
             .group_by(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.name))
    return [FigureRow(name, int(n), int(fed or 0), int(r or 0), int(na or 0))
            for name, n, fed, r, na in session.execute(query)]


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
