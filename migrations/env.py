"""Alembic environment for creditflow, configured from code by engine.migrate.

The database comes from either an open connection in
``config.attributes["connection"]`` (used as it is: tests hand in connections
with a PostgreSQL search_path) or the ``sqlalchemy.url`` main option.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, make_url, pool

from engine.db import make_engine
from engine.migrate import include_name, migration_connection, render_item
from engine.models import Base

config = context.config
target_metadata = Base.metadata  # its MetaData carries the constraint naming convention


def _options(dialect_name: str) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "compare_type": True,
        "render_as_batch": dialect_name == "sqlite",  # SQLite's ALTER TABLE is too weak
        "render_item": render_item,
        "include_name": include_name,
    }


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: set sqlalchemy.url or attributes['connection']")
    return url


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade --sql`)."""
    url = _url()
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_options(make_url(url).get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, **_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url(), poolclass=pool.NullPool)
    try:
        with migration_connection(engine) as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
