"""One database session per request, closed (and rolled back if uncommitted) at the end."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine.config import Settings
from engine.db import engine_from_settings, session_factory


def init_app(app: Flask, settings: Settings) -> None:
    engine = engine_from_settings(settings)
    app.extensions["creditflow.engine"] = engine
    app.extensions["creditflow.sessions"] = session_factory(engine, settings)
    app.teardown_appcontext(_close)


def session() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        g.db = current_app.extensions["creditflow.sessions"]()
    return g.db


def commit() -> None:
    session().commit()


def rollback() -> None:
    if "db" in g:
        g.db.rollback()


def engine(app: Flask) -> Engine:
    return app.extensions["creditflow.engine"]


def _close(_exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()
