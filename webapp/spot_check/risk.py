"""Credit risk classes (A–D) of market entities, kept by the market regulator's
administrators of each area: one entity at a time or a file of many, with the reason; the
latest changes show who changed which class from what to what."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine import spot_check
from engine.errors import InvalidInput
from webapp import database
from webapp.access import actor, user
from webapp.forms import add_engine_errors
from webapp.prg import recall, send_back
from webapp.spot_check.forms import RiskForm, RiskUploadForm

MAX_FILE = 2 * 1024 * 1024


def keeps_risk() -> bool:
    """Whether the signed-in viewer keeps risk classes (a market regulator's administrator)."""
    return spot_check.may_set_risk(database.session(), user())


def _allowed() -> None:
    if not keeps_risk():
        abort(404)


@login_required
def risk_classes(upload: RiskUploadForm | None = None, problems: dict[str, str] | None = None
                 ) -> ResponseReturnValue:
    _allowed()
    session = database.session()
    return render_template(
        "spot_check/risk.html", form=recall(RiskForm, "spot_check:risk") or RiskForm(),
        upload=upload or RiskUploadForm(), problems=problems or {},
        changes=spot_check.risk_changes(session, user())), 422 if problems else 200


@login_required
def set_risk() -> ResponseReturnValue:
    _allowed()
    form, here = RiskForm(), url_for("spot_check.risk_classes")
    if form.validate_on_submit():
        try:
            change = spot_check.set_risk_class(database.session(), actor(), form.uscc.data,
                                               form.risk_class.data or "", form.reason.data)
        except InvalidInput as exc:
            database.rollback()
            fields = exc.details.get("fields") or {}
            add_engine_errors(form, {"uscc" if k.startswith("line_") else k: v
                                     for k, v in fields.items()})  # type: ignore[union-attr]
        else:
            database.commit()
            flash(_("Risk class changed.") if change else _("The entity has that class already."),
                  "success")
            return redirect(here)
    return send_back(form, "spot_check:risk", here) or redirect(here)


@login_required
def upload_risk() -> ResponseReturnValue:
    _allowed()
    form = RiskUploadForm()
    if not form.validate_on_submit():
        return risk_classes(form, {"form": "required"})
    data = form.file.data.read(MAX_FILE + 1)
    try:
        if len(data) > MAX_FILE:
            raise InvalidInput("the file is too large", fields={"file": "too_large"})
        changes = spot_check.set_risk_classes(database.session(), actor(),
                                              spot_check.parse_risk_file(data), form.reason.data)
    except InvalidInput as exc:
        database.rollback()
        fields = exc.details.get("fields") or {}
        return risk_classes(form, dict(fields) if isinstance(fields, dict) else {"file": "x"})
    database.commit()
    flash(_("%(n)d risk classes changed.", n=len(changes)), "success")
    return redirect(url_for("spot_check.risk_classes"))
