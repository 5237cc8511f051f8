"""Reporters of unlicensed operation (举报人, Decree 684 Art. 9): their identity is kept
apart from the case, read only by the people of the handling unit (each read an audit
event), and a reporter who gave a name and a contact is told the outcome."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import settings_of
from engine.models import (
    DeliveryChannel,
    DeliveryStatus,
    NotificationDelivery,
    OrgUnit,
    Role,
    UnlicensedCase,
    UnlicensedReporter,
    User,
)

READ = "unlicensed.reporter_read"
OUTCOMES = {
    "unfounded": ("经核查，被举报对象证照齐全，不予立案。",
                  "The operator you reported holds the licences it needs: no case."),
    "no_violation": ("经调查，未发现无证无照经营行为。",
                     "The investigation found no unlicensed operation."),
    "rectified": ("经引导，被举报对象已依法办理证照。",
                  "After guidance, the operator obtained its licence."),
    "penalised": ("被举报对象的无证无照经营行为已依法处罚。",
                  "The operator was penalised for operating without a licence."),
}


def may_read_reporter(session: Session, user: User | None, case: UnlicensedCase) -> bool:
    """Only officers and administrators of the handling unit (or a unit below it)."""
    if user is None or not user.active or not user.has_role(Role.OFFICER, Role.DEPT_ADMIN):
        return False
    unit = session.get(OrgUnit, case.department_org_id)
    return unit is not None and user.org_unit.path.startswith(unit.path)


def has_reporter(session: Session, case: UnlicensedCase) -> bool:
    return session.execute(select(UnlicensedReporter.id).where(
        UnlicensedReporter.case_id == case.id)).first() is not None


def reporter_for(session: Session, actor: audit.Actor, user: User | None,
                 case: UnlicensedCase) -> UnlicensedReporter | None:
    """The case's reporter for a reader of the handling unit, the read audited; None for
    anyone else, and for a case nobody reported."""
    if not may_read_reporter(session, user, case):
        return None
    reporter = session.execute(select(UnlicensedReporter).where(
        UnlicensedReporter.case_id == case.id)).scalar()
    if reporter is not None:
        audit.record(session, actor, READ, "unlicensed_case", case.id,
                     fields=["reporter_name", "reporter_contact"])
    return reporter


def tell_outcome(session: Session, case: UnlicensedCase) -> UnlicensedReporter | None:
    """When a case closes: a named reporter is told its outcome, by e-mail through the
    outbox when the contact is an address and mail is configured; otherwise the text waits
    on the case page for the handling unit to pass on. Anonymous reporters are not told."""
    reporter = session.execute(select(UnlicensedReporter).where(
        UnlicensedReporter.case_id == case.id)).scalar()
    if reporter is None or not reporter.real_name or reporter.told_at is not None:
        return None
    zh, en = OUTCOMES.get(case.outcome or "", ("案件已办结。", "The case is closed."))
    reporter.told_text = f"{zh}（案件编号 {case.number}）\n{en} (case {case.number})"
    reporter.told_at = clock.now()
    settings = settings_of(session)
    if settings.smtp_host and reporter.contact and "@" in reporter.contact:
        session.add(NotificationDelivery(
            channel=DeliveryChannel.EMAIL, recipient=reporter.contact[:254],
            subject=f"【举报办理结果 Outcome of your report】{case.number}",
            body=f"{reporter.name}，您好：\n\n{zh}\n\nDear {reporter.name},\n\n{en}",
            status=DeliveryStatus.PENDING, created_at=reporter.told_at,
            due_at=reporter.told_at, attempts=0))
    audit.record(session, audit.SYSTEM, "unlicensed.reporter_told", "unlicensed_case", case.id,
                 by_mail="@" in (reporter.contact or ""))
    return reporter
