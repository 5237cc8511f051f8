"""The objection form (纠错申请) of a published record: anyone may send one, no sign-in.

No session, so no session-bound CSRF token: the form carries a token signed with the
app's key and naming the record, valid for TOKEN_HOURS. It proves the form came from this
site recently; there is no signed-in victim whose authority a forged post could borrow
(an objection acts for nobody), and the rate limit and length limits bound abuse.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from itsdangerous import BadData, URLSafeTimedSerializer

from engine import audit
from engine.disclosure import category
from engine.disclosure.objections import (
    MAX_CONTACT,
    MAX_NAME,
    MAX_TEXT,
    objection_window,
    submit_objection,
)
from engine.disclosure.public import published_record
from engine.errors import Forbidden, InvalidInput
from webapp import database
from webapp.i18n import select_locale

TOKEN_HOURS = 6
SALT = "portal-objection"


def form(ref: str) -> ResponseReturnValue:
    record, uscc = published_record(database.session(), ref)
    if request.method == "GET":
        return _render(ref, record.category, record.decision_number, uscc, {}, {})
    values = {k: request.form.get(k, "") for k in ("name", "contact", "text")}
    if not _token_ok(request.form.get("token", ""), ref):
        return _render(ref, record.category, record.decision_number, uscc, values,
                       {"token": "expired"}, 400)
    actor = audit.Actor("public", request.remote_addr or "web")
    try:
        submit_objection(database.session(), actor, ref, name=values["name"],
                         contact=values["contact"], text=values["text"])
    except Forbidden:  # past the time its procedure takes objections in
        database.rollback()
        return _render(ref, record.category, record.decision_number, uscc, values, {}, 403)
    except InvalidInput as exc:
        database.rollback()
        errors = exc.details.get("fields") or {}
        return _render(ref, record.category, record.decision_number, uscc, values,
                       errors if isinstance(errors, dict) else {}, 422)
    database.commit()
    return redirect(url_for("portal.sent", ref=ref, **_lang()), 303)


def sent(ref: str) -> ResponseReturnValue:
    _record, uscc = published_record(database.session(), ref)
    return render_template("portal/objection_sent.html", uscc=uscc)


def _render(ref: str, code: str, number: str | None, uscc: str, values: dict[str, str],
            errors: dict[str, str], status: int = 200) -> ResponseReturnValue:
    last_day, open_now = objection_window(database.session(), ref)
    return render_template(
        "portal/objection.html", ref=ref, category=category(code), decision_number=number,
        uscc=uscc, values=values, errors=errors, token=_serializer().dumps(ref),
        last_day=last_day, open_now=open_now,
        max_name=MAX_NAME, max_contact=MAX_CONTACT, max_text=MAX_TEXT,
        ), status


def _token_ok(token: str, ref: str) -> bool:
    try:
        return bool(_serializer().loads(token, max_age=TOKEN_HOURS * 3600) == ref)
    except BadData:
        return False


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _lang() -> dict[str, str]:
    return {"lang": "en"} if select_locale() == "en" else {}
