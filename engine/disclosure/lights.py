"""Deadline lights of records still on their way to publication: the entry within 7
working days of the decision while a record is a draft or returned, its publication
within 20 while it waits for review. Green up to two working days before the limit,
yellow to the limit, red beyond (the lights of the dual notice, on these limits)."""

from __future__ import annotations

from typing import Literal

from engine.calendar import WorkdayCalendar
from engine.disclosure.categories import ENTRY_DAYS, PUBLICATION_DAYS
from engine.models import DisclosureRecord, RecordStatus

Light = Literal["green", "yellow", "red"]
WARNING_DAYS = 2  # yellow this many working days before the limit


def limit_of(record: DisclosureRecord) -> int | None:
    """The working days the record's current wait may last from its decision, or None
    when it waits for nothing (published, recorded, ended)."""
    if record.status in (RecordStatus.DRAFT, RecordStatus.RETURNED) and not record.submitted_at:
        return ENTRY_DAYS
    if record.status in (RecordStatus.DRAFT, RecordStatus.RETURNED, RecordStatus.SUBMITTED):
        return PUBLICATION_DAYS
    return None


def record_light(record: DisclosureRecord, calendar: WorkdayCalendar) -> Light | None:
    """The light of a record on its way (None once it is past review, or back-filled
    stock, which has no deadline)."""
    limit = limit_of(record)
    if limit is None or record.backfilled:
        return None
    waited = calendar.workdays_between(record.decision_date, calendar.today())
    if waited > limit:
        return "red"
    return "yellow" if waited > limit - WARNING_DAYS else "green"
