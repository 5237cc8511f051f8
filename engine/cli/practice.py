"""CLI commands: practice (the practice copy, 练习版)."""

from __future__ import annotations

import click

from engine import audit
from engine.cli.context import CliContext, pass_cli
from engine.practice import practice_state, reset_practice


@click.group()
def practice() -> None:
    """The practice copy where departments train: a separate database, nothing sent."""


@practice.command("reset")
@pass_cli
def practice_reset(cli: CliContext) -> None:
    """Make the practice copy anew: the real organisation, people, calendar and diagrams,
    with generated entities and cases; what was practised before is gone."""
    state = reset_practice(cli.settings, audit.Actor("cli:practice", "cli"))
    click.echo(f"practice copy made: {state.entities} entities, {state.cases} cases")


@practice.command("status")
@pass_cli
def practice_status(cli: CliContext) -> None:
    """When the practice copy was last made, and how much it holds."""
    state = practice_state(cli.settings)
    if state is None:
        click.echo("no practice copy yet: creditflow practice reset")
        return
    click.echo(f"made {state.reset_at.isoformat()} by {state.reset_by}: "
               f"{state.entities} entities, {state.cases} cases")


COMMANDS = [practice]
