"""An annual plan's page and its actions: the department drafts and files it, the level
above approves it or returns it with a reason (its inbox task opens here), the department
revises and refiles a returned plan. The plan's state is its case's (spot_check_plan)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine import spot_check
from engine.errors import Conflict, InvalidInput
from engine.models import OrgUnit, PlanState
from engine.org import scope
from engine.work.inbox import deadline_light
from webapp import database
from webapp.access import actor, user
from webapp.errors import message_for
from webapp.forms import add_engine_errors
from webapp.prg import recall, send_back
from webapp.spot_check.forms import ActionForm, DecideForm, PlanForm, ReviseForm
from webapp.spot_check.lists import organiser
from webapp.work.inbox import user_calendar


@login_required
def plan(plan_id: int) -> ResponseReturnValue:
    session, viewer = database.session(), user()
    row = spot_check.get_plan(session, plan_id)
    department = session.get_one(OrgUnit, row.org_unit_id)
    above = spot_check.level_above(session, department)
    own = scope.department_of(session, viewer)
    steps = spot_check.plan_steps(session, row)
    calendar = user_calendar()
    revise = recall(ReviseForm, f"spot_check:plan:{row.id}:revise") or ReviseForm(
        title=row.title)
    return render_template(
        "spot_check/plan.html", plan=row, department=department, above=above, steps=steps,
        lights={i.id: deadline_light(i, calendar) for i in steps},
        own_plan=organiser(viewer) and own is not None and own.id == row.org_unit_id,
        may_decide=row.id in spot_check.plans_to_decide(session, actor()),
        decide=recall(DecideForm, f"spot_check:plan:{row.id}:decide") or DecideForm(),
        revise=revise, action=ActionForm())


@login_required
def create_plan() -> ResponseReturnValue:
    if not organiser(user()):
        abort(404)
    form, here = PlanForm(), url_for("spot_check.index")
    if form.validate_on_submit():
        try:
            row = spot_check.create_plan(database.session(), actor(), form.year.data,
                                         form.title.data)
        except InvalidInput as exc:
            database.rollback()
            add_engine_errors(form, exc.details.get("fields") or {})  # type: ignore[arg-type]
        else:
            database.commit()
            flash(_("Plan created."), "success")
            return redirect(url_for("spot_check.plan", plan_id=row.id))
    return send_back(form, "spot_check:plan", here) or redirect(here)


@login_required
def file_plan(plan_id: int) -> ResponseReturnValue:
    """File a draft plan, or refile a returned one with its revised title."""
    if not organiser(user()):
        abort(404)
    here = url_for("spot_check.plan", plan_id=plan_id)
    session = database.session()
    returned = spot_check.get_plan(session, plan_id).state == PlanState.RETURNED
    form = ReviseForm() if returned else ActionForm()
    if not form.validate_on_submit():
        return send_back(form, f"spot_check:plan:{plan_id}:revise", here) or redirect(here)
    try:
        spot_check.file_plan(session, actor(), plan_id,
                             form.title.data if isinstance(form, ReviseForm) else None)
    except Conflict as exc:
        database.rollback()
        flash(message_for(exc), "error")
        return redirect(here)
    database.commit()
    flash(_("Plan filed with the level above."), "success")
    return redirect(here)


@login_required
def decide_plan(plan_id: int) -> ResponseReturnValue:
    """The level above approves a filed plan or returns it with a reason."""
    if not organiser(user()):
        abort(404)
    form, here = DecideForm(), url_for("spot_check.plan", plan_id=plan_id)
    if form.validate_on_submit():
        try:
            spot_check.decide_plan(database.session(), actor(), plan_id,
                                   form.decision.data == "approve", form.reason.data or "")
        except Conflict as exc:
            database.rollback()
            flash(message_for(exc), "error")
            return redirect(here)
        except InvalidInput as exc:
            database.rollback()
            add_engine_errors(form, exc.details.get("fields") or {})  # type: ignore[arg-type]
        else:
            database.commit()
            flash(_("Decision recorded."), "success")
            return redirect(here)
    return send_back(form, f"spot_check:plan:{plan_id}:decide", here) or redirect(here)
