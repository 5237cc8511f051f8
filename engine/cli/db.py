"""CLI commands: db (schema migrations)."""

from __future__ import annotations

import click

from engine import migrate
from engine.cli.context import CliContext, pass_cli


@click.group()
def db() -> None:
    """The database schema: migrate, inspect, check."""


@db.command()
@click.argument("revision", default="head")
@pass_cli
def upgrade(cli: CliContext, revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""
    migrate.upgrade(cli.engine, revision)
    click.echo(f"database at {migrate.current_revision(cli.engine) or 'base'}")


@db.command()
@pass_cli
def current(cli: CliContext) -> None:
    """Print the revision the database is at, and the newest one."""
    click.echo(f"current: {migrate.current_revision(cli.engine) or 'base (never migrated)'}")
    click.echo(f"head:    {migrate.head_revision() or '(no revisions)'}")


@db.command()
@pass_cli
def check(cli: CliContext) -> None:
    """Exit 1 if the models differ from the migrated schema."""
    differences = migrate.check(cli.engine)
    for difference in differences:
        click.echo(f"  {difference}")
    if differences:
        click.echo(f"{len(differences)} difference(s) between the models and the database; "
                   "run `creditflow db upgrade`, or write a revision", err=True)
        raise SystemExit(1)
    click.echo("the database matches the models")


@db.command()
@click.option("-m", "--message", required=True, help="What the revision does.")
def revision(message: str) -> None:
    """Autogenerate a revision from the models (development; read it before committing)."""
    path = migrate.make_revision(message)
    click.echo(f"wrote {path}")


COMMANDS = [db]
