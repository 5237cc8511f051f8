"""The supervision directory (监管对象名录库) of the user's departments, filterable."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.dual_notice import directory as supervision
from engine.dual_notice import queries as notice_queries
from engine.org.areas import areas
from webapp import database
from webapp.access import user
from webapp.dual_notice.forms import ANY, DirectoryFilterForm, day_of
from webapp.dual_notice.labels import local_items
from webapp.params import page_arg, parse_int

PER_PAGE = 50
FILTER_KEYS = ("text", "department", "licence_item", "area", "joined_from", "joined_to",
               "inactive")


def filter_form() -> DirectoryFilterForm:
    session = database.session()
    form = DirectoryFilterForm(request.args)
    form.department.choices = [("", ANY), *(
        (str(i), n) for i, n in supervision.directory_departments(session, user()))]
    items = notice_queries.routing_choices(session, user().org_unit.area_code).licence_items
    form.licence_item.choices = [("", ANY), *local_items(items)]
    form.area.choices = [("", ANY), *areas(database.session())]
    return form


def current_filter(form: DirectoryFilterForm) -> supervision.DirectoryFilter:
    if not form.validate():
        return supervision.DirectoryFilter()
    department = form.department.data or ""
    return supervision.DirectoryFilter(
        department_org_id=parse_int(department),
        text=form.text.data or None, licence_item=form.licence_item.data or None,
        area_code=form.area.data or None, joined_from=day_of(form.joined_from.data),
        joined_to=day_of(form.joined_to.data), include_inactive=bool(form.inactive.data))


@login_required
def index() -> ResponseReturnValue:
    form = filter_form()
    page = supervision.directory(database.session(), user(), current_filter(form),
                                 page_arg(), PER_PAGE)
    args = {k: request.args[k] for k in FILTER_KEYS if request.args.get(k)}
    return render_template("notices/directory.html", page=page, form=form, args=args,
                           filtered=bool(args))
