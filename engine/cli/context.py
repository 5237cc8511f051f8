"""What every CLI command shares: settings, a database and the CLI's actor."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.audit import Actor
from engine.config import Settings, load_settings
from engine.db import engine_from_settings, session_factory, transaction


class CliContext:
    def __init__(self, config: str | None = None) -> None:
        self.settings: Settings = load_settings(Path(config) if config else None)

    @cached_property
    def engine(self) -> Engine:
        return engine_from_settings(self.settings)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine, self.settings)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with transaction(self.sessions) as session:
            yield session

    @property
    def actor(self) -> Actor:
        try:
            user = getpass.getuser()
        except OSError:
            user = "unknown"
        return Actor(f"cli:{user}", "cli")


pass_cli = click.make_pass_decorator(CliContext)
