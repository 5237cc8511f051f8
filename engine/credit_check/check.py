"""The credit check, "一处违法、处处受限": for a USCC (or many) and an action type, the
measures of the catalogue that apply because the entity is on a list in force.

One indexed query per check or batch (per chunk on SQLite) over the list entries; the
catalogue comes from the per-process cache; the check and each restriction it found are
logged with bulk inserts (COPY on PostgreSQL), in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

from sqlalchemy import String, any_, bindparam, insert, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.credit_check.catalogue import Catalogue, Measure, current_catalogue
from engine.credit_check.vocabulary import ACTIONS
from engine.db import settings_of
from engine.errors import InvalidInput
from engine.models import CreditCheck, CreditHit, CreditListEntry, ListStatus, ListType
from engine.registry import uscc_problem

CHUNK = 2000  # codes per query: well under SQLite's and PostgreSQL's parameter limits
MAX_BATCH = 10_000


@dataclass(frozen=True)
class Restriction:
    """One measure that applies to one entity, because of one list entry."""

    measure: Measure
    entry_id: int
    list_type: ListType
    decision_number: str | None
    starts_on: date
    ends_on: date | None

    def as_dict(self) -> dict[str, Any]:
        m = self.measure
        return {"measure": m.code, "title": m.title, "list_type": self.list_type.value,
                "basis": {"document": m.basis_document, "clause": m.basis_clause},
                "initiating_department": m.initiating_department,
                "implementing_departments": list(m.implementing_departments),
                "list_entry_id": self.entry_id, "decision_number": self.decision_number,
                "starts_on": self.starts_on.isoformat(),
                "ends_on": self.ends_on.isoformat() if self.ends_on else None}


@dataclass(frozen=True)
class Answer:
    """The check of one code: its problem when invalid, else its restrictions (maybe none)."""

    uscc: str
    problem: str | None = None
    restrictions: tuple[Restriction, ...] = ()

    @property
    def restricted(self) -> bool:
        return bool(self.restrictions)


@dataclass
class Report:
    """A check's answers in the order asked, with the log row and the catalogue version."""

    check_id: int
    action: str
    day: date
    version_number: int
    answers: list[Answer] = field(default_factory=list)

    @property
    def invalid(self) -> int:
        return sum(1 for a in self.answers if a.problem)

    @property
    def restricted(self) -> int:
        return sum(1 for a in self.answers if a.restrictions)


def normalize(code: object) -> str:
    return str(code if code is not None else "").strip().upper()


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _restriction(measure: Measure, row: Any, list_type: ListType, day: date
                 ) -> Restriction | None:
    ends_on = row.ends_on
    if measure.period_years is not None:
        cap = _add_years(row.listed_on, measure.period_years)
        ends_on = cap if ends_on is None else min(ends_on, cap)
    if ends_on is not None and day >= ends_on:
        return None
    return Restriction(measure, row.id, list_type, row.decision_number, row.listed_on,
                       ends_on)


def find_restrictions(session: Session, catalogue: Catalogue, usccs: Sequence[str],
                      action: str, day: date) -> dict[str, list[Restriction]]:
    """USCC → the restrictions in force on `day` (valid codes only; no log), on the
    (party_uscc, status) index. PostgreSQL takes every code in one array parameter: one
    round trip, and the same statement (and plan) whatever the number; SQLite has no
    arrays and binds each code, CHUNK codes a query."""
    measures = catalogue.by_action[action]
    types = [t for t, found in measures.items() if found]
    result: dict[str, list[Restriction]] = {}
    if not types:
        return result
    entry = CreditListEntry
    unique = list(dict.fromkeys(usccs))  # a code asked twice is looked up once
    postgres = session.get_bind().dialect.name == "postgresql"
    size = len(unique) if postgres else CHUNK
    for start in range(0, len(unique), size):
        chunk = unique[start:start + size]
        codes = (entry.party_uscc == any_(bindparam("codes", chunk, type_=ARRAY(String)))
                 if postgres else entry.party_uscc.in_(chunk))
        query = (select(entry.id, entry.party_uscc, entry.list_type, entry.decision_number,
                        entry.listed_on, entry.ends_on)
                 .where(codes, entry.status == ListStatus.LISTED,
                        entry.list_type.in_(types), entry.listed_on <= day,
                        or_(entry.ends_on.is_(None), entry.ends_on > day))
                 .order_by(entry.id))
        for row in session.execute(query):
            list_type = ListType(row.list_type)
            for measure in measures[list_type]:
                found = _restriction(measure, row, list_type, day)
                if found is not None:
                    result.setdefault(row.party_uscc, []).append(found)
    return result


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise InvalidInput(f"unknown action type {action!r}", fields={"action": "unknown_action"})


