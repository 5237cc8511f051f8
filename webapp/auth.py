"""Signing in and out, and choosing the language."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from engine.org import accounts
from webapp import database
from webapp.access import actor, back, safe_next
from webapp.forms import required
from webapp.security import WebUser

bp = Blueprint("auth", __name__, url_prefix="/auth")


class LoginForm(FlaskForm):
    username = StringField(validators=[required(), Length(max=64)])
    password = PasswordField(validators=[required(), Length(max=200)])


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[InputRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    target = safe_next(request.args.get("next"), url_for("inbox.index"))
    if current_user.is_authenticated:
        return redirect(target)
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
    login_user(WebUser(result.user))
    session.permanent = True
    return redirect(target)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


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
