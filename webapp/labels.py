"""Labels of the values the pages show: deadline lights, priorities, statuses, actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LIGHT_LABELS = {"green": _l("On time"), "yellow": _l("Due soon"), "red": _l("Overdue"),
                "none": _l("No deadline")}
PRIORITY_LABELS = {1: _l("High"), 2: _l("Normal"), 3: _l("Low")}
STATUS_LABELS = {"open": _l("Open"), "completed": _l("Completed"), "cancelled": _l("Cancelled")}
ACTION_LABELS = {
    "process.start": _l("started the case"),
    "process.suspend": _l("suspended the case"),
    "process.resume": _l("resumed the case"),
    "process.terminate": _l("terminated the case"),
    "task.claim": _l("claimed"),
    "task.release": _l("released"),
    "task.assign": _l("handed over"),
    "task.complete": _l("completed"),
    "task.return": _l("returned"),
    "task.urge": _l("urged (催办)"),
    "timer.fire": _l("a deadline passed"),
    "comment.add": _l("commented"),
    "attachment.add": _l("added a file"),
    "incident.raise": _l("the process failed"),
    "incident.retry": _l("retried the failed process"),
}
