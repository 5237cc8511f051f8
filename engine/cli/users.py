"""CLI commands: user accounts (ending their sign-in sessions, deactivating them)."""

from __future__ import annotations

import click

from engine.cli.context import CliContext, pass_cli
from engine.cli.processes import fail
from engine.errors import EngineError
from engine.org import sessions
from engine.org.users import user_by_name


@click.group()
def user() -> None:
    """User accounts: end their sign-in sessions, deactivate them."""


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


COMMANDS = [user]
