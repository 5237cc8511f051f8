"""CLI commands: the outbox of e-mails and group-robot posts (state, send, retry, test, purge)."""

from __future__ import annotations

import click

from engine.cli.context import CliContext, pass_cli
from engine.cli.processes import fail
from engine.errors import EngineError
from engine.org.units import org_by_code
from engine.work.delivery import report
from engine.work.delivery.outbox import deliver_due, send_test
from engine.work.delivery.senders import DeliveryError


@click.group(invoke_without_command=True)
@click.pass_context
def outbox(ctx: click.Context) -> None:
    """Show the messages queued, sent and failed, and the latest failures with their error."""
    if ctx.invoked_subcommand is not None:
        return
    cli: CliContext = ctx.obj
    with cli.transaction() as session:
        state = report.outbox_state(session)
    click.echo(", ".join(f"{status.value} {count}" for status, count in state.counts.items()))
    if state.oldest_pending is not None:
        click.echo(f"oldest pending since {state.oldest_pending:%Y-%m-%d %H:%M} UTC")
    for row in state.failures:
        target = row.recipient or (f"unit {row.org_unit_id}" if row.org_unit_id else "webhook")
        error = (row.last_error or "").splitlines()[0][:160] if row.last_error else ""
        click.echo(f"{row.id}\t{row.channel.value}\t{target}\t{row.attempts} attempt(s)\t"
                   f"{error}")


@outbox.command("send")
@click.option("--once", is_flag=True, required=True, help="Send once and exit.")
@click.option("--limit", type=int, help="At most this many messages.")
@pass_cli
def outbox_send(cli: CliContext, once: bool, limit: int | None) -> None:
    """Send the messages that are due now, as the scheduler does."""
    result = deliver_due(cli.sessions, limit=limit)
    click.echo(f"leased {result.leased}, sent {result.sent}, retried {result.retried}, "
               f"failed {result.failed}, deferred {result.deferred}")
    for error in result.errors:
        click.echo(f"  {error}", err=True)


@outbox.command("retry")
@click.argument("ids", type=int, nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every failed message.")
@pass_cli
def outbox_retry(cli: CliContext, ids: tuple[int, ...], every: bool) -> None:
    """Queue failed messages (IDS, or --all) again, due now, with their attempts reset."""
    if not ids and not every:
        raise click.UsageError("name the messages to retry, or give --all")
    with cli.transaction() as session:
        count = report.retry_failed(session, cli.actor, None if every else ids)
    click.echo(f"{count} message(s) queued again")


@outbox.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=90, show_default=True,
              help="Keep the messages sent in the last this many days.")
@pass_cli
def outbox_purge(cli: CliContext, days: int) -> None:
    """Delete sent messages older than --days; pending and failed ones stay."""
    with cli.transaction() as session:
        count = report.purge_sent(session, cli.actor, days)
    click.echo(f"{count} sent message(s) deleted")


@outbox.command("test")
@click.option("--to", "address", default="", help="E-mail a test message to this address.")
@click.option("--unit", "code", help="Post a test message to this unit's group robot.")
@click.option("--robot", is_flag=True, help="Post a test message to the global robot.")
@pass_cli
def outbox_test(cli: CliContext, address: str, code: str | None, robot: bool) -> None:
    """Send a test message now, not queued: do the mail server and the robots take it?"""
    settings, url, secret = cli.settings, "", ""
    if code is not None:
        try:
            with cli.transaction() as session:
                unit = org_by_code(session, code)
                url, secret = unit.webhook_url or "", unit.webhook_secret or ""
        except EngineError as exc:
            fail(exc)
        if not url:
            raise click.UsageError(f"unit {code} has no group robot")
    elif robot:
        url, secret = settings.webhook_url, settings.webhook_secret
        if not url:
            raise click.UsageError("webhook_url is not set")
    if not (address or url):
        raise click.UsageError("give --to ADDRESS, --unit CODE or --robot")
    try:
        send_test(settings, address=address, url=url, secret=secret)
    except DeliveryError as exc:
        click.echo(f"not sent: {exc}", err=True)
        raise SystemExit(1) from exc
    click.echo("sent")


COMMANDS = [outbox]
