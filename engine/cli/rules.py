"""CLI commands: rules (deploy decision tables, list their versions, try one on a scope)."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from engine.cli.context import CliContext, pass_cli
from engine.cli.processes import fail
from engine.dual_notice.routing_table import ROUTING_KEY, deploy_table_file, latest_table
from engine.errors import EngineError
from engine.models import DecisionTable


@click.group()
def rules() -> None:
    """Decision tables (DMN), such as the dual-notice routing table."""


@rules.command("deploy")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_cli
def deploy(cli: CliContext, file: Path) -> None:
    """Deploy FILE as the next version of its table (identical content changes nothing)."""
    try:
        with cli.transaction() as session:
            row, created = deploy_table_file(session, cli.actor, file)
            state = "deployed" if created else "unchanged"
            click.echo(f"{state}: {row.key} version {row.version} ({row.sha256[:12]})")
    except EngineError as exc:
        fail(exc)


@rules.command("list")
@pass_cli
def list_versions(cli: CliContext) -> None:
    """Every deployed version of every table, newest first."""
    with cli.transaction() as session:
        rows = session.execute(select(DecisionTable).order_by(
            DecisionTable.key, DecisionTable.version.desc())).scalars().all()
        for row in rows:
            click.echo(f"{row.key}\tversion {row.version}\t{row.sha256[:12]}\t"
                       f"{row.deployed_by}\t{row.deployed_at:%Y-%m-%d %H:%M}")
        if not rows:
            click.echo("no decision tables deployed")


@rules.command("route")
@click.argument("scope")
@pass_cli
def route(cli: CliContext, scope: str) -> None:
    """Show the licence items and departments the latest routing table gives SCOPE."""
    with cli.transaction() as session:
        matches = latest_table(session, ROUTING_KEY).evaluate(scope)
    for match in matches:
        click.echo(f"{match.licence_item}\t{match.licence_item_name}\t{match.department}")
    if not matches:
        click.echo("no match: the entity would wait in the routing-failed pool")


COMMANDS = [rules]
