"""The text index of market entities' names (the portal's search), made with the tables.

Not a model: a database's own text index. SQLite keeps an FTS5 table of each name's
overlapping character pairs (bigrams); PostgreSQL a GIN index on the array of them.
Both answer a 2-character part of a Chinese name, which trigram indexes cannot
(docs/ARCHITECTURE.md, "The portal's name search"). The DDL is attached to
`market_entity`, so `create_all` makes it as migration 0013 does.
"""

from __future__ import annotations

from sqlalchemy import DDL, event
from sqlalchemy.sql.ddl import ExecutableDDLElement

from engine.models.entity import MarketEntity

NAME_INDEX = "entity_name_search"  # the SQLite FTS5 table (rowid = market_entity.id)
GRAMS_FUNCTION = "creditflow_name_grams"  # the PostgreSQL function behind the GIN index
GRAMS_INDEX = "ix_market_entity_name_grams"

SQLITE_CREATE = f"CREATE VIRTUAL TABLE {NAME_INDEX} USING fts5(grams, tokenize = 'unicode61')"
SQLITE_DROP = f"DROP TABLE IF EXISTS {NAME_INDEX}"
POSTGRES_CREATE = (
    f"CREATE OR REPLACE FUNCTION {GRAMS_FUNCTION}(name text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(DISTINCT substr(lower(name), i, 2)), '{}') "
    "FROM generate_series(1, char_length(name) - 1) AS i $$",
    f"CREATE INDEX {GRAMS_INDEX} ON market_entity USING gin ({GRAMS_FUNCTION}(name))",
)
POSTGRES_DROP = (
    f"DROP INDEX IF EXISTS {GRAMS_INDEX}",
    f"DROP FUNCTION IF EXISTS {GRAMS_FUNCTION}(text)",
)


def unmodelled(name: str) -> bool:
    """Whether a table or index is the name index (or one of FTS5's shadow tables, or
    PostgreSQL's expression index): no model describes it."""
    return name in (NAME_INDEX, GRAMS_INDEX) or name.startswith(NAME_INDEX + "_")


def _ddl(statement: str, dialect: str) -> ExecutableDDLElement:
    return DDL(statement).execute_if(dialect=dialect)  # type: ignore[no-untyped-call]


_table = MarketEntity.__table__
event.listen(_table, "after_create", _ddl(SQLITE_CREATE, "sqlite"))
event.listen(_table, "before_drop", _ddl(SQLITE_DROP, "sqlite"))
for _statement in POSTGRES_CREATE:
    event.listen(_table, "after_create", _ddl(_statement, "postgresql"))
for _statement in POSTGRES_DROP:
    event.listen(_table, "before_drop", _ddl(_statement, "postgresql"))
