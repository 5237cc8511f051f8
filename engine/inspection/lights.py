"""The light of an inspection on its way to a published result: its publication is due
within 20 working days of the check. Green up to two working days before the limit,
yellow to the limit, red beyond (the lights of the records and of the dual notice)."""

from __future__ import annotations

from typing import Literal

from engine.calendar import WorkdayCalendar
from engine.inspection.vocabulary import DONE, PUBLICATION_DAYS
from engine.models import Inspection

Light = Literal["green", "yellow", "red"]
WARNING_DAYS = 2


def inspection_light(inspection: Inspection, calendar: WorkdayCalendar) -> Light | None:
    """None once the result is published; else how the wait stands against the limit."""
    if inspection.status in DONE:
        return None
    waited = calendar.workdays_between(inspection.checked_on or inspection.inspection_date,
                                       calendar.today())
    if waited > PUBLICATION_DAYS:
        return "red"
    return "yellow" if waited > PUBLICATION_DAYS - WARNING_DAYS else "green"
