"""Signing in and out, a user's own password, and choosing the language."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from engine.errors import InvalidInput
from engine.org import accounts, sessions
from engine.org.passwords import MIN_PASSWORD_LENGTH
from webapp import database
from webapp.access import actor, back, safe_next, user
from webapp.forms import required
from webapp.landing import landing_url
from webapp.security import WebUser, keep_generation

bp = Blueprint("auth", __name__, url_prefix="/auth")


class LoginForm(FlaskForm):
    username = StringField(validators=[required(), Length(max=64)])
    password = PasswordField(validators=[required(), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[required(), Length(max=200)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[
        required(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                           message=_l("Enter 8 to 200 characters."))],
                        render_kw={"autocomplete": "new-password"})
    again = PasswordField(_l("New password again"), validators=[
        required(), EqualTo("new", message=_l("The two new passwords differ."))],
                          render_kw={"autocomplete": "new-password"})


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[InputRequired()])


# What a user who must change a one-time password may still reach.
BEFORE_CHANGE = frozenset({"auth.password", "auth.logout", "auth.language", "static"})


@bp.before_app_request
def change_password_first() -> ResponseReturnValue | None:
    """An account an administrator created or reset changes its password before anything
    else (the API answers with tokens, not sessions: it is not held here)."""
    if (current_user.is_authenticated and user().must_change_password
            and request.endpoint not in BEFORE_CHANGE and request.blueprint != "api"):
        flash(_("Choose your own password first: the one you were given works once."),
              "warning")
        return redirect(url_for("auth.password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), landing_url(user())))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    result = accounts.login(database.sessions(), form.username.data, form.password.data,
                            request.remote_addr or "web")
    if result.user is None:
        error = (_("Too many failed attempts. Try again in %(seconds)d seconds.",
                   seconds=result.retry_after) if result.retry_after
                 else _("Wrong user name or password."))
        return render_template("auth/login.html", form=form, error=error), (
            429 if result.retry_after else 401)
    session.clear()  # a fresh session on sign-in: no fixation
    keep_generation(result.user.session_generation)
    login_user(WebUser(result.user))
    session.permanent = True
    return redirect(safe_next(request.args.get("next"), landing_url(result.user)))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Signing out ends the user's sessions everywhere, copied cookies included."""
    if current_user.is_authenticated:
        sessions.sign_out(database.session(), actor(), user())
        database.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    """A new password ends the user's other sessions; this one goes on."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            generation = sessions.change_password(database.session(), actor(), user(),
                                                  form.current.data, form.new.data)
            database.commit()
            keep_generation(generation)
            flash(_("Your password was changed. You were signed out everywhere else."),
                  "success")
            return redirect(url_for("inbox.index"))
        except InvalidInput:
            database.rollback()
            form.current.errors = [_("The current password is wrong.")]
    return render_template("auth/password.html", form=form)


@bp.post("/language")
def language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit() and form.locale.data in accounts.LOCALES:
        if current_user.is_authenticated:
            accounts.set_locale(database.session(), actor(), current_user.user, form.locale.data)
            database.commit()
        else:
            session["locale"] = form.locale.data
    return redirect(back(url_for("inbox.index")))
