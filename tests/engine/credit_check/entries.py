"""List entries as the lists' procedures write them, for the credit check's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from engine.models import CreditListEntry, ListStatus, ListType, MarketEntity
from engine.org.units import org_by_code

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def list_entry(session: Session, entity: MarketEntity, list_type: ListType = ListType.SERIOUS,
               *, listed_on: date | None = date(2026, 1, 5), ends_on: date | None = None,
               status: ListStatus = ListStatus.LISTED, marked_only: bool = False,
               number: str = "保市监严入〔2026〕第1号") -> CreditListEntry:
    """An entry of `entity` on `list_type`, listed on `listed_on` for three years."""
    if ends_on is None and listed_on is not None:
        ends_on = listed_on.replace(year=listed_on.year + 3)
    entry = CreditListEntry(
        list_type=list_type, status=status, entity_id=entity.id, party_name=entity.name,
        party_uscc=entity.uscc, marked_only=marked_only,
        org_unit_id=org_by_code(session, "530502-amr").id, area_code=entity.area_code,
        reason="1" if list_type is ListType.ABNORMAL else "serious_penalty",
        trigger_source="entered", trigger_date=listed_on or date(2026, 1, 1),
        decision_number=number, listed_on=listed_on, ends_on=ends_on, created_by="test",
        created_at=NOW, updated_at=NOW)
    session.add(entry)
    session.flush()
    return entry
