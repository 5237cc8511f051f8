"""CLI commands: deploy diagrams, start cases, work on tasks, steer instances."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import runtime
from engine.audit import Actor
from engine.cli.context import CliContext, pass_cli
from engine.errors import DeploymentError, EngineError, IncidentError
from engine.models import ProcessInstance, User, WorkItem, WorkItemStatus
from engine.org.units import org_by_code
from engine.runtime import events
from engine.runtime.deploy import deploy_all
from engine.runtime.incidents import report_failure
from engine.tasks import complete_task


def fail(exc: EngineError, cli: CliContext | None = None) -> None:
    if isinstance(exc, IncidentError) and cli is not None:
        incident = report_failure(cli.sessions, exc)
        if incident is not None:
            click.echo(f"recorded as incident {incident.id}", err=True)
    if isinstance(exc, DeploymentError):
        for problem in exc.problems:
            click.echo(f"refused: {problem}", err=True)
    else:
        what = exc.kind if exc.code == exc.kind else f"{exc.kind}: {exc.code}"
        click.echo(f"error ({what}): {exc.message}", err=True)
        fields = exc.details.get("fields")
        for name, reason in fields.items() if isinstance(fields, dict) else ():
            click.echo(f"  {name}: {reason}", err=True)
    raise SystemExit(1)


def as_user(cli: CliContext, username: str) -> Actor:
    with cli.transaction() as session:
        user = session.execute(select(User).where(User.username == username)).scalar()
        if user is None:
            raise click.BadParameter(f"no user {username!r}", param_hint="--as")
        return Actor(username, "cli", user.id)


def parse_data(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--data") from exc
    if not isinstance(data, dict):
        raise click.BadParameter("must be a JSON object", param_hint="--data")
    return data


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@pass_cli
def deploy(cli: CliContext, files: tuple[str, ...]) -> None:
    """Deploy BPMN files (with their DMN tables) as the next version of each top-level
    executable process they hold; a call activity finds its process among the files or
    among the deployed processes (the new version carries that process's latest version)."""
    try:
        with cli.transaction() as session:
            deployed = deploy_all(session, cli.actor,
                                  [(Path(f).name, Path(f).read_bytes()) for f in files])
            for definition, created in deployed:
                state = "deployed" if created else "unchanged"
                calls = "".join(f", calls {key} version {version}"
                                for key, version in sorted(definition.calls.items()))
                click.echo(f"{state}: {definition.key} version {definition.version} "
                           f"({definition.sha256[:12]}{calls})")
    except EngineError as exc:
        fail(exc)


@click.command()
@click.argument("key")
@click.option("--data", help="Start data as a JSON object.")
@click.option("--business-key")
@click.option("--area", help="Area code of the case (its working-day calendar).")
@click.option("--version", type=int, help="A given version instead of the latest.")
@pass_cli
def start(cli: CliContext, key: str, data: str | None, business_key: str | None,
          area: str | None, version: int | None) -> None:
    """Start an instance of a deployed process."""
    try:
        with cli.transaction() as session:
            row = runtime.start_process(session, cli.actor, key, data=parse_data(data),
                                        business_key=business_key, area_code=area,
                                        version=version)
            click.echo(f"started instance {row.id} ({row.status.value})")
    except EngineError as exc:
        fail(exc, cli)


@click.command()
@click.option("--status")
@click.option("--limit", default=50, show_default=True)
@pass_cli
def instances(cli: CliContext, status: str | None, limit: int) -> None:
    """List process instances, newest first."""
    with cli.transaction() as session:
        query = select(ProcessInstance).order_by(ProcessInstance.id.desc()).limit(limit)
        if status:
            query = query.where(ProcessInstance.status == status)
        for row in session.execute(query).scalars():
            click.echo(f"{row.id}\t{row.definition.key} v{row.definition.version}\t"
                       f"{row.status.value}\t{row.business_key or ''}\t"
                       f"{row.updated_at:%Y-%m-%d %H:%M}")


@click.command()
@click.option("--open/--all", "only_open", default=True, show_default=True)
@click.option("--limit", default=50, show_default=True)
@pass_cli
def tasks(cli: CliContext, only_open: bool, limit: int) -> None:
    """List work items by due date."""
    with cli.transaction() as session:
        query = select(WorkItem).order_by(WorkItem.due_at, WorkItem.id).limit(limit)
        if only_open:
            query = query.where(WorkItem.status == WorkItemStatus.OPEN)
        for item in session.execute(query).scalars():
            due = f"{item.due_at:%Y-%m-%d}" if item.due_at else "-"
            click.echo(f"{item.id}\tinstance {item.instance_id}\t{item.title}\t"
                       f"{item.status.value}\tdue {due}\tholder {item.assignee_id or '-'}")


def _task_command(name: str, help_text: str) -> click.Command:
    @click.command(name=name, help=help_text)
    @click.argument("item_id", type=int)
    @click.option("--as", "username", required=True, help="Act as this user.")
    @click.option("--data", help="Form data as a JSON object (complete).")
    @click.option("--to-user", help="Username to assign to (assign).")
    @click.option("--to-unit", help="Org unit code to assign to (assign).")
    @pass_cli
    def command(cli: CliContext, item_id: int, username: str, data: str | None,
                to_user: str | None, to_unit: str | None) -> None:
        actor = as_user(cli, username)
        try:
            with cli.transaction() as session:
                note = _dispatch(session, name, actor, item_id, parse_data(data), to_user,
                                 to_unit)
            click.echo(f"{name}: work item {item_id} done{note}")
        except EngineError as exc:
            fail(exc, cli)

    return command


def _dispatch(session: Session, name: str, actor: Actor, item_id: int, data: dict[str, Any],
              to_user: str | None, to_unit: str | None) -> str:
    """Take the step; what the user should know besides "done"."""
    if name == "claim":
        runtime.claim(session, actor, item_id)
    elif name == "release":
        runtime.release(session, actor, item_id)
    elif name == "complete":
        # As the web and the API do: the form's checks, the domain's service, and an
        # unheld task claimed on the way (said, and recorded as such).
        unheld = runtime.get_work_item(session, actor, item_id).assignee_id is None
        complete_task(session, actor, item_id, data)
        return " (claimed on completion)" if unheld else ""
    else:
        user_id = org_id = None
        if to_user:
            target = session.execute(select(User).where(User.username == to_user)).scalar()
            if target is None:
                raise click.BadParameter(f"no user {to_user!r}", param_hint="--to-user")
            user_id = target.id
        if to_unit:
            org_id = org_by_code(session, to_unit).id
        runtime.assign(session, actor, item_id, user_id=user_id, org_unit_id=org_id)
    return ""


def _lifecycle_command(name: str) -> click.Command:
    @click.command(name=name, help=f"{name.capitalize()} a process instance.")
    @click.argument("instance_id", type=int)
    @click.option("--reason", default="", help="Why (kept in the audit trail).")
    @pass_cli
    def command(cli: CliContext, instance_id: int, reason: str) -> None:
        try:
            with cli.transaction() as session:
                row = getattr(runtime, name)(session, cli.actor, instance_id, reason)
                click.echo(f"instance {instance_id}: {row.status.value}")
        except EngineError as exc:
            fail(exc)

    return command


def _send_command(kind: str) -> click.Command:
    @click.command(name=kind, help=f"Send a {kind} to the cases waiting for it "
                   "(see engine.runtime.events for who receives it).")
    @click.argument("name")
    @click.option("--data", help="The payload as a JSON object (task data of the catch).")
    @click.option("--instance", "instance_id", type=int, help="Only this instance.")
    @click.option("--business-key", help="Only the instance(s) with this business key.")
    @pass_cli
    def command(cli: CliContext, name: str, data: str | None, instance_id: int | None,
                business_key: str | None) -> None:
        send = events.send_signal if kind == "signal" else events.send_message
        try:
            with cli.transaction() as session:
                delivery = send(session, cli.actor, name, payload=parse_data(data),
                                instance_id=instance_id, business_key=business_key)
        except EngineError as exc:
            fail(exc, cli)
        if not delivery.caught:
            click.echo(f"no case was waiting for the {kind} {name!r}")
        for instance in delivery.delivered:
            click.echo(f"delivered to instance {instance}")
        for instance in delivery.started:
            click.echo(f"started instance {instance}")

    return command


@click.group()
def send() -> None:
    """Send a message or a signal to cases."""


send.add_command(_send_command("message"))
send.add_command(_send_command("signal"))

COMMANDS = [deploy, start, instances, tasks, send,
            *(_task_command(n, h) for n, h in (
                ("claim", "Claim a work item."), ("release", "Release a held work item."),
                ("assign", "Assign a work item to a user or a unit."),
                ("complete", "Complete a work item with form data."))),
            *(_lifecycle_command(n) for n in ("suspend", "resume", "terminate"))]
