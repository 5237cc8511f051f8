"""One database session per request, closed (and rolled back if uncommitted) at the end.

Requests that only read (GET, HEAD) get a session that on SQLite begins deferred,
so page views never queue behind writers nor hold the write lock themselves.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.db import engine_from_settings, read_session_factory, session_factory

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask, settings: Settings) -> None:
    engine = engine_from_settings(settings)
    app.extensions["creditflow.engine"] = engine
    app.extensions["creditflow.sessions"] = session_factory(engine, settings)
    app.extensions["creditflow.read_sessions"] = read_session_factory(engine, settings)
    app.teardown_appcontext(_close)


def session() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        reads = has_request_context() and request.method in READ_METHODS
        kind = "read_sessions" if reads else "sessions"
        g.db = current_app.extensions[f"creditflow.{kind}"]()
    return g.db


def sessions() -> sessionmaker[Session]:
    """For engine functions that own their transactions."""
    return current_app.extensions["creditflow.sessions"]


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
