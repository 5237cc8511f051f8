"""CLI commands: credit lists (the abnormal list's proposals for annual reports not filed)."""

from __future__ import annotations

import click

from engine import credit_lists
from engine.cli.context import CliContext, pass_cli


@click.group("lists")
def lists() -> None:
    """Credit lists: the abnormal operations list and the serious list."""


@lists.command("propose-unfiled")
@click.option("--year", required=True, type=int, help="The year the reports are for.")
@click.option("--area", default=None, help="Only entities of this area code.")
@pass_cli
def propose_unfiled(cli: CliContext, year: int, area: str | None) -> None:
    """Propose for the abnormal list (reason 1) every entity whose annual report for YEAR was
    not filed by 30 June of the next year; run from 1 July. Entities already listed or
    proposed are skipped."""
    with cli.transaction() as session:
        proposed = credit_lists.propose_unfiled_reports(session, cli.actor, year, area)
        click.echo(f"{len(proposed)} entities proposed for the abnormal list")


COMMANDS = [lists]