def check_codes(session: Session, actor: audit.Actor, codes: Iterable[object], action: str,
                *, unit_id: int | None = None, origin: str = "web",
                purpose: str | None = None) -> Report:
    """Check each code for `action` and log it: one log row with the counts, a row per
    restriction found (each owes its department's feedback). An invalid code gets its
    problem in its answer and costs the others nothing. At most MAX_BATCH codes."""
    _check_action(action)
    asked = [normalize(c) for c in codes]
    if not asked:
        raise InvalidInput("no code to check", fields={"uscc": "required"})
    if len(asked) > MAX_BATCH:
        raise InvalidInput(f"at most {MAX_BATCH} codes per check",
                           fields={"uscc": "batch_too_large"})
    problems = {code: uscc_problem(code) for code in set(asked)}
    valid = [code for code in asked if problems[code] is None]
    catalogue = current_catalogue(session)
    day = clock.local_today(settings_of(session).timezone)
    found = find_restrictions(session, catalogue, valid, action, day)
    answers = [Answer(code, problems[code], tuple(found.get(code, ()))) for code in asked]
    report = Report(0, action, day, catalogue.number, answers)
    report.check_id = _log(session, actor, report, catalogue, unit_id, origin, purpose)
    return report


def check_one(session: Session, actor: audit.Actor, uscc: object, action: str,
              *, unit_id: int | None = None, origin: str = "web",
              purpose: str | None = None) -> Report:
    """Check one code; an invalid one is refused (InvalidInput, field uscc)."""
    code = normalize(uscc)
    problem = uscc_problem(code)
    if problem:
        raise InvalidInput(f"invalid USCC {code!r}: {problem}", fields={"uscc": "uscc_invalid"})
    return check_codes(session, actor, [code], action, unit_id=unit_id, origin=origin,
                       purpose=purpose)


def _log(session: Session, actor: audit.Actor, report: Report, catalogue: Catalogue,
         unit_id: int | None, origin: str, purpose: str | None) -> int:
    now = clock.now()
    hits = sum(len(a.restrictions) for a in report.answers)
    single = report.answers[0].uscc if len(report.answers) == 1 else None
    result = session.execute(insert(CreditCheck.__table__).values(
        checked_at=now, checked_by=actor.name, origin=origin, org_unit_id=unit_id,
        action=report.action, version_id=catalogue.version_id, uscc=single,
        requested=len(report.answers), invalid=report.invalid, restricted=report.restricted,
        hits=hits, purpose=(purpose or None) and purpose[:200]).returning(CreditCheck.id))
    check_id = int(result.scalar_one())
    rows = [{"check_id": check_id, "org_unit_id": unit_id, "checked_at": now,
             "uscc": answer.uscc, "measure_id": r.measure.id, "entry_id": r.entry_id}
            for answer in report.answers for r in answer.restrictions]
    if not rows:
        return check_id
    if session.get_bind().dialect.name == "postgresql":
        # COPY streams the rows in one statement, without arrays built in Python.
        dbapi = session.connection().connection.driver_connection
        assert dbapi is not None
        at = now.astimezone(UTC).replace(tzinfo=None)
        with dbapi.cursor() as cursor, cursor.copy(_COPY_HITS) as copy:
            for r in rows:
                copy.write_row((check_id, unit_id, at, r["uscc"], r["measure_id"],
                                r["entry_id"]))
    else:
        session.execute(insert(CreditHit.__table__), rows)  # sqlite3's executemany, in C
    return check_id


_COPY_HITS = ("COPY credit_hit (check_id, org_unit_id, checked_at, uscc, measure_id, entry_id) "
              "FROM STDIN")
