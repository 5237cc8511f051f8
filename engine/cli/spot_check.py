"""CLI commands: spot-check draws (run a task's draw, replay and verify a sealed one)."""

from __future__ import annotations

import sys

import click

from engine import domains, spot_check
from engine.cli.context import CliContext, pass_cli
from engine.cli.processes import fail
from engine.errors import EngineError


@click.group()
def draw() -> None:
    """Spot-check draws (双随机): sealed, replayable."""


@draw.command("run")
@click.argument("task_id", type=int)
@click.option("--release", is_flag=True, help="Release the draw once sealed.")
@pass_cli
def run_draw(cli: CliContext, task_id: int, release: bool) -> None:
    """Draw TASK_ID's targets and officers and seal the draw."""
    try:
        with cli.transaction() as session:
            sealed = spot_check.draw_task(session, cli.actor, task_id)
            started = domains.release_draw(session, cli.actor, sealed.id) if release else 0
            click.echo(f"draw {sealed.id}: {len(sealed.result['targets'])} targets of "
                       f"{sealed.result['eligible']} eligible; result {sealed.result_hash}"
                       + (f"; released, {started} started" if release else ""))
    except EngineError as exc:
        fail(exc)


@draw.command("verify")
@click.argument("draw_id", type=int)
@pass_cli
def verify(cli: CliContext, draw_id: int) -> None:
    """Replay DRAW_ID from its sealed record and check its hashes and its seal."""
    try:
        with cli.transaction() as session:
            sealed = spot_check.get_draw(session, draw_id)
            report = spot_check.verify_draw(session, cli.actor, draw_id)
            click.echo(f"draw {draw_id} ({sealed.algorithm}, seed {sealed.seed})")
            click.echo(f"pool {sealed.pool_size}, snapshot {sealed.pool_hash}")
            click.echo(f"sealed result {sealed.result_hash}")
            click.echo(f"replayed      {report.replayed_hash or '-'}")
    except EngineError as exc:
        fail(exc)
        return
    if report.intact:
        click.echo("intact: the replay gives the sealed result")
    else:
        click.echo(f"NOT intact: {', '.join(report.problems)}")
        sys.exit(1)


COMMANDS = [draw]
