"""Input checked where it enters: numbers and dates from the address bar and the API bounded
to what the database and the calendar hold, ids in paths to the database's integers, and
request bodies without NUL bytes or runaway nesting.

Pages fall back to their defaults on junk (an address is often typed or cut short); the API
answers 422 naming the parameter; an id no row can have is a 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

from engine.errors import InvalidInput

DB_INT_MAX = 2**31 - 1  # PostgreSQL's integer, the type of every id
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
MAX_JSON_DEPTH = 32
ID = r"\d{1,9}"  # an id chosen in a form: within the database's integers
REFUSALS = {
    "nul": _l("The request contains a NUL character, which cannot be stored. Remove it and "
              "try again."),
    "nesting": _l("The request's JSON is nested more than %(n)d levels deep.", n=MAX_JSON_DEPTH),
}


class UnreadableInput(BadRequest):
    """A 400 whose reason (`nul`, `nesting`) the error pages put in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(description=reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(REFUSALS[self.reason])


def parse_int(text: str | None, low: int = 1, high: int = DB_INT_MAX) -> int | None:
    """A whole number written in decimal within [low, high], else None."""
    text = (text or "").strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > 12:
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD date between 1900 and 2100, else None."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def arg_int(name: str, default: int | None = None, low: int = 1, high: int = DB_INT_MAX
            ) -> int | None:
    """A number from the query string, or `default` when it is missing or not one in range."""
    number = parse_int(request.args.get(name), low, high)
    return default if number is None else number


def page_arg() -> int:
    """The page asked for; the first page for junk (the list clamps it to its last)."""
    return arg_int("page", 1) or 1


def api_int(value: Any, name: str, low: int = 1, high: int = DB_INT_MAX) -> int | None:
    """An API parameter as a whole number in [low, high] (None when absent); 422 naming it."""
    if value in (None, ""):
        return None
    number = value if isinstance(value, int) and not isinstance(value, bool) else (
        parse_int(value, low, high) if isinstance(value, str) else None)
    if number is None or not low <= number <= high:
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}",
                           fields={name: "not_int"})
    return number


def api_date(name: str) -> date | None:
    """An API query parameter as a date (None when absent); 422 naming it."""
    value = request.args.get(name)
    if not value:
        return None
    day = parse_day(value)
    if day is None:
        raise InvalidInput(f"{name} must be YYYY-MM-DD between 1900 and 2100",
                           fields={name: "not_date"})
    return day


class DatabaseInt(IntegerConverter):
    """`<int:...>` in a route: beyond the database's integers the address matches nothing."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Before any rule is added: the bounded converter; before every request: the checks."""
    app.url_map.converters["int"] = DatabaseInt
    app.before_request(refuse_unreadable_input)


def refuse_unreadable_input() -> None:
    """400 for a NUL byte in the query string, a form or a JSON body (no database stores
    one in text), and for JSON nested deeper than any of our bodies."""
    if _has_nul(request.args.items(multi=True)):
        raise UnreadableInput("nul")
    # Multipart bodies (file uploads) are left to their views, which set their own size
    # limit before the body is read; the names of their files are cleaned where stored.
    if request.mimetype == "application/x-www-form-urlencoded":
        if _has_nul(request.form.items(multi=True)):
            raise UnreadableInput("nul")
    elif request.is_json:
        try:
            body = request.get_json(silent=True)  # cached for the view
        except RecursionError:
            raise UnreadableInput("nesting") from None
        _check_json(body)


def _has_nul(pairs: Iterable[tuple[str, str]]) -> bool:
    return any("\0" in key or "\0" in value for key, value in pairs)


def _check_json(body: Any) -> None:
    """Walk the parsed body without recursion: its depth, and NUL in any key or string."""
    pending = [(body, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str) and "\0" in value:
            raise UnreadableInput("nul")
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise UnreadableInput("nesting")
            if isinstance(value, dict):
                pending.extend((key, depth) for key in value)
                pending.extend((item, depth + 1) for item in value.values())
            else:
                pending.extend((item, depth + 1) for item in value)
