"""Administration (system administrators): user accounts and API tokens for other systems."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import StringField
from wtforms.fields import EmailField
from wtforms.validators import Length

from engine.errors import InvalidInput
from engine.models import Role
from engine.org import sessions
from engine.org import tokens as api_tokens
from engine.org.accounts import set_email
from engine.org.users import user_by_id
from webapp import database
from webapp.access import actor, roles_required
from webapp.forms import required
from webapp.prg import send_back

bp = Blueprint("admin", __name__, url_prefix="/admin")


class TokenForm(FlaskForm):
    name = StringField(_l("System name"), validators=[required(), Length(max=100)])
    username = StringField(_l("Acts as user"), validators=[required(), Length(max=64)])


class EmailForm(FlaskForm):
    email = EmailField(_l("E-mail for notifications"), validators=[Length(max=254)])


@bp.route("/tokens", methods=["GET", "POST"])
@roles_required(Role.SYSADMIN)
def tokens() -> ResponseReturnValue:
    form, secret = TokenForm(), None
    if form.validate_on_submit():
        try:
            _token, secret = api_tokens.create_token(database.session(), actor(),
                                                     form.name.data, form.username.data)
            database.commit()
            form = TokenForm(formdata=None)
        except InvalidInput:
            database.rollback()
            form.username.errors = [_("No active user with this name.")]
    return render_template("admin/tokens.html", form=form, secret=secret,
                           tokens=api_tokens.list_tokens(database.session()),
                           revoke_form=FlaskForm())


@bp.post("/tokens/<int:token_id>/revoke")
@roles_required(Role.SYSADMIN)
def revoke(token_id: int) -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        raise BadRequest()
    api_tokens.revoke_token(database.session(), actor(), token_id)
    database.commit()
    flash(_("The token was revoked."), "success")
    return redirect(url_for("admin.tokens"))


@bp.post("/users/<int:user_id>/email")
@roles_required(Role.SYSADMIN)
def email(user_id: int) -> ResponseReturnValue:
    """Where the user's notifications are e-mailed (blank: nowhere)."""
    account, form = user_by_id(database.session(), user_id), EmailForm()
    if form.validate_on_submit():
        try:
            set_email(database.session(), actor(), account, form.email.data)
        except InvalidInput:
            database.rollback()
            form.email.errors = [_("This is not an e-mail address.")]
        else:
            database.commit()
            flash(_("Notifications to %(name)s are e-mailed to %(address)s.",
                    name=account.display_name, address=account.email) if account.email else
                  _("Notifications to %(name)s are no longer e-mailed.",
                    name=account.display_name), "success")
            return redirect(url_for("people.user", user_id=user_id))
    return (send_back(form, f"user-email:{user_id}", url_for("people.user", user_id=user_id))
            or (render_template("admin/user.html", account=account, form=FlaskForm(),
                                email_form=form), 422))


@bp.post("/users/<int:user_id>/sign-out")
@roles_required(Role.SYSADMIN)
def sign_out(user_id: int) -> ResponseReturnValue:
    """End every sign-in session of the user (a lost phone, a shared computer)."""
    if not FlaskForm().validate_on_submit():
        raise BadRequest()
    account = user_by_id(database.session(), user_id)
    sessions.sign_out_everywhere(database.session(), actor(), account)
    database.commit()
    flash(_("%(name)s was signed out everywhere.", name=account.display_name), "success")
    return redirect(url_for("people.user", user_id=user_id))
