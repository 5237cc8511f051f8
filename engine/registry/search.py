"""The public's search of market entities: by any part of the name (2 characters or more),
the USCC or the registration number (注册号), through each database's own text index.

SQLite: an FTS5 table holding each name as its overlapping character pairs, one token a
pair, queried as the phrase of the query's pairs (consecutive pairs = a substring).
PostgreSQL: a GIN index on the array of the pairs, containment then a LIKE recheck.
Trigram indexes (FTS5's trigram tokenizer, pg_trgm) cannot answer 2 characters, which
is the commonest search in Chinese names; see docs/ARCHITECTURE.md.

The SQLite table is kept in step here: after every ORM flush that adds or renames an
entity, and by `index_names` for bulk statements (the registry import). PostgreSQL's
index is an expression index: the database keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from sqlalchemy import Connection, bindparam, event, func, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction

from engine.models import MarketEntity
from engine.models.search import GRAMS_FUNCTION, NAME_INDEX

MIN_NAME_PART = 2
MAX_QUERY = 60
RESULTS = 20
RECENT_WINDOW = 5000  # newest entities scanned first on PostgreSQL (common name parts)
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_USCC_START = re.compile(r"[0-9A-HJ-NPQRTUWXY]{6,17}")
_REGISTRATION_NUMBER = re.compile(r"\d{15}")


def tokens(name: str) -> Iterator[str]:
    """Each pair of characters of the lower-cased name as one FTS5 token: the two code
    points in hex, so the tokenizer keeps a pair whole whatever its characters are."""
    lowered = name.lower()
    for first, second in zip(lowered, lowered[1:], strict=False):
        yield f"{ord(first):x}x{ord(second):x}"


def normalize(query: str | None) -> str:
    """The query as searched: trimmed, runs of spaces made one, at most MAX_QUERY long."""
    return re.sub(r"\s+", " ", query or "").strip()[:MAX_QUERY]


def search_entities(
    session: Session, query: str | None, limit: int = RESULTS
) -> list[MarketEntity]:
    """Entities whose USCC or registration number is the query, whose USCC starts with
    it, or whose name contains it; newest registrations first. Too short: none."""
    wanted = normalize(query)
    code = wanted.replace(" ", "").upper()
    if _USCC.fullmatch(code):
        return list(session.scalars(select(MarketEntity).where(MarketEntity.uscc == code)))
    if _REGISTRATION_NUMBER.fullmatch(code):
        return list(
            session.scalars(
                select(MarketEntity).where(MarketEntity.registration_number == code).limit(limit)
            )
        )
    if _USCC_START.fullmatch(code) and any(c.isdigit() for c in code):
        return list(
            session.scalars(
                select(MarketEntity)
                .where(MarketEntity.uscc.startswith(code, autoescape=True))
                .order_by(MarketEntity.uscc)
                .limit(limit)
            )
        )
    if len(wanted) < MIN_NAME_PART:
        return []
    ids = name_matches(session, wanted, limit)
    if not ids:
        return []
    found = {e.id: e for e in session.scalars(select(MarketEntity).where(MarketEntity.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def name_matches(session: Session, part: str, limit: int) -> list[int]:
    """Ids of the entities whose name contains `part` (2 characters or more), newest first.

    SQLite's FTS5 walks its doclist from the newest entity and stops at `limit`. A GIN
    index first gathers every match (hundreds of thousands for 有限 or 公司), so on
    PostgreSQL a part is first looked for among the newest RECENT_WINDOW entities: when
    they hold `limit` matches, those are exactly the newest; anything rarer goes to the
    index, which is fast when the matches are few."""
    if session.get_bind().dialect.name != "postgresql":
        return _indexed_matches(session, part, limit)
    recent = select(MarketEntity.id, MarketEntity.name).order_by(
        MarketEntity.id.desc()).limit(RECENT_WINDOW).subquery()
    found = list(session.scalars(
        select(recent.c.id).where(func.lower(recent.c.name).contains(part.lower(),
                                                                     autoescape=True))
        .order_by(recent.c.id.desc()).limit(limit)))
    if len(found) == limit:
        return found
    return _indexed_matches(session, part, limit)


def _indexed_matches(session: Session, part: str, limit: int) -> list[int]:
    if session.get_bind().dialect.name == "postgresql":
        lowered = part.lower()
        grams = getattr(func, GRAMS_FUNCTION)
        return list(
            session.scalars(
                select(MarketEntity.id)
                .where(
                    grams(MarketEntity.name).op("@>")(grams(lowered)),
                    func.lower(MarketEntity.name).contains(lowered, autoescape=True),
                )
                .order_by(MarketEntity.id.desc())
                .limit(limit)
            )
        )
    phrase = '"' + " ".join(tokens(part)) + '"'
    return list(
        session.scalars(
            text(
                f"SELECT rowid FROM {NAME_INDEX} WHERE {NAME_INDEX} MATCH :phrase "
                "ORDER BY rowid DESC LIMIT :limit"
            ),
            {"phrase": phrase, "limit": limit},
        )
    )


def like_matches(session: Session, part: str, limit: int) -> list[int]:
    """The same answer by a plain LIKE scan, the reference the benchmark compares with."""
    return list(
        session.scalars(
            select(MarketEntity.id)
            .where(func.lower(MarketEntity.name).contains(part.lower(), autoescape=True))
            .order_by(MarketEntity.id.desc())
            .limit(limit)
        )
    )


def index_names(connection: Session | Connection, names: Mapping[int, str]) -> None:
    """Put these entities' names (id → name) in SQLite's name index, replacing what it
    held for them; nothing to do on PostgreSQL."""
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    if not names or bind.dialect.name != "sqlite":
        return
    ids = list(names)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        connection.execute(
            text(f"DELETE FROM {NAME_INDEX} WHERE rowid IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": chunk},
        )
    connection.execute(
        text(f"INSERT INTO {NAME_INDEX} (rowid, grams) VALUES (:id, :grams)"),
        [{"id": i, "grams": " ".join(tokens(names[i]))} for i in ids],
    )


def rebuild_name_index(session: Session, batch: int = 10_000) -> int:
    """Fill SQLite's name index again from every entity; returns how many."""
    if session.get_bind().dialect.name != "sqlite":
        return 0
    session.execute(text(f"DELETE FROM {NAME_INDEX}"))
    done, last = 0, 0
    while rows := session.execute(
        select(MarketEntity.id, MarketEntity.name)
        .where(MarketEntity.id > last)
        .order_by(MarketEntity.id)
        .limit(batch)
    ).all():
        index_names(session, {row[0]: row[1] for row in rows})
        done, last = done + len(rows), rows[-1][0]
    return done


@event.listens_for(Session, "after_flush")
def _index_flushed(session: Session, _flush: UOWTransaction) -> None:
    """Entities added, renamed or deleted through the ORM (seed, tests, the entity page)
    follow in the index, in the same transaction."""
    if session.get_bind().dialect.name != "sqlite":
        return
    names = {
        obj.id: obj.name
        for obj in [*session.new, *session.dirty]
        if isinstance(obj, MarketEntity)
        and obj.id is not None
        and inspect(obj).attrs.name.history.added
    }
    gone = [obj.id for obj in session.deleted if isinstance(obj, MarketEntity)]
    connection = session.connection()
    index_names(connection, names)
    if gone:
        connection.execute(
            text(f"DELETE FROM {NAME_INDEX} WHERE rowid IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": gone},
        )
