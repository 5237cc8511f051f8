"""Schema migrations: Alembic configured from code, never from an alembic.ini.

The schema is only ever made by the revisions in `migrations/versions/`; these
functions run them (`upgrade`), say where a database stands (`current_revision`),
compare a migrated database with the models (`check`) and write a new revision
from the models (`make_revision`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.types import TypeDecorator

from engine.db import is_sqlite, make_engine
from engine.models import Base, unmodelled

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
REVISION_FILE_TEMPLATE = "%%(rev)s_%%(slug)s"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic config for our migrations folder, on `url` or an open `connection`.

    A connection handed in is used as it is (search_path, open transaction and all);
    the caller commits it.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", REVISION_FILE_TEMPLATE)
    config.set_main_option("truncate_slug_length", "40")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render our column types (UTCDateTime) as the plain SQLAlchemy type they store.

    Revisions then never import model code, which keeps changing after them.
    """
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for running migrations, committed at the end.

    On SQLite foreign keys are off while it runs (batch operations copy and drop
    tables, which would otherwise cascade or fail) and checked before commit.
    """
    with engine.connect() as connection:
        if not is_sqlite(engine):
            with connection.begin():
                yield connection
            return
        raw = connection.connection.driver_connection
        assert raw is not None  # None only once the connection is invalidated
        raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, or it is ignored
        try:
            with connection.begin():
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


@contextmanager
def _engine(engine_or_url: Engine | str) -> Iterator[Engine]:
    if isinstance(engine_or_url, Engine):
        yield engine_or_url
        return
    engine = make_engine(engine_or_url)
    try:
        yield engine
    finally:
        engine.dispose()


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Migrate the database up to `revision`, in one transaction."""
    with _engine(engine_or_url) as engine, migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection=connection), revision)


def downgrade(engine_or_url: Engine | str, revision: str) -> None:
    """Migrate the database down to `revision` ("base" empties it), in one transaction."""
    with _engine(engine_or_url) as engine, migration_connection(engine) as connection:
        command.downgrade(alembic_config(connection=connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision in migrations/versions, or None when there is none."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def check(engine: Engine) -> list[Any]:
    """How the models differ from the database's schema; empty when they match.

    Each difference is an Alembic diff tuple such as ("add_table", Table) or a
    list of ("modify_type", ...) tuples for one column.
    """
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=COMPARE_OPTIONS)
        return list(compare_metadata(context, Base.metadata))


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Autogenerate's filter: the text index of names has no model."""
    return not (type_ in ("table", "index") and name is not None and unmodelled(name))


COMPARE_OPTIONS: dict[str, Any] = {"compare_type": True, "include_name": include_name}


def next_revision_id() -> str:
    """The next sequential revision id: "0001", "0002", ..."""
    script = ScriptDirectory.from_config(alembic_config())
    numbers = [int(s.revision) for s in script.walk_revisions() if s.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def make_revision(message: str) -> Path:
    """Autogenerate a revision from the models, against a scratch SQLite database at head.

    Returns the path of the new file in migrations/versions. Read it before
    committing: autogenerate misses renames and server-side details.
    """
    with tempfile.TemporaryDirectory(prefix="creditflow-revision-") as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        try:
            upgrade(engine)
            with migration_connection(engine) as connection:
                config = alembic_config(connection=connection)
                script = command.revision(
                    config, message=message, autogenerate=True, rev_id=next_revision_id()
                )
        finally:
            engine.dispose()
    if script is None or isinstance(script, list):
        raise RuntimeError("alembic wrote no single revision")
    return Path(script.path)
