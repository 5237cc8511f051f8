"""The registrar's routing work: the routing-failed pool with manual routing, and the
notices departments returned (re-routed or terminated on the notice page)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine import registry
from engine.dual_notice import queries as notice_queries
from engine.dual_notice import routing
from engine.dual_notice.targets import NOT_A_TARGET, item_targets
from engine.errors import InvalidInput
from webapp import database
from webapp.access import actor, back, user
from webapp.dual_notice.labels import item_name
from webapp.params import page_arg
from webapp.registry.forms import ManualRouteForm, NoNoticeForm
from webapp.registry.registrars import registrar_required
from webapp.work.inbox import user_calendar

PER_PAGE = 25


@registrar_required
def pool() -> ResponseReturnValue:
    session = database.session()
    page = routing.routing_failed_pool(session, user(), page_arg(),
                                       PER_PAGE)
    choices = {area: notice_queries.routing_choices(session, area)
               for area in {entity.area_code for entity in page.rows}}
    forms = {entity.id: ManualRouteForm(formdata=None).fill(
        choices[entity.area_code]) for entity in page.rows}
    return render_template("registry/pool.html", page=page, forms=forms,
                           no_notice_form=NoNoticeForm(formdata=None))


@registrar_required
def route(entity_id: int) -> ResponseReturnValue:
    registry.entity_for_registrar(database.session(), actor(), entity_id)
    form = ManualRouteForm()
    if not form.validate_on_submit():
        flash(_("Choose a licence item and a department."), "error")
        return redirect(back(url_for("registry.pool")))
    try:
        notice = routing.route_manually(database.session(), actor(), entity_id,
                                        form.licence_item.data, int(form.department.data))
    except InvalidInput as exc:
        database.rollback()
        if exc.code == NOT_A_TARGET:
            entity = registry.entity_for_registrar(database.session(), actor(), entity_id)
            licensing = item_targets(database.session(), entity.area_code,
                                     form.licence_item.data)
            flash(_("That department does not license this item in the entity's area. "
                    "It is licensed by: %(units)s.",
                    units="、".join(u.name for u in licensing) or "—"), "error")
        else:
            flash(_("Choose a licence item of the routing table and a department."), "error")
        return redirect(back(url_for("registry.pool")))
    database.commit()
    flash(_("Pushed: %(item)s.", item=item_name(notice.licence_item_name,
                                                notice.licence_item)), "success")
    return redirect(back(url_for("registry.pool")))


@registrar_required
def no_notice(entity_id: int) -> ResponseReturnValue:
    """Close a pool entry as needing no notice (无需告知), with the reason."""
    entity = registry.entity_for_registrar(database.session(), actor(), entity_id)
    form = NoNoticeForm()
    if not form.validate_on_submit():
        flash(_("Say why no notice is needed (at least 2 characters)."), "error")
        return redirect(back(url_for("registry.pool")))
    routing.close_without_notice(database.session(), actor(), entity_id, form.reason.data)
    database.commit()
    flash(_("%(name)s needs no notice: it left the pool.", name=entity.name), "success")
    return redirect(back(url_for("registry.pool")))


@registrar_required
def returned() -> ResponseReturnValue:
    page = notice_queries.returned_notices(database.session(), user(), user_calendar(),
                                           page_arg(), PER_PAGE)
    return render_template("registry/returned.html", page=page)
