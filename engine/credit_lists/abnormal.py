"""The abnormal operations list (经营异常名录, bpmn/abnormal_list.bpmn): proposals (entered,
from another procedure, from annual reports not filed by 30 June), the listing decision
within 10 working days of the trigger, removal on application, objections; the warning and
the move to the serious list are the diagram's timers (entries.sync_entry), telling the
entity of the move is warning.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.credit_lists.entries import (
    calendar_of,
    end_publication,
    item_of,
    moment,
    new_entry,
    note,
    pending,
    start_case,
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
    ABNORMAL_REASONS,
    LIST_YEARS,
    LISTING_DAYS,
    OBJECTION_DAYS,
    REMOVAL_REASONS,
    REPORT_REASON,
    TRIGGER_SOURCES,
    WARNING_DAYS,
    YELLOW_BEFORE,
    regulator_of,
    years_after,
)
from engine.credit_lists.warning import WARNING_STEP, tell_warning
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import (
    AnnualReport,
    CreditListApplication,
    CreditListEntry,
    ListStatus,
    ListType,
    MarketEntity,
)

GONE = ("注销", "吊销", "迁出", "已注销", "已吊销", "已迁出")  # no longer reports
REPORT_DEADLINE = (6, 30)  # the previous year's annual report is due by 30 June


def propose_abnormal(session: Session, actor: audit.Actor, entity: MarketEntity, *,
                     reason: str, trigger_source: str, trigger_date: date, text: str,
                     source_record_id: int | None = None) -> CreditListEntry:
    """Propose listing `entity` (an individual business: marking it) for one of the four
    reasons; the regulator of its area decides within 10 working days of `trigger_date`.
    Entered by the regulator's people, or called by other procedures (a spot check's
    follow-up, trigger_source "spot_check", from whichever department ran the check).
    InvalidInput for an unknown reason or source, or a trigger ahead; Conflict when the
    entity is already listed or proposed."""
    if reason not in ABNORMAL_REASONS:
        raise InvalidInput("one of the four reasons", fields={"reason": "not_a_choice"})
    if trigger_source not in TRIGGER_SOURCES:
        raise InvalidInput("unknown trigger source", fields={"trigger_source": "not_a_choice"})
    regulator = regulator_of(session, entity.area_code)
    if trigger_source == "entered":  # another procedure's follow-up comes from its own unit
        require_regulator(session, actor, regulator)
    calendar = calendar_for_area(session, regulator)
    if trigger_date > calendar.today():
        raise InvalidInput("the trigger lies ahead", fields={"trigger_date": "in_future"})
    text = note(text, "text")
    if _on_list(session, entity.id):
        raise Conflict("the entity is already on the abnormal list or proposed for it",
                       code="already_listed", entity_id=entity.id)
    entry = new_entry(session, actor, ListType.ABNORMAL, entity, regulator, reason=reason,
                      text=text, trigger_source=trigger_source, trigger_date=trigger_date,
                      source_record_id=source_record_id)
    start_case(session, actor, entry, {
        "warned": False,
        "listing_yellow_at": moment(calendar, calendar.add_workdays(
            trigger_date, LISTING_DAYS - YELLOW_BEFORE)),
        "listing_due_at": moment(calendar, calendar.add_workdays(trigger_date, LISTING_DAYS))})
    return entry


def propose_unfiled_reports(session: Session, actor: audit.Actor, year: int,
                            area_code: str | None = None) -> list[CreditListEntry]:
    """Reason 1 for every registered entity (of an area) with no annual report for `year`
    filed by 30 June of the next year, not yet on the list: run from 1 July."""
    deadline = date(year + 1, *REPORT_DEADLINE)
    trigger = deadline + timedelta(days=1)
    if clock.local_today() < trigger:
        raise Conflict("annual reports are due until 30 June", code="reports_not_due",
                       year=year)
    filed = exists().where(AnnualReport.entity_id == MarketEntity.id,
                           AnnualReport.year == year, AnnualReport.filed_on <= deadline)
    query = select(MarketEntity).where(~filed, MarketEntity.status.not_in(GONE), or_(
        MarketEntity.established_on.is_(None), MarketEntity.established_on <= date(year, 12, 31)))
    if area_code:
        query = query.where(MarketEntity.area_code == area_code)
    proposed = []
    for entity in session.execute(query.order_by(MarketEntity.id)).scalars():
        if _on_list(session, entity.id):
            continue
        proposed.append(propose_abnormal(
            session, actor, entity, reason=REPORT_REASON, trigger_source="annual_report",
            trigger_date=trigger, text=f"未按规定于{deadline.year}年6月30日前报送{year}年度报告"))
    return proposed


def file_annual_report(session: Session, actor: audit.Actor, entity: MarketEntity, year: int,
                       filed_on: date) -> AnnualReport:
    """Record that the entity filed its annual report for `year` (registry data)."""
    report = session.execute(select(AnnualReport).where(
        AnnualReport.entity_id == entity.id, AnnualReport.year == year)).scalar()
    if report is None:
        report = AnnualReport(entity_id=entity.id, year=year, filed_on=filed_on)
        session.add(report)
        session.flush()
    audit.record(session, actor, "credit_lists.annual_report", "market_entity", entity.id,
                 year=year, filed_on=filed_on.isoformat())
    return report


def decide_listing(session: Session, actor: audit.Actor, entry_id: int, decision: str,
                   reason: str = "") -> CreditListEntry:
    """The regulator's administrator lists (marks) the entity or refuses with a reason."""
    entry = _abnormal(session, entry_id)
    data: dict[str, Any] = {"decision": decision}
    if decision == "list":
        calendar = calendar_of(session, entry)
        ends = years_after(calendar.today(), LIST_YEARS)
        data["warning_at"] = moment(calendar, ends - timedelta(days=WARNING_DAYS + 1))
        data["moves_at"] = moment(calendar, ends - timedelta(days=1))
    elif decision == "refuse":
        entry.removal_text = note(reason, "reason")
    else:
        raise InvalidInput("list or refuse", fields={"decision": "not_a_choice"})
    runtime.complete(session, actor, item_of(session, entry, "decide_listing"), data)
    return entry


