"""Template helpers: dates in the platform's zone, lights, the header's unread count."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, g, request
from flask_login import current_user

from engine import clock
from engine.models import Role
from engine.work import notifications
from webapp import database
from webapp.access import MANAGER_ROLES
from webapp.config import settings
from webapp.i18n import LANGUAGE_NAMES, html_lang, local_name, select_locale
from webapp.labels import ACTION_LABELS, LIGHT_LABELS, PRIORITY_LABELS, STATUS_LABELS
from webapp.work.tasks.forms import REASON_LABELS


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        when=when, day=day, masked=masked, local_name=local_name,
        light_label=LIGHT_LABELS.get,
        priority_label=PRIORITY_LABELS.get, status_label=STATUS_LABELS.get,
        action_label=lambda action: ACTION_LABELS.get(action, action),
        reason_label=lambda code: REASON_LABELS.get(str(code), code))
    app.jinja_env.globals.update(LANGUAGE_NAMES=LANGUAGE_NAMES, html_lang=html_lang,
                                 light_labels=LIGHT_LABELS,
                                 current_locale=select_locale)
    app.context_processor(_header)


def when(moment: datetime | None) -> str:
    """A moment as local time in the platform's zone: 2026-03-05 17:30."""
    if moment is None:
        return "—"
    return clock.as_utc(moment).astimezone(_zone()).strftime("%Y-%m-%d %H:%M")


def day(moment: datetime | None) -> str:
    return clock.to_local_date(moment, settings().timezone).isoformat() if moment else "—"


def _zone() -> ZoneInfo:
    return clock.local_zone(settings().timezone)


def masked(phone: str | None) -> str:
    """138****1234: officers see enough to recognise a number, never the whole of it."""
    if not phone:
        return "—"
    return phone[:3] + "*" * max(len(phone) - 7, 0) + phone[-4:] if len(phone) > 7 else "****"


def _header() -> dict[str, Any]:
    if request.path.startswith("/public/") or not current_user \
            or not current_user.is_authenticated:
        return {"unread_count": 0, "is_manager": False, "is_sysadmin": False,
                "is_people_admin": False, "practice": False}
    user = current_user.user
    return {
        "unread_count": g.unread_count if "unread_count" in g
        else notifications.unread_count(database.session(), user),
        "is_manager": user.has_role(*MANAGER_ROLES),
        "is_sysadmin": user.has_role(Role.SYSADMIN),
        "is_people_admin": user.has_role(Role.SYSADMIN, Role.DEPT_ADMIN),
        "practice": database.in_practice(),
    }
