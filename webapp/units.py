"""The organisation tree for system administrators: units in tree order, a unit added,
renamed, moved with everything below it, or deactivated (never while people or open work
are in it). Routes of the `units` blueprint, under /admin."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from engine.errors import Conflict, InvalidInput
from engine.models import OrgKind, OrgUnit, Role, User
from engine.org import tree
from webapp import database
from webapp.access import actor, roles_required
from webapp.forms import filled, strip
from webapp.prg import recall, send_back

bp = Blueprint("units", __name__, url_prefix="/admin/units")
KINDS = {OrgKind.PROVINCE: _l("Province"), OrgKind.CITY: _l("City"), OrgKind.COUNTY: _l("County"),
         OrgKind.DEPARTMENT: _l("Department"), OrgKind.SECTION: _l("Section"),
         OrgKind.STATION: _l("Station"), OrgKind.JOINT_OFFICE: _l("Joint-meeting office"),
         OrgKind.PARK: _l("Industrial park")}
REFUSALS = {"bad_code": _l("2 to 64 lower-case letters, digits or -, such as 530502-psb."),
            "taken": _l("This code is taken."), "required": _l("This field is required."),
            "bad_area": _l("A county or city has its own six-digit area code."),
            "own_subtree": _l("A unit cannot move below itself."),
            "root": _l("The top unit stays where it is."),
            "inactive": _l("Choose an active unit.")}


class UnitForm(FlaskForm):
    parent = SelectField(_l("Under"), coerce=int)
    code = StringField(_l("Code"), filters=[strip], validators=[filled(), Length(max=64)])
    name = StringField(_l("Name"), filters=[strip], validators=[filled(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[(k.value, v) for k, v in KINDS.items()])
    area_code = StringField(_l("Area code (a county or city only)"), filters=[strip],
                            validators=[Optional(), Length(max=12)])


class RenameForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[filled(), Length(max=200)])


class MoveForm(FlaskForm):
    parent = SelectField(_l("Move under"), coerce=int)


def _parents(form: FlaskForm, exclude: OrgUnit | None = None) -> None:
    units = tree.units(database.session())
    labels = tree.short_labels(units)
    form.parent.choices = [  # type: ignore[attr-defined]
        (u.id, labels[u.id]) for u in units
        if u.active and (exclude is None or not u.path.startswith(exclude.path))]


def _refused(form: FlaskForm, exc: InvalidInput) -> None:
    for name, code in (exc.details.get("fields") or {}).items():  # type: ignore[union-attr]
        if name in form:
            form[name].errors = [*form[name].errors,
                                 str(REFUSALS.get(code, _("This value is not accepted.")))]


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.SYSADMIN)
def index() -> ResponseReturnValue:
    session = database.session()
    form = recall(UnitForm, "unit:new") or UnitForm()
    _parents(form)
    if form.is_submitted():
        if form.validate():
            try:
                unit = tree.add_unit(session, actor(), tree.unit_by_id(session, form.parent.data),
                                     form.code.data, form.name.data, OrgKind(form.kind.data),
                                     form.area_code.data)
            except InvalidInput as exc:
                database.rollback()
                _refused(form, exc)
            else:
                database.commit()
                flash(_("%(name)s was added.", name=unit.name), "success")
                return redirect(url_for("units.show", unit_id=unit.id))
        return send_back(form, "unit:new", url_for("units.index", _anchor="new")) or (
            render_template("admin/units.html", units=tree.units(session), form=form,
                            kinds=KINDS), 422)
    return render_template("admin/units.html", units=tree.units(session), form=form,
                           kinds=KINDS)


@bp.get("/<int:unit_id>")
@roles_required(Role.SYSADMIN)
def show(unit_id: int) -> ResponseReturnValue:
    session = database.session()
    unit = tree.unit_by_id(session, unit_id)
    move = recall(MoveForm, f"unit:{unit_id}:move") or MoveForm(parent=unit.parent_id)
    _parents(move, exclude=unit)
    people = session.execute(select(func.count(User.id)).where(
        User.org_unit_id == unit.id, User.active.is_(True))).scalar_one()
    return render_template(
        "admin/unit.html", unit=unit, kinds=KINDS, people=people,
        parent=session.get(OrgUnit, unit.parent_id) if unit.parent_id else None,
        rename=recall(RenameForm, f"unit:{unit_id}:rename") or RenameForm(name=unit.name),
        move=move, form=FlaskForm())


@bp.post("/<int:unit_id>/rename")
@roles_required(Role.SYSADMIN)
def rename(unit_id: int) -> ResponseReturnValue:
    form, here = RenameForm(), url_for("units.show", unit_id=unit_id)
    if form.validate_on_submit():
        tree.rename_unit(database.session(), actor(),
                         tree.unit_by_id(database.session(), unit_id), form.name.data)
        database.commit()
        flash(_("Renamed."), "success")
        return redirect(here)
    return send_back(form, f"unit:{unit_id}:rename", here) or redirect(here)


@bp.post("/<int:unit_id>/move")
@roles_required(Role.SYSADMIN)
def move(unit_id: int) -> ResponseReturnValue:
    session = database.session()
    unit = tree.unit_by_id(session, unit_id)
    form, here = MoveForm(), url_for("units.show", unit_id=unit_id)
    _parents(form, exclude=unit)
    if form.validate_on_submit():
        try:
            tree.move_unit(session, actor(), unit, tree.unit_by_id(session, form.parent.data))
        except InvalidInput as exc:
            database.rollback()
            _refused(form, exc)
        else:
            database.commit()
            flash(_("Moved, with everything below it."), "success")
            return redirect(here)
    return send_back(form, f"unit:{unit_id}:move", here) or redirect(here)


@bp.post("/<int:unit_id>/deactivate")
@roles_required(Role.SYSADMIN)
def deactivate(unit_id: int) -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        raise BadRequest()
    session = database.session()
    try:
        tree.deactivate_unit(session, actor(), tree.unit_by_id(session, unit_id))
    except Conflict as exc:
        database.rollback()
        flash(_("Not deactivated: %(people)d active people and %(work)d open work items are "
                "in this unit or below it. Move them first.",
                people=exc.details.get("people", 0), work=exc.details.get("work", 0)), "error")
    else:
        database.commit()
        flash(_("Deactivated, with everything below it."), "success")
    return redirect(url_for("units.show", unit_id=unit_id))
