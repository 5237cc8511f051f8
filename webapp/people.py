"""People, for system administrators (every account) and department administrators (their
department's officers and administrators): create an account with a one-time password,
change its unit, roles and enforcement certificate, reset its password, deactivate it.
Routes of the `admin` blueprint."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from engine.errors import Conflict, InvalidInput
from engine.models import OrgUnit, Role, User
from engine.org import people as accounts
from engine.org import scope, tree
from webapp import database
from webapp.access import actor, roles_required
from webapp.admin import EmailForm
from webapp.forms import filled, strip
from webapp.prg import recall, send_back

bp = Blueprint("people", __name__, url_prefix="/admin")
ADMINS = (Role.SYSADMIN, Role.DEPT_ADMIN)
ROLE_NAMES = {Role.OFFICER: _l("Officer"), Role.DEPT_ADMIN: _l("Department administrator"),
              Role.SUPERVISOR: _l("Supervisor (joint-meeting office)"),
              Role.SYSADMIN: _l("System administrator"), Role.AUDITOR: _l("Auditor")}
REFUSALS = {"bad_username": _l("3 to 64 lower-case letters, digits, _ . or -."),
            "taken": _l("This user name is taken."),
            "required": _l("This field is required."),
            "outside_department": _l("Choose a unit of your department."),
            "not_yours_to_give": _l("Department administrators give the roles of their "
                                    "department only.")}


class PersonForm(FlaskForm):
    display_name = StringField(_l("Name"), filters=[strip], validators=[filled(),
                                                                         Length(max=100)])
    unit = SelectField(_l("Unit"), coerce=int)
    roles = SelectMultipleField(_l("Roles"), widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())
    certificate_no = StringField(_l("Enforcement certificate number"), filters=[strip],
                                 validators=[Optional(), Length(max=64)])
    certificate_expires = DateField(_l("Certificate valid until"), validators=[Optional()])

    def offer(self, session: Any, admin_roots: list[str] | None) -> None:
        units = tree.units(session)
        labels = tree.short_labels(units)
        self.unit.choices = [(u.id, labels[u.id]) for u in units
                             if u.active and scope.in_roots(admin_roots, u.path)]
        allowed = ROLE_NAMES if admin_roots is None else {
            r: ROLE_NAMES[r] for r in accounts.DEPARTMENT_ROLES}
        self.roles.choices = [(r.value, str(name)) for r, name in allowed.items()]


class NewPersonForm(PersonForm):
    username = StringField(_l("User name (to sign in)"), filters=[strip],
                           validators=[filled(), Length(min=3, max=64)])


def _person(form: PersonForm) -> accounts.Person:
    unit = database.session().get(OrgUnit, form.unit.data)
    if unit is None:
        raise InvalidInput("no unit", fields={"unit": "required"})
    return accounts.Person(form.display_name.data or "", unit,
                           frozenset(Role(r) for r in form.roles.data or ()),
                           form.certificate_no.data or None, form.certificate_expires.data)


def _refused(form: FlaskForm, exc: InvalidInput) -> None:
    for name, code in (exc.details.get("fields") or {}).items():  # type: ignore[union-attr]
        if name in form:
            form[name].errors = [*form[name].errors,
                                 str(REFUSALS.get(code, _("This value is not accepted.")))]


@bp.route("/users", methods=["GET", "POST"])
@roles_required(*ADMINS)
def users() -> ResponseReturnValue:
    session = database.session()
    _admin, roots = accounts.manageable(session, actor())
    form = recall(NewPersonForm, "person:new") or NewPersonForm()
    form.offer(session, roots)
    if form.is_submitted():
        if form.validate():
            try:
                created, password = accounts.create_person(session, actor(), form.username.data,
                                                           _person(form))
            except InvalidInput as exc:
                database.rollback()
                _refused(form, exc)
            else:
                database.commit()
                flash(_("%(name)s can sign in as %(username)s with the one-time password "
                        "%(password)s, and must then choose their own. Hand it over in "
                        "person; it is not shown again.", name=created.display_name,
                        username=created.username, password=password), "success")
                return redirect(url_for("people.user", user_id=created.id))
        return send_back(form, "person:new", url_for("people.users", _anchor="new")) or (
            render_template("admin/users.html", users=accounts.people(session, actor()),
                            form=form, role_names=ROLE_NAMES), 422)
    return render_template("admin/users.html", users=accounts.people(session, actor()),
                           form=form, role_names=ROLE_NAMES)


@bp.post("/users/<int:user_id>/edit")
@roles_required(*ADMINS)
def edit_user(user_id: int) -> ResponseReturnValue:
    session = database.session()
    account = accounts.person(session, actor(), user_id)
    _admin, roots = accounts.manageable(session, actor())
    form = PersonForm()
    form.offer(session, roots)
    here = url_for("people.user", user_id=user_id)
    if form.validate_on_submit():
        try:
            accounts.update_person(session, actor(), account, _person(form))
        except InvalidInput as exc:
            database.rollback()
            _refused(form, exc)
        except Conflict:
            database.rollback()
            flash(_("The last active system administrator keeps that role."), "error")
            return redirect(here)
        else:
            database.commit()
            flash(_("Saved."), "success")
            return redirect(here)
    return send_back(form, f"person:{user_id}", here) or redirect(here)


@bp.post("/users/<int:user_id>/reset-password")
@roles_required(*ADMINS)
def reset_password(user_id: int) -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        raise BadRequest()
    session = database.session()
    account = accounts.person(session, actor(), user_id)
    password = accounts.reset_password(session, actor(), account)
    database.commit()
    flash(_("%(name)s was signed out everywhere. One-time password: %(password)s. Hand it "
            "over in person; it is not shown again.", name=account.display_name,
            password=password), "success")
    return redirect(url_for("people.user", user_id=user_id))


def person_form(account: User) -> PersonForm:
    """The edit form of an account: kept after a failed save, else its values."""
    session = database.session()
    _admin, roots = accounts.manageable(session, actor())
    form = recall(PersonForm, f"person:{account.id}") or PersonForm(
        formdata=None, display_name=account.display_name, unit=account.org_unit_id,
        roles=[r.value for r in account.roles], certificate_no=account.certificate_no,
        certificate_expires=account.certificate_expires)
    form.offer(session, roots)
    return form


@bp.get("/users/<int:user_id>")
@roles_required(*ADMINS)
def user(user_id: int) -> ResponseReturnValue:
    account = accounts.person(database.session(), actor(), user_id)
    email_form = recall(EmailForm, f"user-email:{user_id}") or EmailForm(email=account.email)
    return render_template("admin/user.html", account=account, form=FlaskForm(),
                           email_form=email_form, person_form=person_form(account),
                           role_names=ROLE_NAMES)


@bp.post("/users/<int:user_id>/deactivate")
@roles_required(*ADMINS)
def deactivate(user_id: int) -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        raise BadRequest()
    account = accounts.person(database.session(), actor(), user_id)
    try:
        accounts.deactivate_person(database.session(), actor(), account)
    except Conflict:
        database.rollback()
        flash(_("The last active system administrator cannot be deactivated."), "error")
        return redirect(url_for("people.user", user_id=user_id))
    database.commit()
    flash(_("%(name)s can no longer sign in.", name=account.display_name), "success")
    return redirect(url_for("people.user", user_id=user_id))
