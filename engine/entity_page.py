"""Everything the page of one market entity shows, gathered in one call."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine import audit, credit_lists, entity_records, runtime, unlicensed
from engine.calendar import WorkdayCalendar
from engine.disclosure import queries as records
from engine.dual_notice import papers as notice_papers
from engine.dual_notice.history import notice_histories
from engine.dual_notice.queries import NoticeRow, entity_notices
from engine.errors import Forbidden, NotFound
from engine.models import Commitment, CreditListEntry, DisclosureRecord
from engine.registry import entity_for_registrar
from engine.work.history import HistoryEntry


@dataclass(frozen=True)
class EntityPage:
    registration: entity_records.Registration
    notices: list[NoticeRow]
    histories: dict[int, list[HistoryEntry]]  # notice id → what happened to it
    trail: list[HistoryEntry]  # routing and reads of personal data, newest first
    papers: bool  # the actor registers the entity: 告知书 and 承诺书
    commitments: list[Commitment]
    records: list[DisclosureRecord]  # enterprise information (涉企信息) the actor sees
    list_entries: list[CreditListEntry]  # its credit list history (read by everyone signed in)
    # Its unlicensed-operation cases the actor sees (no reporter: that stays on the case).
    unlicensed_cases: list[unlicensed.CaseRow]


def entity_page(session: Session, actor: audit.Actor, entity_id: int,
                calendar: WorkdayCalendar, *, reveal_reason: str | None = None) -> EntityPage:
    """The page of an entity the actor may see (NotFound otherwise); with a reason, its
    personal data is revealed, and that read audited, before the trail is read."""
    if reveal_reason is None:
        shown = entity_records.registration(session, actor, entity_id)
    else:
        shown = entity_records.reveal_registration(session, actor, entity_id, reveal_reason)
    notices = entity_notices(session, actor, entity_id, calendar)
    papers = _registers(session, actor, entity_id)
    return EntityPage(
        registration=shown, notices=notices,
        histories=notice_histories(session, [row.notice for row in notices]),
        trail=entity_records.entity_trail(session, shown.entity), papers=papers,
        commitments=notice_papers.commitments_of(session, actor, entity_id) if papers else [],
        records=_records(session, actor, entity_id),
        list_entries=credit_lists.entity_history(session, entity_id),
        unlicensed_cases=_cases(session, actor, entity_id))


def _records(session: Session, actor: audit.Actor, entity_id: int) -> list[DisclosureRecord]:
    user = runtime.actor_user(session, actor)
    return records.records_of_entity(session, user, entity_id) if user is not None else []


def _cases(session: Session, actor: audit.Actor, entity_id: int) -> list[unlicensed.CaseRow]:
    user = runtime.actor_user(session, actor)
    return unlicensed.entity_cases(session, user, entity_id) if user is not None else []


def _registers(session: Session, actor: audit.Actor, entity_id: int) -> bool:
    try:
        entity_for_registrar(session, actor, entity_id)
    except (NotFound, Forbidden):
        return False
    return True
