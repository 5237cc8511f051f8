"""The report form of unlicensed operation (无证无照举报): anyone may send one, with a name
or anonymously, no sign-in, no cookie. The market regulator of the chosen area receives
it as a case. As with objections, the form carries a signed, timed token instead of a
session-bound one, and the rate limit and length limits bound abuse. The reporter's
identity is never shown here again (Decree 684, Art. 9)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from itsdangerous import BadData, URLSafeTimedSerializer

from engine import audit, unlicensed
from engine.errors import InvalidInput
from engine.org.areas import areas
from webapp import database
from webapp.i18n import select_locale

TOKEN_HOURS = 6
# The audit trail names no address for a report: an address can point at the reporter
# (Art. 9). The rate limit counts addresses apart, and keeps none of them with the case.
REPORTER = audit.Actor("public", "portal")
SALT = "portal-unlicensed-report"
FIELDS = ("area_code", "name", "address", "summary", "reporter_name", "contact")


def report() -> ResponseReturnValue:
    if request.method == "GET":
        return _render({}, {})
    values = {k: request.form.get(k, "").strip() for k in FIELDS}
    if not _token_ok(request.form.get("token", "")):
        return _render(values, {"token": "expired"}, 400)
    try:
        unlicensed.report_from_public(
            database.session(), REPORTER,
            area_code=values["area_code"], name=values["name"], address=values["address"],
            summary=values["summary"], reporter_name=values["reporter_name"],
            reporter_contact=values["contact"])
    except InvalidInput as exc:
        database.rollback()
        errors = exc.details.get("fields") or {}
        return _render(values, errors if isinstance(errors, dict) else {}, 422)
    database.commit()
    named = bool(values["reporter_name"] and values["contact"])
    return redirect(url_for("portal.unlicensed_sent", named=int(named), **_lang()), 303)


def sent() -> ResponseReturnValue:
    return render_template("portal/unlicensed_sent.html", named=request.args.get("named") == "1")


def _render(values: dict[str, str], errors: dict[str, str], status: int = 200
            ) -> ResponseReturnValue:
    return render_template(
        "portal/unlicensed_report.html", values=values, errors=errors,
        areas=areas(database.session()), token=_serializer().dumps("report")), status


def _token_ok(token: str) -> bool:
    try:
        return bool(_serializer().loads(token, max_age=TOKEN_HOURS * 3600) == "report")
    except BadData:
        return False


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _lang() -> dict[str, str]:
    return {"lang": "en"} if select_locale() == "en" else {}
