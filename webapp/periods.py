"""The period a figures page covers: `from` and `to` in the address (YYYY-MM-DD), this year
up to today by default, swapped when given the wrong way round."""

from __future__ import annotations

from datetime import date

from flask import request

from webapp.params import parse_day
from webapp.work.inbox import user_calendar


def period() -> tuple[date, date]:
    today = user_calendar().today()
    start = parse_day(request.args.get("from")) or today.replace(month=1, day=1)
    end = parse_day(request.args.get("to")) or today
    return (start, end) if start <= end else (end, start)
