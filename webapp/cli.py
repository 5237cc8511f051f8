"""The `creditflow` command: the engine's commands plus `serve` and `api-token`."""

from __future__ import annotations

import click

from engine.cli import main, pass_cli
from engine.cli.context import CliContext
from engine.errors import EngineError
from engine.org.tokens import create_token, list_tokens, revoke_token
from webapp.server import PortInUse, run


@main.command()
@click.option("--host", help="Address to listen on (default: the `host` setting).")
@click.option("--port", type=int, help="Port to listen on (default: the `port` setting).")
@click.option("--workers", type=int, default=2, show_default=True, help="gunicorn workers.")
@pass_cli
def serve(cli: CliContext, host: str | None, port: int | None, workers: int) -> None:
    """Run the web app (gunicorn, or waitress where gunicorn cannot run) and the scheduler."""
    try:
        run(cli.settings, host or cli.settings.host, port or cli.settings.port, workers)
    except PortInUse as exc:
        raise click.ClickException(str(exc)) from exc


@main.group("api-token")
def api_token() -> None:
    """API tokens with which other systems call /api/v1 as a given user."""


@api_token.command("create")
@click.argument("name")
@click.option("--user", "username", required=True, help="The account the token acts as.")
@pass_cli
def api_token_create(cli: CliContext, name: str, username: str) -> None:
    """Create a token; it is printed once and only its hash is kept."""
    try:
        with cli.transaction() as session:
            token, secret = create_token(session, cli.actor, name, username)
            click.echo(f"token {token.id} for {username}: {secret}")
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc


@api_token.command("list")
@pass_cli
def api_token_list(cli: CliContext) -> None:
    """List tokens (never their secrets)."""
    with cli.transaction() as session:
        for token in list_tokens(session):
            state = "revoked" if token.revoked_at else "active"
            click.echo(f"{token.id}\t{token.prefix}…\t{token.name}\t{token.user.username}\t{state}")


@api_token.command("revoke")
@click.argument("token_id", type=int)
@pass_cli
def api_token_revoke(cli: CliContext, token_id: int) -> None:
    """Revoke a token at once."""
    try:
        with cli.transaction() as session:
            revoke_token(session, cli.actor, token_id)
        click.echo(f"token {token_id} revoked")
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc


__all__ = ["main"]
