"""The department's notices in tabs (to claim with their lights, claimed, returned, closed)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from engine.dual_notice import queries as notice_queries
from engine.dual_notice.queries import TAB_STATES, NoticeFilter
from webapp import database
from webapp.access import user
from webapp.dual_notice.forms import ANY, NoticeFilterForm
from webapp.dual_notice.labels import local_items
from webapp.labels import LIGHT_LABELS
from webapp.params import page_arg, parse_int
from webapp.work.inbox import user_calendar

PER_PAGE = 25
TABS = ("to_claim", "claimed", "returned", "closed", "all")
TAB_LABELS = {"to_claim": _l("To claim"), "claimed": _l("Claimed"), "returned": _l("Returned"),
              "closed": _l("Finished"), "all": _l("All")}
FILTER_KEYS = ("text", "licence_item", "light", "department")


def filter_form() -> NoticeFilterForm:
    form = NoticeFilterForm(request.args)
    choices = notice_queries.routing_choices(database.session(), user().org_unit.area_code)
    form.licence_item.choices = [("", ANY), *local_items(choices.licence_items)]
    form.light.choices = [("", ANY), *((k, LIGHT_LABELS[k]) for k in ("green", "yellow", "red"))]
    form.department.choices = [("", ANY), *((str(i), n) for i, _c, n in choices.departments)]
    return form


def current_filter(form: NoticeFilterForm) -> NoticeFilter:
    if not form.validate():
        return NoticeFilter()
    department = form.department.data
    return NoticeFilter(
        text=form.text.data or None, licence_item=form.licence_item.data or None,
        light=form.light.data if form.light.data in ("green", "yellow", "red") else None,
        department_org_id=parse_int(department))


@login_required
def index() -> ResponseReturnValue:
    tab = request.args.get("tab") if request.args.get("tab") in TAB_STATES else "to_claim"
    form = filter_form()
    page = notice_queries.notice_list(database.session(), user(), user_calendar(), tab,
                                      current_filter(form), page_arg(),
                                      PER_PAGE)
    args: dict[str, Any] = {"tab": tab, **{k: request.args[k] for k in FILTER_KEYS
                                           if request.args.get(k)}}
    return render_template(
        "notices/index.html", page=page, tab=tab, tabs=TABS, tab_labels=TAB_LABELS, form=form,
        args=args, filtered=len(args) > 1,
        claimable=notice_queries.claimable(database.session(), user(), page.rows))
