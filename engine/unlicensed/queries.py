"""Lists of unlicensed-operation cases and of copy-to notices (抄告), in the viewer's scope,
with the due day of the step each waits at (for its light). No reporter ever appears."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from engine.models import (
    OrgUnit,
    UnlicensedCase,
    UnlicensedCopy,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.org import scope
from engine.paging import Page, page_of
from engine.unlicensed.cases import case_filter


@dataclass(frozen=True)
class CaseRow:
    case: UnlicensedCase
    department: str
    step: str | None  # the title of the open step
    due_at: datetime | None


@dataclass(frozen=True)
class CopyRow:
    copy: UnlicensedCopy
    case_number: str
    party_name: str
    sender: str
    recipient: str

    def feedback_state(self, today: date) -> str:
        """answered_on_time, answered_late, waiting or overdue."""
        if self.copy.answered_at is not None:
            return "answered_on_time" if self.copy.on_time else "answered_late"
        return "overdue" if today > self.copy.due_on else "waiting"


def list_cases(session: Session, user: User, *, state: str | None = None,
               area_code: str | None = None, page: int = 1, per_page: int = 30
               ) -> Page[CaseRow]:
    """The cases the user sees, newest first, by state and area."""
    step = (select(WorkItem.instance_id, func.min(WorkItem.title).label("title"),
                   func.min(WorkItem.due_at).label("due_at"))
            .where(WorkItem.status == WorkItemStatus.OPEN)
            .group_by(WorkItem.instance_id).subquery())
    query = (select(UnlicensedCase, OrgUnit.name, step.c.title, step.c.due_at)
             .join(OrgUnit, OrgUnit.id == UnlicensedCase.department_org_id)
             .outerjoin(step, step.c.instance_id == UnlicensedCase.instance_id)
             .where(case_filter(session, user)))
    if state:
        query = query.where(UnlicensedCase.state == state)
    if area_code:
        query = query.where(UnlicensedCase.area_code == area_code)
    found = page_of(session, query, (UnlicensedCase.id.desc(),), page, per_page)
    return Page([CaseRow(*row) for row in found.rows], found.total, found.page, found.per_page)


def entity_cases(session: Session, user: User, entity_id: int, limit: int = 50
                 ) -> list[CaseRow]:
    """The entity's cases the user sees (as `list_cases`), newest first: number, state,
    handling department, step; never the reporter, nor the lead's words."""
    step = (select(WorkItem.instance_id, func.min(WorkItem.title).label("title"),
                   func.min(WorkItem.due_at).label("due_at"))
            .where(WorkItem.status == WorkItemStatus.OPEN)
            .group_by(WorkItem.instance_id).subquery())
    query = (select(UnlicensedCase, OrgUnit.name, step.c.title, step.c.due_at)
             .join(OrgUnit, OrgUnit.id == UnlicensedCase.department_org_id)
             .outerjoin(step, step.c.instance_id == UnlicensedCase.instance_id)
             .where(UnlicensedCase.entity_id == entity_id, case_filter(session, user))
             .order_by(UnlicensedCase.id.desc()).limit(limit))
    return [CaseRow(*row) for row in session.execute(query)]


def copies(session: Session, user: User, box: str, page: int = 1, per_page: int = 30
           ) -> Page[CopyRow]:
    """The copy-to notices received (box "inbox") or sent ("sent") by units in the user's
    scope, unanswered first, then newest."""
    sender, recipient = OrgUnit.__table__.alias("sender"), OrgUnit.__table__.alias("recipient")
    column = UnlicensedCopy.to_org_id if box == "inbox" else UnlicensedCopy.from_org_id
    query = (select(UnlicensedCopy, UnlicensedCase.number, UnlicensedCase.party_name,
                    sender.c.name, recipient.c.name)
             .join(UnlicensedCase, UnlicensedCase.id == UnlicensedCopy.case_id)
             .join(sender, sender.c.id == UnlicensedCopy.from_org_id)
             .join(recipient, and_(recipient.c.id == UnlicensedCopy.to_org_id))
             .where(scope.org_filter(session, user, column)))
    found = page_of(session, query, (UnlicensedCopy.answered_at.is_not(None),
                                     UnlicensedCopy.id.desc()), page, per_page)
    return Page([CopyRow(*row) for row in found.rows], found.total, found.page, found.per_page)


def copies_of(session: Session, case: UnlicensedCase) -> list[UnlicensedCopy]:
    """A case's copy-to notices, oldest first."""
    return list(session.execute(select(UnlicensedCopy).where(
        UnlicensedCopy.case_id == case.id).order_by(UnlicensedCopy.id)).scalars())
