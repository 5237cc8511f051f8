"""The migrations make exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Connection, Engine, inspect

from engine import migrate
from engine.cli import main
from engine.db import make_engine
from engine.models import Base, unmodelled


def _alembic(engine: Engine, action: str, revision: str) -> None:
    """Run an Alembic command on a connection of `engine` (keeps a PostgreSQL search_path)."""
    with engine.begin() as connection:
        config = migrate.alembic_config(connection=connection)
        getattr(command, action)(config, revision)


def _differences(connection: Connection) -> list:
    context = MigrationContext.configure(connection, opts=migrate.COMPARE_OPTIONS)
    return list(compare_metadata(context, Base.metadata))


def _tables(engine: Engine) -> set[str]:
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if not unmodelled(name)}


def test_there_is_a_head_revision() -> None:
    assert migrate.head_revision() is not None


def test_upgrade_to_head_matches_the_models(bare_engine: Engine) -> None:
    _alembic(bare_engine, "upgrade", "head")
    with bare_engine.connect() as connection:
        differences = _differences(connection)
    assert differences == [], (
        "the models changed without a migration: run `make revision m=\"...\"` and read it"
    )
    assert _tables(bare_engine) == set(Base.metadata.tables)
    assert migrate.current_revision(bare_engine) == migrate.head_revision()


def test_downgrade_to_base_and_up_again(bare_engine: Engine) -> None:
    _alembic(bare_engine, "upgrade", "head")
    _alembic(bare_engine, "downgrade", "base")
    assert _tables(bare_engine) == set()
    assert migrate.current_revision(bare_engine) is None
    _alembic(bare_engine, "upgrade", "head")
    assert migrate.check(bare_engine) == []


def test_engine_helpers_upgrade_and_check(bare_engine: Engine) -> None:
    assert migrate.current_revision(bare_engine) is None
    assert migrate.check(bare_engine), "an empty database differs from the models"
    migrate.upgrade(bare_engine)
    assert migrate.current_revision(bare_engine) == migrate.head_revision()
    assert migrate.check(bare_engine) == []
    migrate.downgrade(bare_engine, "base")
    assert migrate.current_revision(bare_engine) is None


def test_sqlite_engines_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    migrate.upgrade(engine)  # migrations switch foreign keys off for a while, then back on
    for _ in range(2):
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_cli_upgrade_current_and_check(tmp_path: Path) -> None:
    env = {"CREDITFLOW_VAR_DIR": str(tmp_path), "CREDITFLOW_DATABASE_URL": ""}
    runner = CliRunner()
    before = runner.invoke(main, ["db", "check"], env=env)
    assert before.exit_code == 1, before.output
    result = runner.invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "creditflow.db").exists()
    result = runner.invoke(main, ["db", "current"], env=env)
    assert migrate.head_revision() in result.output
    result = runner.invoke(main, ["db", "check"], env=env)
    assert result.exit_code == 0, result.output
