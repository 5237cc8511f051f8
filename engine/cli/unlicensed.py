"""CLI commands: unlicensed operation (turn the dual notices' open leads into cases)."""

from __future__ import annotations

import click

from engine import unlicensed as cases
from engine.cli.context import CliContext, pass_cli
from engine.cli.processes import fail
from engine.errors import EngineError


@click.group("unlicensed")
def unlicensed() -> None:
    """Unlicensed-operation cases (无证无照)."""


@unlicensed.command("convert-leads")
@pass_cli
def convert_leads(cli: CliContext) -> None:
    """Open a case for every open lead that has none (leads made before cases existed)."""
    try:
        with cli.transaction() as session:
            count = cases.convert_open_leads(session, cli.actor)
    except EngineError as exc:
        fail(exc)
    click.echo(f"{count} leads became cases")


COMMANDS = [unlicensed]
