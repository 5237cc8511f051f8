"""CLI commands: registry (import registration files of the market regulator)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from engine import domains
from engine.cli.context import CliContext, pass_cli
from engine.registry import import_file

STAGES = {"checking": "checking rows", "importing": "importing"}


@click.group()
def registry() -> None:
    """The market-entity registry: import registration files."""


@registry.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 20000),
              help="Rows per transaction.")
@pass_cli
def import_command(cli: CliContext, file: Path, dry_run: bool, batch_size: int) -> None:
    """Import FILE (CSV in UTF-8 or GBK, or XLSX): every bad row is listed, the valid ones
    are upserted by USCC, and new entities and changed business scopes are routed.

    Required columns: 统一社会信用代码, 企业名称 (名称), the area (行政区划代码, 所属区域 or
    区域代码; a code or a name such as 隆阳区), 经营范围, 成立日期; English aliases (uscc,
    name, area_code, business_scope, established_on, ...) work too. Exit 1 when the file
    cannot be read at all; bad rows alone do not fail the command.
    """
    actor = cli.actor
    on_batch = None if dry_run else domains.on_registrations(actor)
    if on_batch is None and not dry_run:
        click.echo("routing is not available: no domain reacts to registrations, "
                   "no notices will be started", err=True)
    with _ProgressBars() as bars:
        report = import_file(cli.sessions, actor, file, dry_run=dry_run, batch_size=batch_size,
                             progress=bars.update, on_batch=on_batch)
    if report.file_error:
        click.echo(f"error: {file.name}: {report.file_error}", err=True)
        raise SystemExit(1)
    for problem in report.problems:
        click.echo(f"row {problem.row}, {problem.column}: {problem.reason}")
    if dry_run:
        click.echo("dry run: nothing was written", err=True)
    click.echo(report.summary_line())


class _ProgressBars:
    """One click progress bar per stage of an import, on stderr."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.bar: Any = None
        self.shown = 0

    def __enter__(self) -> _ProgressBars:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._close()

    def update(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage:
            self._close()
            self.stage, self.shown = stage, 0
            self.bar = click.progressbar(length=max(total or 0, done, 1), show_pos=True,
                                         label=STAGES.get(stage, stage),
                                         file=sys.stderr)
            self.bar.__enter__()
        if done > self.shown:
            self.bar.update(done - self.shown)
            self.shown = done

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


COMMANDS = [registry]
