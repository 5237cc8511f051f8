"""The lists of spot checks: plans and tasks, the item list, the officer directory and the
special pools."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, or_, select

from engine import clock, spot_check
from engine.errors import InvalidInput
from engine.models import (
    OrgUnit,
    Role,
    SpecialPool,
    SpecialPoolMember,
    SpotCheckItem,
    User,
    UserRole,
)
from engine.org import scope
from webapp import database
from webapp.access import actor, user
from webapp.forms import add_engine_errors
from webapp.prg import recall, send_back
from webapp.spot_check.forms import (
    ConflictForm,
    ItemForm,
    PlanForm,
    PoolForm,
    QualificationForm,
)


def _units(ids: set[int]) -> dict[int, OrgUnit]:
    rows = database.session().execute(select(OrgUnit).where(OrgUnit.id.in_(ids))).scalars()
    return {unit.id: unit for unit in rows}


def organiser(viewer: User) -> bool:
    """Whether the viewer plans and organises tasks (a department's administrator)."""
    return viewer.has_role(Role.DEPT_ADMIN) and scope.department_of(
        database.session(), viewer) is not None


@login_required
def index() -> ResponseReturnValue:
    session, viewer = database.session(), user()
    plans, tasks = spot_check.list_plans(session), spot_check.list_tasks(session)
    units = _units({p.org_unit_id for p in plans} | {t.organiser_org_id for t in tasks})
    form = recall(PlanForm, "spot_check:plan") or PlanForm(year=clock.local_today().year)
    own = scope.department_of(session, viewer)
    return render_template("spot_check/index.html", plans=plans, tasks=tasks, units=units,
                           form=form, organiser=organiser(viewer),
                           own_id=own.id if own is not None else None,
                           to_decide=spot_check.plans_to_decide(session, actor()))


@login_required
def items() -> ResponseReturnValue:
    session, viewer = database.session(), user()
    may_edit = spot_check.is_regulator_admin(session, viewer)
    form = recall(ItemForm, "spot_check:item") or _item_form(request.args.get("edit", 0, int))
    return render_template("spot_check/items.html", items=spot_check.list_items(session),
                           may_edit=may_edit, form=form,
                           units=_units({i.owner_org_id for i in spot_check.list_items(session)}))


def _item_form(item_id: int) -> ItemForm:
    """The form, filled with the item to change when one is named (?edit=id)."""
    item = database.session().get(SpotCheckItem, item_id) if item_id else None
    if item is None:
        return ItemForm()
    return ItemForm(data={
        "item_id": str(item.id), "code": item.code, "name": item.name,
        "sub_items": "\n".join(item.sub_items), "method": item.method,
        "qualification": item.qualification or "", "legal_basis": item.legal_basis,
        "target_type": item.target_type, "ratio_percent": str(item.ratio_percent),
        "frequency": item.frequency, "key_item": item.key_item})


@login_required
def save_item() -> ResponseReturnValue:
    session = database.session()
    if not spot_check.is_regulator_admin(session, user()):
        abort(404)
    form, here = ItemForm(), url_for("spot_check.items")
    if form.validate_on_submit():
        fields = spot_check.ItemFields(
            form.code.data, form.name.data, tuple((form.sub_items.data or "").splitlines()),
            form.method.data, form.qualification.data or None, form.legal_basis.data or "",
            form.target_type.data, form.ratio_percent.data, form.frequency.data,
            bool(form.key_item.data))
        item_id = int(form.item_id.data) if (form.item_id.data or "").isdigit() else None
        try:
            spot_check.save_item(session, actor(), fields, item_id=item_id)
        except InvalidInput as exc:
            database.rollback()
            add_engine_errors(form, exc.details.get("fields") or {})  # type: ignore[arg-type]
        else:
            database.commit()
            flash(_("Item saved."), "success")
            return redirect(here)
    return send_back(form, "spot_check:item", here) or redirect(here)


@login_required
def officers() -> ResponseReturnValue:
    """The officer directory of the viewer's scope: certificates, qualifications, declared
    conflicts."""
    session, viewer = database.session(), user()
    roots = scope.scope_roots(session, viewer)
    query = select(User).join(OrgUnit, OrgUnit.id == User.org_unit_id).where(
        User.id.in_(select(UserRole.user_id).where(UserRole.role.in_([Role.OFFICER,
                                                                       Role.DEPT_ADMIN]))))
    if roots is not None:
        query = query.where(or_(*(OrgUnit.path.startswith(r) for r in roots)))
    people = list(session.execute(query.order_by(OrgUnit.path, User.username)).scalars())
    ids = [p.id for p in people]
    keeps = spot_check.is_regulator_admin(session, viewer)
    grant = recall(QualificationForm, "spot_check:qualify") or QualificationForm()
    grant.officer.choices = [("", "")] + [(str(p.id), p.display_name) for p in people]
    return render_template("spot_check/officers.html", people=people, today=clock.local_today(),
                           tags=spot_check.qualifications(session, ids), keeps=keeps,
                           conflicts=spot_check.conflicts_of(session, ids), grant=grant,
                           declares=viewer.has_role(Role.OFFICER),
                           declare=recall(ConflictForm, "spot_check:conflict") or ConflictForm())


@login_required
def qualify() -> ResponseReturnValue:
    """Tag an officer with a qualification (the market regulator's administrators)."""
    session = database.session()
    if not spot_check.is_regulator_admin(session, user()):
        abort(404)
    form, here = QualificationForm(), url_for("spot_check.officers")
    form.officer.choices = [(form.officer.data or "", "")]
    officer = session.get(User, int(form.officer.data)) if (
        form.officer.data or "").isdigit() else None
    if form.validate_on_submit() and officer is not None:
        spot_check.grant_qualification(session, actor(), officer, form.tag.data)
        database.commit()
        flash(_("Qualification recorded."), "success")
        return redirect(here)
    return send_back(form, "spot_check:qualify", here) or redirect(here)


@login_required
def declare() -> ResponseReturnValue:
    """An officer declares their own conflict of interest with an entity (回避)."""
    viewer = user()
    if not viewer.has_role(Role.OFFICER):
        abort(404)
    form, here = ConflictForm(), url_for("spot_check.officers")
    if form.validate_on_submit():
        try:
            spot_check.declare_by_uscc(database.session(), actor(), viewer, form.uscc.data,
                                       form.relation.data)
        except InvalidInput as exc:
            database.rollback()
            add_engine_errors(form, exc.details.get("fields") or {})  # type: ignore[arg-type]
        else:
            database.commit()
            flash(_("Conflict of interest recorded: you will not be drawn for this entity."),
                  "success")
            return redirect(here)
    return send_back(form, "spot_check:conflict", here) or redirect(here)


@login_required
def pools() -> ResponseReturnValue:
    session = database.session()
    rows = list(session.execute(select(SpecialPool).order_by(SpecialPool.id.desc())).scalars())
    sizes = dict(session.execute(select(SpecialPoolMember.pool_id, func.count()).group_by(
        SpecialPoolMember.pool_id)).all())
    return render_template("spot_check/pools.html", pools=rows, sizes=sizes,
                           units=_units({p.org_unit_id for p in rows}),
                           organiser=organiser(user()),
                           form=recall(PoolForm, "spot_check:pool") or PoolForm())


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace("，", ",").split(",") if part.strip()]


@login_required
def create_pool() -> ResponseReturnValue:
    if not organiser(user()):
        abort(404)
    form, here = PoolForm(), url_for("spot_check.pools")
    if form.validate_on_submit():
        filters = {"industries": _split(form.industries.data), "types": _split(form.types.data),
                   "risks": form.risks.data or []}
        try:
            spot_check.make_pool(database.session(), actor(), form.name.data,
                                 form.source.data, filters=filters,
                                 codes=(form.codes.data or "").split())
        except InvalidInput as exc:
            database.rollback()
            add_engine_errors(form, exc.details.get("fields") or {})  # type: ignore[arg-type]
        else:
            database.commit()
            flash(_("Pool built."), "success")
            return redirect(here)
    return send_back(form, "spot_check:pool", here) or redirect(here)