def apply_for_removal(session: Session, actor: audit.Actor, entry_id: int, reason: str,
                      text: str) -> CreditListApplication:
    """Record the entity's application for removal with one of the five reasons: decided
    within 5 working days."""
    entry = _abnormal(session, entry_id)
    require_regulator(session, actor, regulator_of(session, entry.area_code))
    if reason not in REMOVAL_REASONS:
        raise InvalidInput("one of the removal reasons", fields={"reason": "not_a_choice"})
    return file_application(session, actor, entry, "removal", "removal_applied",
                            note(text, "text"), reason=reason)


def review_removal(session: Session, actor: audit.Actor, entry_id: int, decision: str,
                   reply: str) -> CreditListEntry:
    """Grant (removed, publication ended) or refuse the removal, with the written answer."""
    entry = _abnormal(session, entry_id)
    if decision not in ("grant", "refuse"):
        raise InvalidInput("grant or refuse", fields={"decision": "not_a_choice"})
    application = answer_application(session, actor, entry, "removal", decision == "grant",
                                     note(reply, "reply"))
    if decision == "grant":
        entry.removal_reason, entry.removal_text = application.reason, application.text
    runtime.complete(session, actor, item_of(session, entry, "review_removal"),
                     {"removal_decision": decision})
    if decision == "grant":
        end_publication(session, actor, entry, f"移出经营异常名录：{application.reply}")
    return entry


def file_objection(session: Session, actor: audit.Actor, entry_id: int, text: str
                   ) -> CreditListApplication:
    """Record the entity's objection to its listing, admitted within 30 days of it."""
    entry = _abnormal(session, entry_id)
    require_regulator(session, actor, regulator_of(session, entry.area_code))
    if entry.status == ListStatus.LISTED and entry.listed_on is not None and (
            calendar_of(session, entry).today() - entry.listed_on).days > OBJECTION_DAYS:
        raise Forbidden("objections are admitted within 30 days of the listing",
                        code="list_objection_too_late", entry_id=entry.id)
    return file_application(session, actor, entry, "objection", "objection_filed",
                            note(text, "text"))


def accept_objection(session: Session, actor: audit.Actor, entry_id: int, decision: str,
                     reply: str = "") -> CreditListEntry:
    """Accept the objection for verification, or reject it with the written reply."""
    entry = _abnormal(session, entry_id)
    if decision not in ("accept", "reject"):
        raise InvalidInput("accept or reject", fields={"decision": "not_a_choice"})
    application = pending(session, entry, "objection")
    if application is None:
        raise Conflict("no objection waits", code="wrong_entry_state", entry_id=entry.id)
    if decision == "reject":
        answer_application(session, actor, entry, "objection", False, note(reply, "reply"))
    else:
        application.status = "accepted"
    runtime.complete(session, actor, item_of(session, entry, "accept_objection"),
                     {"objection_decision": decision})
    return entry


def verify_objection(session: Session, actor: audit.Actor, entry_id: int, upheld: bool,
                     reply: str) -> CreditListEntry:
    """The officer's verification and written reply: upheld, the listing is annulled."""
    entry = _abnormal(session, entry_id)
    answer_application(session, actor, entry, "objection", upheld, note(reply, "reply"))
    if upheld:
        entry.removal_text = reply.strip()
    runtime.complete(session, actor, item_of(session, entry, "verify_objection"),
                     {"objection_upheld": bool(upheld)})
    if upheld:
        end_publication(session, actor, entry, f"异议成立，撤销列入：{reply.strip()}")
    return entry


def complete_step(session: Session, actor: audit.Actor, item_id: int, data: dict[str, Any]
                  ) -> CreditListEntry:
    """A step of an abnormal entry's case submitted from its page or the API."""
    return complete_with(session, actor, item_id, data, {
        "decide_listing": lambda e, decision, text, _: decide_listing(
            session, actor, e.id, decision, text),
        "review_removal": lambda e, decision, text, _: review_removal(
            session, actor, e.id, decision, text),
        "accept_objection": lambda e, decision, text, _: accept_objection(
            session, actor, e.id, decision, text),
        "verify_objection": lambda e, decision, text, _: verify_objection(
            session, actor, e.id, decision == "upheld", text),
        WARNING_STEP: lambda e, _decision, _text, data: tell_warning(session, actor, e.id, data)})


def _on_list(session: Session, entity_id: int) -> bool:
    return session.execute(select(CreditListEntry.id).where(
        CreditListEntry.entity_id == entity_id, CreditListEntry.list_type == ListType.ABNORMAL,
        CreditListEntry.status.in_((ListStatus.PROPOSED, ListStatus.LISTED))).limit(1)
    ).scalar() is not None


def _abnormal(session: Session, entry_id: int) -> CreditListEntry:
    return entry_on(session, entry_id, ListType.ABNORMAL)
