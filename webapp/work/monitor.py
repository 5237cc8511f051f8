"""The supervisors' view: late work by department and area, with reassign and urge (催办)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from engine.work import monitor
from engine.work.casework import assign_targets, permissions
from webapp import database
from webapp.access import MANAGER_ROLES, roles_required, user
from webapp.params import arg_int, page_arg
from webapp.work.inbox import user_calendar
from webapp.work.tasks.forms import AssignForm, UrgeForm

bp = Blueprint("monitor", __name__, url_prefix="/monitor")
PER_PAGE = 25
KIND_LABELS = {"overdue": _l("Overdue"), "due_soon": _l("Due soon")}


@bp.get("/")
@roles_required(*MANAGER_ROLES)
def index() -> ResponseReturnValue:
    kind = request.args.get("kind") if request.args.get("kind") in monitor.KINDS else "overdue"
    department = arg_int("department")
    area = request.args.get("area") or None
    session, calendar = database.session(), user_calendar()
    groups = monitor.monitor_groups(session, user(), calendar)
    page = monitor.monitor_items(session, user(), calendar, kind, department, area,
                                 page_arg(), PER_PAGE)
    actions = {row.item.id: permissions(session, user(), row.item) for row in page.rows}
    assign_forms = {row.item.id: AssignForm().fill(
        *assign_targets(session, user(), row.item)) for row in page.rows
        if actions[row.item.id].assign}
    args = {"kind": kind, **({"department": department} if department else {}),
            **({"area": area} if area else {})}
    return render_template("monitor/index.html", groups=groups, page=page, kind=kind,
                           kinds=monitor.KINDS, kind_labels=KIND_LABELS, actions=actions,
                           assign_forms=assign_forms, urge_form=UrgeForm(), args=args,
                           department=department, area=area)
