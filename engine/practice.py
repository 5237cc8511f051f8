"""The practice copy (练习版): a separate database where every department trains before the
real rollout. A reset makes it anew: the schema, then the real database's organisation,
people, calendar, deployed diagrams and decision tables copied over, then generated
entities and cases (the demo seed). Nothing in it reaches the real database, and nothing
in it is sent: its settings have no e-mail or webhook, and no scheduler delivers from it
(the scheduler fires its timers and deadlines, `practice_sessions`, never its outbox).

SQLite: a database file of its own; PostgreSQL: a schema of its own on the same server.
Its var folder (uploads, audit key and checkpoints) is a sub-folder of the real one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, clock, migrate
from engine.config import Settings
from engine.db import is_sqlite, make_engine, session_factory
from engine.models import MarketEntity, ProcessInstance
from engine.seed.seeders import seed_demo

SCHEMA = "creditflow_practice"
FOLDER = "practice"
# What the practice copy takes from the real database, parents before children.
COPIED = ("org_unit", "user_account", "user_role", "calendar_year", "calendar_day",
          "calendar_warning", "process_definition", "decision_table", "disclosure_setting")


@dataclass(frozen=True)
class PracticeState:
    reset_at: datetime
    reset_by: str
    entities: int
    cases: int


def practice_settings(settings: Settings) -> Settings:
    """The settings of the practice copy: its own database and var folder, nothing sent."""
    var_dir = settings.var_dir / FOLDER
    url = settings.database_url
    if url and is_sqlite(url):
        database = make_url(url).database or "creditflow.db"
        path = Path(database)
        name = f"{path.stem}-practice{path.suffix or '.db'}"
        url = f"sqlite:///{path.with_name(name)}"
    elif url:
        parsed = make_url(url)
        url = parsed.update_query_dict({"options": f"-csearch_path={practice_schema(url)}"}
                                       ).render_as_string(hide_password=False)
    return settings.replace(var_dir=var_dir, database_url=url, smtp_host="", webhook_url="")


def practice_schema(url: str) -> str:
    """The PostgreSQL schema of the practice copy: beside the real one's, when the real
    database names its own schema (search_path in the URL's options)."""
    options = make_url(url).query.get("options") or ""
    found = re.search(r"search_path=([A-Za-z0-9_]+)", str(options))
    return f"{found.group(1)}_practice" if found else SCHEMA


def practice_engine(settings: Settings) -> Engine:
    practice = practice_settings(settings)
    practice.var_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(practice.effective_database_url)


@contextmanager
def practice_sessions(settings: Settings) -> Iterator[sessionmaker[Session] | None]:
    """Sessions of the practice copy with its own settings (nothing sent), for the
    scheduler's sweeps; None while there is no copy or one is being made anew. The engine
    lives for the sweep only: a reset replaces the database under it."""
    if practice_state(settings) is None or resetting(settings):
        yield None
        return
    engine = practice_engine(settings)
    try:
        yield session_factory(engine, practice_settings(settings))
    finally:
        engine.dispose()


def mark_resetting(settings: Settings) -> bool:
    """Say a reset has begun (False: one is running already); the reset clears it."""
    practice = practice_settings(settings)
    practice.var_dir.mkdir(parents=True, exist_ok=True)
    try:
        with (practice.var_dir / "resetting").open("x", encoding="utf-8") as marker:
            marker.write(clock.now().isoformat())
    except FileExistsError:
        return False
    return True


def resetting(settings: Settings) -> bool:
    return (practice_settings(settings).var_dir / "resetting").exists()


def reset_practice(settings: Settings, actor: audit.Actor) -> PracticeState:
    """Make the practice copy anew from the real database (what was practised is gone)."""
    practice = practice_settings(settings)
    practice.var_dir.mkdir(parents=True, exist_ok=True)
    try:
        return _reset(settings, practice, actor)
    finally:
        (practice.var_dir / "resetting").unlink(missing_ok=True)


def _reset(settings: Settings, practice: Settings, actor: audit.Actor) -> PracticeState:
    _empty(settings, practice)
    migrate.upgrade(practice.effective_database_url)
    real = make_engine(settings.effective_database_url)
    target = make_engine(practice.effective_database_url)
    try:
        _copy(real, target)
        with session_factory(target, practice)() as session:
            seed_demo(session, actor, users=False)
            audit.record(session, actor, "practice.reset", "practice", "copy")
            state = PracticeState(
                clock.now(), actor.name,
                session.execute(select(func.count(MarketEntity.id))).scalar_one(),
                session.execute(select(func.count(ProcessInstance.id))).scalar_one())
            session.commit()
    finally:
        real.dispose()
        target.dispose()
    (practice.var_dir / "reset.json").write_text(json.dumps({
        "reset_at": state.reset_at.isoformat(), "reset_by": state.reset_by,
        "entities": state.entities, "cases": state.cases}), encoding="utf-8")
    return state


def practice_state(settings: Settings) -> PracticeState | None:
    """When the practice copy was last made, by whom, with how much; None: never."""
    marker = practice_settings(settings).var_dir / "reset.json"
    if not marker.exists():
        return None
    data = json.loads(marker.read_text(encoding="utf-8"))
    return PracticeState(datetime.fromisoformat(data["reset_at"]), data["reset_by"],
                         data["entities"], data["cases"])


def _empty(settings: Settings, practice: Settings) -> None:
    url = practice.effective_database_url
    if is_sqlite(url):
        database = make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        return
    server = make_engine(settings.effective_database_url)
    try:
        with server.begin() as connection:
            schema = practice_schema(settings.effective_database_url)
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        server.dispose()


def _copy(real: Engine, target: Engine) -> None:
    source_tables = MetaData()
    with real.connect() as source, target.begin() as sink:
        for name in COPIED:
            table = Table(name, source_tables, autoload_with=source)
            order = (func.length(table.c.path), table.c.id) if name == "org_unit" else \
                tuple(table.primary_key.columns)
            rows = [dict(r._mapping) for r in source.execute(select(table).order_by(*order))]
            if rows:
                sink.execute(insert(table), rows)
            if sink.dialect.name == "postgresql" and "id" in table.c and rows:
                sink.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"))
