"""A spot-check task: creating one, its page with the draw (sealed record, replay, void,
release, recusal)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from engine import domains, spot_check
from engine.errors import InvalidInput, Refusal
from engine.models import MarketEntity, OrgKind, OrgUnit, Role, SpecialPool, SpotCheckTask, User
from engine.org import areas, scope
from webapp import database
from webapp.access import actor, user
from webapp.errors import message_for
from webapp.forms import add_engine_errors
from webapp.prg import recall, send_back
from webapp.spot_check import draw_view
from webapp.spot_check.forms import ActionForm, RecuseForm, TaskForm, VoidForm
from webapp.spot_check.lists import organiser


def task_form(form: TaskForm | None = None) -> TaskForm:
    session = database.session()
    form = form or TaskForm()
    form.items.choices = [(i.id, f"{i.code} {i.name}") for i in spot_check.list_items(session)]
    own = scope.department_of(session, user())
    departments = session.execute(select(OrgUnit).where(
        OrgUnit.kind == OrgKind.DEPARTMENT, OrgUnit.active,
        OrgUnit.id != (own.id if own else 0)).order_by(OrgUnit.path)).scalars()
    form.units.choices = [(u.id, u.name) for u in departments]
    form.areas.choices = areas.areas(session)
    pools = session.execute(select(SpecialPool).order_by(SpecialPool.name)).scalars()
    form.pool.choices = [("", "")] + [(str(p.id), p.name) for p in pools]
    return form


@login_required
def new_task() -> ResponseReturnValue:
    if not organiser(user()):
        abort(404)
    form = task_form(recall(TaskForm, "spot_check:task"))
    return render_template("spot_check/task_form.html", form=form)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace("，", ",").split(",") if part.strip()]


@login_required
def create_task() -> ResponseReturnValue:
    if not organiser(user()):
        abort(404)
    form, here = task_form(), url_for("spot_check.new_task")
    if form.validate_on_submit():
        filters = {"industries": _split(form.industries.data), "areas": form.areas.data or [],
                   "types": _split(form.types.data), "risks": form.risks.data or []}
        fields = spot_check.TaskFields(
            form.title.data, form.items.data, form.inspection_date.data, form.deadline.data,
            filters={k: v for k, v in filters.items() if v},
            pool_id=int(form.pool.data) if form.pool.data else None,
            ratio_percent=form.ratio_percent.data or None,
            target_count=form.target_count.data, unit_ids=form.units.data or [],
            officers_per_target=form.officers_per_target.data,
            yearly_cap=form.yearly_cap.data)
        try:
            task = spot_check.create_task(database.session(), actor(), fields)
        except InvalidInput as exc:
            database.rollback()
            add_engine_errors(form, exc.details.get("fields") or {})  # type: ignore[arg-type]
        else:
            database.commit()
            flash(_("Task %(number)s created.", number=task.number), "success")
            return redirect(url_for("spot_check.task", task_id=task.id))
    return send_back(form, "spot_check:task", here) or render_template(
        "spot_check/task_form.html", form=form)


def may_see_targets(task: SpotCheckTask, viewer: User) -> bool:
    """The organising department's people, auditors and system administrators see whom a
    draw picked; the rest see the sealed record only."""
    if viewer.has_role(Role.AUDITOR, Role.SYSADMIN):
        return True
    own = scope.department_of(database.session(), viewer)
    return own is not None and own.id == task.organiser_org_id


@login_required
def task(task_id: int) -> ResponseReturnValue:
    session, viewer = database.session(), user()
    found = spot_check.get_task(session, task_id)
    draws = spot_check.draws_of(session, found.id)
    standing = spot_check.standing_draw(session, found.id)
    teams = spot_check.teams(session, standing) if standing else {}
    people = {u.id: u for u in session.execute(select(User).where(User.id.in_(
        {o for team in teams.values() for o in team}))).scalars()}
    entities = {e.id: e for e in session.execute(select(MarketEntity).where(
        MarketEntity.id.in_(list(teams)))).scalars()}
    recuse = recall(RecuseForm, f"spot_check:recuse:{task_id}") or RecuseForm()
    recuse.target.choices = [("", "")] + [
        (f"{e}:{o}", f"{entities[e].name if e in entities else e} — {people[o].display_name}")
        for e, team in sorted(teams.items()) for o in team if o in people]
    own = scope.department_of(session, viewer)
    runs = own is not None and own.id == found.organiser_org_id and viewer.has_role(
        Role.DEPT_ADMIN)
    query = request.args.get("q", "")[:40]
    return render_template(
        "spot_check/task.html", task=found, items=spot_check.task_items(session, found),
        units=spot_check.task_units(session, found), draws=draws, standing=standing,
        people=people, entities=entities, runs=runs, query=query,
        summary=draw_view.summary(standing, draws, teams) if standing else None,
        targets=draw_view.target_page(teams, entities, query,
                                      request.args.get("page", 1, type=int) or 1),
        load=draw_view.officer_load(teams, people),
        sees=may_see_targets(found, viewer), replays=spot_check.may_replay(viewer),
        action=ActionForm(), recuse=recuse,
        void=recall(VoidForm, f"spot_check:void:{task_id}") or VoidForm())


def _back(task_id: int) -> ResponseReturnValue:
    return redirect(url_for("spot_check.task", task_id=task_id))


def _refused(task_id: int, exc: Refusal) -> ResponseReturnValue:
    database.rollback()
    flash(message_for(exc), "error")
    if exc.code == "too_few_officers":
        flash(_("%(eligible)s eligible, %(needed)s needed per target: %(inactive)s inactive, "
                "%(expired)s without a certificate valid on %(day)s, %(unqualified)s without "
                "the qualification %(tags)s.", eligible=exc.details["eligible"],
                needed=exc.details["needed"], inactive=exc.details["inactive"],
                expired=exc.details["expired"], day=exc.details["inspection_date"],
                unqualified=exc.details["unqualified"],
                tags="、".join(exc.details["qualifications"]) or "-"), "error")  # type: ignore[arg-type]
    return _back(task_id)


@login_required
def draw(task_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        sealed = spot_check.draw_task(database.session(), actor(), task_id)
    except Refusal as exc:
        if exc.kind in ("forbidden", "not_found"):
            raise
        return _refused(task_id, exc)
    database.commit()
    flash(_("Drawn and sealed: %(count)d targets.", count=len(sealed.result["targets"])),
          "success")
    return _back(task_id)


def _draw_step(draw_id: int, step: str) -> ResponseReturnValue:
    session = database.session()
    sealed = spot_check.get_draw(session, draw_id)
    task_id = sealed.task_id
    try:
        if step == "verify":
            report = spot_check.verify_draw(session, actor(), draw_id)
            database.commit()
            flash(_("Replayed: the result is identical to the sealed one.") if report.intact
                  else _("Replayed: the draw does NOT match its seal (%(problems)s).",
                         problems=", ".join(report.problems)),
                  "success" if report.intact else "error")
            return _back(task_id)
        started = domains.release_draw(session, actor(), draw_id)
    except Refusal as exc:
        if exc.kind in ("forbidden", "not_found"):
            raise
        return _refused(task_id, exc)
    database.commit()
    flash(_("Draw released (%(count)d inspections started).", count=started), "success")
    return _back(task_id)


@login_required
def verify(draw_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    return _draw_step(draw_id, "verify")


@login_required
def release(draw_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    return _draw_step(draw_id, "release")


@login_required
def void(draw_id: int) -> ResponseReturnValue:
    session = database.session()
    task_id = spot_check.get_draw(session, draw_id).task_id
    form = VoidForm()
    if not form.validate_on_submit():
        return send_back(form, f"spot_check:void:{task_id}", url_for(
            "spot_check.task", task_id=task_id)) or _back(task_id)
    try:
        spot_check.void_draw(session, actor(), draw_id, form.reason.data)
    except Refusal as exc:
        if exc.kind in ("forbidden", "not_found"):
            raise
        return _refused(task_id, exc)
    database.commit()
    flash(_("Draw voided; the task may be drawn again."), "success")
    return _back(task_id)


@login_required
def recuse(draw_id: int) -> ResponseReturnValue:
    session = database.session()
    task_id = spot_check.get_draw(session, draw_id).task_id
    form = RecuseForm()
    form.target.choices = [(form.target.data or "", "")]
    parts = (form.target.data or "").split(":")
    if not form.validate_on_submit() or len(parts) != 2 or not all(p.isdigit() for p in parts):
        return send_back(form, f"spot_check:recuse:{task_id}", url_for(
            "spot_check.task", task_id=task_id)) or _back(task_id)
    entity_id, officer_id = int(parts[0]), int(parts[1])
    try:
        recusal = spot_check.recuse_officer(session, actor(), draw_id, entity_id, officer_id,
                                            form.reason.data)
    except (Refusal, InvalidInput) as exc:
        if exc.kind in ("forbidden", "not_found"):
            raise
        database.rollback()
        flash(message_for(exc), "error")
        return _back(task_id)
    database.commit()
    replacement = session.get(User, recusal.replacement_id)
    flash(_("Recusal recorded; %(name)s was drawn instead.",
            name=replacement.display_name if replacement else "-"), "success")
    return _back(task_id)
