"""CLI commands: timers, incidents, doctor, audit, seed data, the scheduler."""

from __future__ import annotations

import contextlib
import sys

import click

from engine import audit
from engine.cli.context import CliContext, pass_cli
from engine.cli.processes import fail
from engine.errors import EngineError
from engine.runtime import doctor
from engine.runtime import incidents as incident_service
from engine.runtime import timers as timer_service
from engine.runtime.schedules import start_due
from engine.scheduler import run_forever
from engine.seed.seeders import DEMO_PASSWORD, seed_baoshan, seed_demo
from engine.work.delivery.report import failed_count


@click.group()
def timers() -> None:
    """Waiting timers and the sweep that fires them."""


@timers.command("sweep")
@click.option("--once", is_flag=True, required=True, help="Sweep once and exit.")
@click.option("--limit", type=int, help="At most this many timers.")
@pass_cli
def timers_sweep(cli: CliContext, once: bool, limit: int | None) -> None:
    """Fire the timers that are due now, and start the cases of due timer start events."""
    result = timer_service.sweep(cli.sessions, limit=limit)
    click.echo(f"leased {result.leased}, fired {result.fired}, retried {result.retried}, "
               f"incidents {result.incidents}, conflicts {result.conflicts}")
    started = start_due(cli.sessions, timer_service.worker_name())
    if started:
        click.echo(f"started {started} case(s) of timer start events")
    for error in result.errors:
        click.echo(f"  {error}", err=True)


@click.group(invoke_without_command=True)
@click.pass_context
def incidents(ctx: click.Context) -> None:
    """List open incidents (instances stopped by an error)."""
    if ctx.invoked_subcommand is not None:
        return
    cli: CliContext = ctx.obj
    with cli.transaction() as session:
        rows = incident_service.open_incidents(session)
        for row in rows:
            click.echo(f"{row.id}\tinstance {row.instance_id}\t{row.source}\t"
                       f"{row.created_at:%Y-%m-%d %H:%M}\t{row.message.splitlines()[0][:120]}")
        if not rows:
            click.echo("no open incidents")


@incidents.command("retry")
@click.argument("incident_id", type=int)
@pass_cli
def incidents_retry(cli: CliContext, incident_id: int) -> None:
    """Resolve an incident; its instance's timers fire at the next sweep."""
    try:
        with cli.transaction() as session:
            incident = incident_service.retry(session, cli.actor, incident_id)
            click.echo(f"incident {incident_id} resolved; "
                       f"instance {incident.instance_id} runs again")
    except EngineError as exc:
        fail(exc)


@click.command("doctor")
@click.option("--repair", is_flag=True, help="Rebuild the rows that do not match.")
@pass_cli
def doctor_command(cli: CliContext, repair: bool) -> None:
    """Check that work-item and timer rows match the stored instance states."""
    with cli.transaction() as session:
        total = doctor.count_instances(session)
        with click.progressbar(length=total, label="checking instances", show_pos=True,
                               file=sys.stderr) as bar:
            report = doctor.examine(session, repair=repair, progress=bar.update)
        undelivered = failed_count(session)
    for instance_id, problems in report.mismatched.items():
        for problem in problems:
            click.echo(f"instance {instance_id}: {problem}")
    for instance_id, error in report.failed.items():
        click.echo(f"instance {instance_id}: cannot be restored: {error}")
    verdict = "repaired" if repair and report.mismatched else (
        "healthy" if report.healthy else "mismatches found")
    click.echo(f"{report.instances} instances checked: {verdict}")
    if undelivered:  # worth a look, but the rows are not wrong: the exit status stays
        click.echo(f"{undelivered} notification message(s) failed to go out: "
                   f"see `creditflow outbox`")
    if not report.healthy and not repair:
        raise SystemExit(1)


@click.group("audit")
def audit_group() -> None:
    """The audit trail, chained with HMAC and anchored by checkpoints in the var folder."""


@audit_group.command("verify")
@pass_cli
def audit_verify(cli: CliContext) -> None:
    """Walk the chain; report the first edited, inserted, moved or deleted event."""
    with cli.transaction() as session:
        report = audit.verify(session)
    if report.broken is None:
        legacy = f" ({report.legacy} legacy, unkeyed)" if report.legacy else ""
        click.echo(f"audit chain intact: {report.events} events{legacy}")
        return
    where = f" at event {report.broken.event_id}" if report.broken.event_id else ""
    click.echo(f"audit chain broken{where}: {report.broken.reason}")
    raise SystemExit(1)


@audit_group.command("checkpoint")
@pass_cli
def audit_checkpoint(cli: CliContext) -> None:
    """Append a signed checkpoint of the chain as committed to the checkpoint file."""
    with cli.transaction() as session:
        count, head = audit.committed_head(session)
    checkpoint = audit.write_checkpoint(cli.settings, count, head)
    click.echo(f"audit checkpoint: {checkpoint.count} events, last hash {checkpoint.head}")


@click.group()
def seed() -> None:
    """Load seed data."""


@seed.command("baoshan")
@pass_cli
def seed_baoshan_command(cli: CliContext) -> None:
    """The Baoshan organisation: city, counties, joint offices, departments, stations."""
    with cli.transaction() as session:
        count = seed_baoshan(session, cli.actor)
    click.echo(f"Baoshan organisation loaded: {count} org units")


@seed.command("demo")
@pass_cli
def seed_demo_command(cli: CliContext) -> None:
    """Demo users for every role, sample entities and open sample cases."""
    try:
        with cli.transaction() as session:
            users = seed_demo(session, cli.actor)
    except EngineError as exc:
        fail(exc)
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for user in users:
        roles = ",".join(r.value for r in user.roles)
        click.echo(f"  {user.username:<26} {roles:<12} {user.display_name}")


@click.command("scheduler")
@click.option("--parent-pid", type=int,
              help="Stop when this process is gone (how `creditflow serve` starts it).")
@pass_cli
def scheduler_command(cli: CliContext, parent_pid: int | None) -> None:
    """Run the timer scheduler in the foreground (one or more per deployment)."""
    every = cli.settings.sweep_interval_seconds
    click.echo(f"scheduler: sweeping every {every}s; Ctrl-C stops")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        run_forever(cli.sessions, cli.settings, parent_pid)


COMMANDS = [timers, incidents, doctor_command, audit_group, seed, scheduler_command]
