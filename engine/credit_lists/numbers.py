"""Decision numbers (文号) such as 保市监异入〔2026〕第7号: one sequence per issuing unit,
kind and year, taken under the sequence row's lock so that concurrent decisions get
consecutive numbers and a rolled-back decision gives its number back with the rest."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.credit_lists.rules import NUMBER_KINDS, issuer_word
from engine.models import DecisionSequence, OrgUnit


def next_number(session: Session, unit: OrgUnit, kind: str, year: int) -> int:
    """The next number of the unit's `kind` in `year`, in the caller's transaction."""
    table = DecisionSequence.__table__
    for _attempt in range(3):
        taken = session.execute(
            update(table).where(table.c.org_unit_id == unit.id, table.c.kind == kind,
                                table.c.year == year)
            .values(last_number=table.c.last_number + 1)
            .returning(table.c.last_number)).scalar()
        if taken is not None:
            return int(taken)
        try:
            with session.begin_nested():
                session.execute(table.insert().values(org_unit_id=unit.id, kind=kind,
                                                      year=year, last_number=1))
            return 1
        except IntegrityError:
            continue  # another transaction created the year's row first: take the next
    raise RuntimeError("the decision sequence could not be taken")


def decision_number(session: Session, unit: OrgUnit, kind: str, year: int) -> str:
    """The next decision number in full: 保市监异入〔2026〕第1号."""
    number = next_number(session, unit, kind, year)
    return f"{issuer_word(session, unit)}市监{NUMBER_KINDS[kind]}〔{year}〕第{number}号"


def last_numbers(session: Session, unit: OrgUnit, year: int) -> dict[str, int]:
    """The last number of each kind the unit gave in `year`."""
    return dict(session.execute(select(DecisionSequence.kind, DecisionSequence.last_number)
                                .where(DecisionSequence.org_unit_id == unit.id,
                                       DecisionSequence.year == year)).tuples())
