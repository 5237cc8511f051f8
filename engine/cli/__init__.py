"""The `creditflow` command line: one group, a module per area."""

from __future__ import annotations

import logging

import click

from engine.cli import (
    calendar,
    db,
    lists,
    outbox,
    practice,
    processes,
    registry,
    rules,
    spot_check,
    system,
    unlicensed,
    users,
)
from engine.cli.context import CliContext, pass_cli


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False), help="Another config.toml.")
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """creditflow: BPMN case platform for market-entity credit supervision."""
    ctx.obj = CliContext(config)
    logging.basicConfig(level=ctx.obj.settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # SpiffWorkflow logs every task state change at INFO: far too much for a terminal.
    logging.getLogger("spiff").setLevel(max(logging.WARNING, logging.getLogger().level))


for module in (db, processes, calendar, system, registry, rules, users, outbox, practice,
               unlicensed, lists, spot_check):
    for command in module.COMMANDS:
        main.add_command(command)

__all__ = ["main", "pass_cli"]
