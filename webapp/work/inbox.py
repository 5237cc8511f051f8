"""The inbox: tabs with counts, filters, paging and saved filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from engine import domains
from engine.calendar import WorkdayCalendar, calendar_for
from engine.work import inbox, saved_filters
from webapp import database
from webapp.access import user
from webapp.config import settings
from webapp.forms import date_text
from webapp.i18n import local_name
from webapp.labels import LIGHT_LABELS
from webapp.landing import landing_url
from webapp.params import page_arg, parse_int

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
PER_PAGE = 25
TAB_LABELS = {"mine": _l("Mine"), "claimable": _l("To claim"), "due_soon": _l("Due soon"),
              "overdue": _l("Overdue"), "done": _l("Done recently")}
FILTER_KEYS = ("process_key", "entity", "due_from", "due_to", "priority")


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    process_key = SelectField(_l("Process"), choices=[], validators=[Optional()],
                          validate_choice=False)
    entity = StringField(_l("Entity name or USCC"), validators=[Optional(), Length(max=100)])
    due_from = StringField(_l("Due from"), validators=[Optional(), date_text],
                           render_kw={"type": "date"})
    due_to = StringField(_l("Due until"), validators=[Optional(), date_text],
                         render_kw={"type": "date"})
    priority = SelectField(_l("Priority"), validators=[Optional()], validate_choice=False,
                           choices=[("", _l("Any")), ("1", _l("High")), ("2", _l("Normal")),
                                    ("3", _l("Low"))])


class SaveFilterForm(FlaskForm):
    name = StringField(_l("Name of the filter"), validators=[Length(min=1, max=60)])


@login_required
def home() -> ResponseReturnValue:
    return redirect(landing_url(user()))


def user_calendar() -> WorkdayCalendar:
    return calendar_for(database.session(), settings(), user().org_unit.area_code)


def current_filter(form: FilterForm) -> inbox.InboxFilter:
    if not form.validate():
        return inbox.InboxFilter()
    return inbox.InboxFilter(
        process_key=form.process_key.data or None, entity=form.entity.data or None,
        due_from=date.fromisoformat(form.due_from.data) if form.due_from.data else None,
        due_to=date.fromisoformat(form.due_to.data) if form.due_to.data else None,
        priority=parse_int(form.priority.data, 0))


def row_labels() -> dict[str, Any]:
    """The words of every row, translated once per page rather than once per row."""
    return {"lights": {k: str(v) for k, v in LIGHT_LABELS.items()}, "high": _("High"),
            "due": _("Due"), "held_by": _("Held by"), "nobody": _("nobody yet"),
            "shared_by": _("Shared with you, held by"),
            "no_entity": _("No entity"), "age": _("Age: %(n)d working days")}


def query_args(tab: str) -> dict[str, Any]:
    return {"tab": tab, **{k: request.args[k] for k in FILTER_KEYS if request.args.get(k)}}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    asked = request.args.get("tab")
    form = FilterForm(request.args)
    form.process_key.choices = [("", _("Any")), *((key, local_name(name)) for key, name in
                                                 inbox.process_choices(database.session()))]
    # No tab asked for: the first one with work in it.
    page = inbox.load_inbox(database.session(), user(), asked if asked in inbox.TABS else None,
                            user_calendar(), current_filter(form), page_arg(), PER_PAGE)
    g.unread_count = page.unread  # the header's badge, read with the counts
    tab = page.tab
    names = domains.case_names(database.session(),
                               [row.item for row in page.rows if not row.entity_name])
    return render_template("inbox/index.html", page=page, tab=tab, tabs=inbox.TABS,
                           case_names=names,
                           tab_labels=TAB_LABELS, form=form, args=query_args(tab),
                           filtered=any(request.args.get(k) for k in FILTER_KEYS),
                           saved=saved_filters.saved_filters(database.session(), user()),
                           save_form=SaveFilterForm(), labels=row_labels(), me=user().id,
                           task_url=_task_url_prefix())


def _task_url_prefix() -> str:
    """A task's address without its id: each row appends its own (a url_for per row took
    a fifth of the row's time)."""
    address = url_for("tasks.show", item_id=0)
    if not address.endswith("/0"):
        raise ValueError("a task's address no longer ends with its id")
    return address[:-1]


@bp.post("/filters")
@login_required
def save_filter() -> ResponseReturnValue:
    form = SaveFilterForm()
    tab = request.form.get("tab") if request.form.get("tab") in inbox.TABS else "mine"
    params = {k: request.form.get(k, "") for k in FILTER_KEYS}
    if form.validate_on_submit():
        saved_filters.save_filter(database.session(), user(), form.name.data, tab, params)
        database.commit()
    return redirect(url_for("inbox.index", tab=tab, **{k: v for k, v in params.items() if v}))


@bp.post("/filters/<int:filter_id>/delete")
@login_required
def delete_filter(filter_id: int) -> ResponseReturnValue:
    if FlaskForm().validate_on_submit():
        saved_filters.delete_filter(database.session(), user(), filter_id)
        database.commit()
    return redirect(url_for("inbox.index"))
