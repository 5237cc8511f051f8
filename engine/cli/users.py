"""CLI commands: user accounts (sessions, deactivation, e-mail) and units' group robots."""

from __future__ import annotations

import click

from engine.cli.context import CliContext, pass_cli
from engine.cli.processes import fail
from engine.errors import EngineError
from engine.org import sessions
from engine.org.accounts import set_email
from engine.org.units import org_by_code, set_webhook
from engine.org.users import user_by_name


@click.group()
def user() -> None:
    """User accounts: end their sign-in sessions, deactivate them, set their e-mail."""


@user.command("sign-out")
@click.argument("username")
@pass_cli
def sign_out_command(cli: CliContext, username: str) -> None:
    """End every sign-in session of USERNAME at once (API tokens stay; revoke them apart)."""
    try:
        with cli.transaction() as session:
            sessions.sign_out_everywhere(session, cli.actor, user_by_name(session, username))
    except EngineError as exc:
        fail(exc)
    click.echo(f"{username} signed out everywhere")


@user.command("deactivate")
@click.argument("username")
@pass_cli
def deactivate_command(cli: CliContext, username: str) -> None:
    """USERNAME can no longer sign in: sessions end at once, API tokens stop working."""
    try:
        with cli.transaction() as session:
            sessions.deactivate_user(session, cli.actor, user_by_name(session, username))
    except EngineError as exc:
        fail(exc)
    click.echo(f"{username} deactivated")


@user.command("email")
@click.argument("username")
@click.argument("address", required=False, default="")
@pass_cli
def email_command(cli: CliContext, username: str, address: str) -> None:
    """E-mail USERNAME's notifications to ADDRESS; without ADDRESS, no more e-mail."""
    try:
        with cli.transaction() as session:
            set_email(session, cli.actor, user_by_name(session, username), address)
    except EngineError as exc:
        fail(exc)
    click.echo(f"{username}: notifications e-mailed to {address}" if address.strip()
               else f"{username}: no e-mail")


@click.group()
def org() -> None:
    """Organisation units: their group robots."""


@org.command("webhook")
@click.argument("code")
@click.argument("url", required=False, default="")
@click.option("--signed", is_flag=True,
              help="The robot signs (钉钉 加签): asks for its secret, which is not echoed.")
@pass_cli
def webhook_command(cli: CliContext, code: str, url: str, signed: bool) -> None:
    """Post the notifications of unit CODE's people to the group robot at URL (政务微信 or
    钉钉); without URL, to none."""
    secret = click.prompt("signing secret (SEC...)", hide_input=True) if signed else None
    try:
        with cli.transaction() as session:
            unit = set_webhook(session, cli.actor, org_by_code(session, code), url, secret)
            state = "removed" if not unit.webhook_url else (
                "set, signed" if unit.webhook_secret else "set")
            click.echo(f"{unit.name}: group robot {state}")
    except EngineError as exc:
        fail(exc)


COMMANDS = [user, org]
