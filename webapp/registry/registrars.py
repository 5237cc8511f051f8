"""Who may use the registrar's pages: officers of the market regulator (AMR) and sysadmins."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import login_required
from sqlalchemy.orm import Session, sessionmaker

from engine.registry.uploads import is_registrar
from webapp import database
from webapp.access import user


def registrar_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in as a registrar; anyone else gets 404, as if the page did not exist."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not is_registrar(database.session(), user()):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def background_sessions() -> sessionmaker[Session]:
    """Sessions for work that outlives the request (its own transactions), on the database
    the request works on (the practice copy's, for a user practising)."""
    return database.sessions()
