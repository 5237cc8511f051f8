"""CLI commands: calendar (the working-day calendar: seed, import, compute, inspect)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from engine import calendar as workday_calendar
from engine import clock
from engine.calendar import importer as calendar_import
from engine.cli.context import CliContext, pass_cli
from engine.errors import InvalidInput

AREA_HELP = "Area code (default: the configured default area; * for the national arrangement)."


@click.group()
def calendar() -> None:
    """The working-day calendar: seed, import, compute, inspect."""


@calendar.command()
@pass_cli
def seed(cli: CliContext) -> None:
    """Store the chinese-calendar package's arrangements as rows (optional, for editing).

    Computations already use the package for every year the table has not loaded.
    """
    with cli.transaction() as session:
        written = workday_calendar.seed_from_chinese_calendar(session, cli.actor)
    click.echo(f"{written} day(s) written" if written else "already up to date")


@calendar.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--area", "area_code", default=workday_calendar.NATIONAL, show_default=True,
              help="Area code whose days FILE holds; * for the national arrangement.")
@pass_cli
def import_file(cli: CliContext, file: Path, area_code: str) -> None:
    """Replace the days of the years FILE covers (CSV or JSON); exit 1 if any row is bad."""
    try:
        with cli.transaction() as session:
            result = calendar_import.import_arrangement(session, cli.actor, file, area_code)
    except InvalidInput as exc:
        click.echo(exc.message, err=True)
        fields = exc.details.get("fields")
        for where, reason in fields.items() if isinstance(fields, dict) else ():
            click.echo(f"  {where}: {reason}", err=True)
        raise SystemExit(1) from None
    years = ", ".join(str(year) for year in result.years)
    click.echo(f"area {result.area_code}, {years}: {result.stored} day(s) stored, "
               f"{result.replaced} replaced, {result.redundant} same as the weekend rule")


@calendar.command("add-workdays", context_settings={"ignore_unknown_options": True})
@click.argument("start", metavar="DATE", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("n", type=int)
@click.option("--area", "area_code", default=None, help=AREA_HELP)
@pass_cli
def add_workdays(cli: CliContext, start: datetime, n: int, area_code: str | None) -> None:
    """Print the N-th working day after DATE (N may be negative)."""
    with cli.transaction() as session:
        days = workday_calendar.calendar_for(session, cli.settings, area_code)
        result = days.add_workdays(start.date(), n)
    for year in days.warnings:
        click.echo(f"warning: no national arrangement for {year} in the table or the "
                   "chinese-calendar package; counted weekends and fixed-date holidays only",
                   err=True)
    click.echo(result.isoformat())


@calendar.command("warnings")
@pass_cli
def list_warnings(cli: CliContext) -> None:
    """List the years that computations reached without an arrangement, per area."""
    with cli.transaction() as session:
        warnings = workday_calendar.recorded_warnings(session)
    zone = clock.local_zone(cli.settings.timezone)
    for warning in warnings:
        first, last = (clock.as_utc(at).astimezone(zone).strftime("%Y-%m-%d %H:%M")
                       for at in (warning.first_seen, warning.last_seen))
        click.echo(f"{warning.area_code}\t{warning.year}\t{warning.count} time(s), "
                   f"{first} to {last}\t{warning.message}")
    if not warnings:
        click.echo("no warnings")


@calendar.command()
@click.argument("year", type=click.IntRange(1900, 2999))
@click.option("--area", "area_code", default=None, help=AREA_HELP)
@pass_cli
def show(cli: CliContext, year: int, area_code: str | None) -> None:
    """List YEAR's days that differ from the weekend rule, as the area sees them."""
    with cli.transaction() as session:
        area_code = area_code or cli.settings.default_area
        days = workday_calendar.days_of_year(session, year, area_code)
        loaded = workday_calendar.calendar_for(session, cli.settings,
                                               area_code).has_arrangement(year)
    if not loaded:
        click.echo(f"warning: no national arrangement for {year} in the table or the "
                   "chinese-calendar package", err=True)
    for day in days:
        kind = "workday" if day.is_workday else "holiday"
        click.echo(f"{day.day.isoformat()} {day.day:%a}\t{kind}\t{day.area_code}\t{day.note or ''}")


COMMANDS = [calendar]
