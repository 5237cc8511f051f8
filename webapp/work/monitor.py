"""The supervisors' view: late work by department and area, with reassign and urge (催办)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import domains
from engine.work import monitor
from engine.work.targets import reassign_choices
from webapp import database
from webapp.access import MANAGER_ROLES, roles_required, user
from webapp.params import arg_int, page_arg
from webapp.work.inbox import user_calendar
from webapp.work.tasks.forms import UrgeForm

bp = Blueprint("monitor", __name__, url_prefix="/monitor")
# A page holds each row's reassign choices (a market regulator's run to 30 or more), and
# stays under 60 KB on a phone with 15 rows of them.
PER_PAGE = 15
TOP_DEPARTMENTS = 12
KIND_LABELS = {"overdue": _l("Overdue"), "due_soon": _l("Due soon")}


@bp.get("/")
@roles_required(*MANAGER_ROLES)
def index() -> ResponseReturnValue:
    kind = request.args.get("kind") if request.args.get("kind") in monitor.KINDS else "overdue"
    department, area = arg_int("department"), request.args.get("area") or None
    session, calendar = database.session(), user_calendar()
    totals = monitor.monitor_totals(session, user(), calendar)
    page = monitor.monitor_page(session, user(), calendar, kind, department, area,
                                page_arg(), PER_PAGE, describe=domains.case_subjects,
                                totals=totals)
    choices = reassign_choices(session, user(), [row.item for row in page.rows if row.manages],
                               page.placed)
    departments = [g for g in totals.departments if not area or g.area_code == area]
    shown = departments if area else departments[:TOP_DEPARTMENTS]
    args = {"kind": kind, **({"department": department} if department else {}),
            **({"area": area} if area else {})}
    return render_template(
        "monitor/index.html", totals=totals, departments=shown,
        more_departments=len(departments) - len(shown), page=page, kind=kind,
        kinds=monitor.KINDS, kind_labels=KIND_LABELS, choices=choices, urge_form=UrgeForm(),
        args=args, department=department, area=area,
        case_names=domains.case_names(session, [r.item for r in page.rows if not r.entity_name]),
        focus=_focus(totals, department, area), chart=_chart(totals, shown, kind),
        patterns=_patterns())


def _patterns() -> dict[str, str]:
    """Sentences the rows fill in, translated once a page (Jinja's _() would format them)."""
    return {"held": _("Held by %(name)s"), "unclaimed": _("Unclaimed, unit %(unit)s"),
            "late": _("%(num)d working days overdue"), "due": _("Due in %(num)d working days")}


def _focus(totals: monitor.MonitorTotals, department: int | None, area: str | None) -> str:
    """The name of what the list is narrowed to, if anything."""
    names = [g.department_name for g in totals.departments if g.department_id == department]
    names += [a.area_name for a in totals.areas if a.area_code == area and not names]
    return names[0] if names else ""


def _chart(totals: monitor.MonitorTotals, departments: list[monitor.MonitorGroup],
           kind: str) -> dict[str, Any]:
    """What the charts draw (the tables show the same numbers); each bar links to its list."""
    return {
        "labels": {name: str(label) for name, label in KIND_LABELS.items()},
        "areas": _series([(a.area_name, a.overdue, a.due_soon, url_for(
            "monitor.index", kind=kind, area=a.area_code)) for a in totals.areas]),
        "departments": _series([(g.department_name, g.overdue, g.due_soon, url_for(
            "monitor.index", kind=kind, department=g.department_id)) for g in departments]),
    }


def _series(bars: list[tuple[str, int, int, str]]) -> dict[str, list[Any]]:
    names, overdue, due_soon, links = (list(column) for column in zip(*bars, strict=True)) \
        if bars else ([], [], [], [])
    return {"names": names, "overdue": overdue, "due_soon": due_soon, "links": links}
