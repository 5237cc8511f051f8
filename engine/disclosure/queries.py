"""What the record pages read: a department's records by tab, one record's history, and the
timeliness figures per department and month that feed the assessment of departments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from engine.disclosure.categories import CATEGORIES
from engine.disclosure.records import record_filter
from engine.models import AuditEvent, DisclosureRecord, OrgUnit, RecordStatus, User
from engine.paging import Page, page_of
from engine.work.history import HistoryEntry, display_names, event_entry

TABS: dict[str, tuple[RecordStatus, ...]] = {
    "drafts": (RecordStatus.DRAFT, RecordStatus.RETURNED),
    "review": (RecordStatus.SUBMITTED,),
    "published": (RecordStatus.PUBLISHED,),
    "recorded": (RecordStatus.RECORDED,),
    "ended": (RecordStatus.WITHDRAWN, RecordStatus.EXPIRED, RecordStatus.ENDED_EARLY),
}


def tab_counts(session: Session, user: User) -> dict[str, int]:
    """How many records each tab holds for the user."""
    counts = dict(session.execute(select(DisclosureRecord.status, func.count())
                                  .where(record_filter(session, user))
                                  .group_by(DisclosureRecord.status)).all())
    return {tab: sum(counts.get(s, 0) for s in states) for tab, states in TABS.items()}


def list_records(session: Session, user: User, tab: str, *, category: str | None = None,
                 text: str | None = None, page: int = 1, per_page: int = 30
                 ) -> Page[DisclosureRecord]:
    """The records of a tab the user sees, newest decision first."""
    query = select(DisclosureRecord).where(record_filter(session, user),
                                           DisclosureRecord.status.in_(TABS[tab]))
    if category in CATEGORIES:
        query = query.where(DisclosureRecord.category == category)
    if text:
        like = f"%{text.strip()}%"
        query = query.where(DisclosureRecord.party_name.like(like)
                            | (DisclosureRecord.party_uscc == text.strip().upper())
                            | DisclosureRecord.decision_number.like(like))
    return page_of(session, query, (DisclosureRecord.decision_date.desc(),
                                    DisclosureRecord.id.desc()), page, per_page)


def records_of_entity(session: Session, user: User, entity_id: int) -> list[DisclosureRecord]:
    """The records of one entity the user sees, newest decision first."""
    return list(session.execute(select(DisclosureRecord).where(
        DisclosureRecord.entity_id == entity_id, record_filter(session, user)).order_by(
        DisclosureRecord.decision_date.desc(), DisclosureRecord.id.desc())).scalars())


def record_history(session: Session, record: DisclosureRecord) -> list[HistoryEntry]:
    """The record's audit events, oldest first, in words."""
    events = session.execute(select(AuditEvent).where(
        AuditEvent.object_type == "disclosure_record",
        AuditEvent.object_id == str(record.id)).order_by(AuditEvent.id)).scalars().all()
    names = display_names(session, {e.actor for e in events})
    return [event_entry(e, names) for e in events]


@dataclass(frozen=True)
class Timeliness:
    """One department's records decided in a period: entered and published on time."""

    department: str
    records: int
    entry_late: int
    published: int
    publication_late: int
    backfilled: int

    @property
    def entry_on_time(self) -> float | None:
        return 1 - self.entry_late / self.records if self.records else None

    @property
    def publication_on_time(self) -> float | None:
        return 1 - self.publication_late / self.published if self.published else None


def timeliness(session: Session, user: User, start: date, end: date) -> list[Timeliness]:
    """Per department, the records decided from `start` to `end` (inclusive) the user
    sees: entered late (past 7 working days) and published late (past 20). Back-filled
    stock records (存量补录) are counted apart and in neither rate."""
    current = DisclosureRecord.backfilled.is_(False)
    submitted = DisclosureRecord.submitted_at.is_not(None)
    rows = session.execute(
        select(OrgUnit.name,
               func.count().filter(and_(current, submitted)),
               func.count().filter(and_(current, DisclosureRecord.entry_late_days > 0)),
               func.count().filter(and_(current, DisclosureRecord.published_at.is_not(None))),
               func.count().filter(and_(current, DisclosureRecord.publication_late_days > 0)),
               func.sum(case((DisclosureRecord.backfilled.is_(True), 1), else_=0)))
        .join(OrgUnit, OrgUnit.id == DisclosureRecord.source_org_id)
        .where(record_filter(session, user), DisclosureRecord.decision_date >= start,
               DisclosureRecord.decision_date <= end)
        .group_by(OrgUnit.name).order_by(OrgUnit.name)).all()
    return [Timeliness(name, records, entry_late, published, publication_late, int(back or 0))
            for name, records, entry_late, published, publication_late, back in rows]
