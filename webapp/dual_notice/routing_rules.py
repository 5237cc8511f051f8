"""The routing table in the browser, for system administrators: its versions (who, when,
why), a draft of its rules edited as rows, tried on sample business scopes beside the
version in use, then deployed. Routes of the `routing_rules` blueprint."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from engine.dual_notice import table_editing as editing
from engine.dual_notice.routing_table import ROUTING_KEY
from engine.errors import Conflict, DeploymentError, InvalidInput, NotFound
from engine.models import DecisionTable, Role
from webapp import database, deploy_problems
from webapp.access import actor, roles_required
from webapp.work.tasks.forms import ActionForm

bp = Blueprint("routing_rules", __name__, url_prefix="/routing")
BLANK_ROWS = 3
PROBLEMS = {"no_terms": _l("Name at least one term of the business scope."),
            "quote": _l("A term cannot hold a double quote."),
            "bad_code": _l("A licence item code of capital letters, digits and -, such as "
                           "AMR-FOOD-SALES."),
            "no_name": _l("Name the licence item."),
            "unknown_department": _l("Choose one of the city's departments.")}


@bp.get("/")
@roles_required(Role.SYSADMIN)
def index() -> ResponseReturnValue:
    session = database.session()
    versions = editing.versions(session)
    saved, rows = editing.draft(session, actor())
    return render_template("routing/index.html", versions=versions, draft=saved,
                           draft_rules=len(rows), action_form=ActionForm())


@bp.get("/versions/<int:version>.dmn")
@roles_required(Role.SYSADMIN)
def version_file(version: int) -> ResponseReturnValue:
    session = database.session()
    editing.versions(session)  # the shipped table is deployed on first use
    xml = session.execute(select(DecisionTable.xml).where(
        DecisionTable.key == ROUTING_KEY, DecisionTable.version == version)).scalar()
    if xml is None:
        raise NotFound(f"no version {version}", code="no_such_decision_table")
    return Response(xml, mimetype="application/xml", headers={
        "Content-Disposition": f"attachment; filename=dual_notice_routing_v{version}.dmn"})


@bp.get("/draft")
@roles_required(Role.SYSADMIN)
def edit() -> ResponseReturnValue:
    session = database.session()
    saved, rows = editing.draft(session, actor())
    departments = editing.departments(session)
    samples = saved.samples if saved is not None else ""
    problems = editing.problems(session, rows)
    # What deploy would refuse once every row reads well, worded as the modeler words it.
    refused = {} if problems else {
        at: [deploy_problems.as_json(p) for p in found]
        for at, found in editing.table_problems(session, rows).items()}
    trials = (editing.trials(session, rows, samples)
              if samples.strip() and not problems and not refused else [])
    return render_template(
        "routing/draft.html", draft=saved, rows=[*rows, *[editing.RuleRow()] * BLANK_ROWS],
        problems=problems, problem_text=PROBLEMS, refused=refused,
        marked=len(problems) or sum(at is not None for at in refused),
        departments=departments, known={code for code, _name in departments}, samples=samples,
        trials=trials,
        action_form=ActionForm(), based_on=saved.based_on if saved else None)


@bp.post("/draft")
@roles_required(Role.SYSADMIN)
def save() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("routing_rules.edit"))
    rows = [_row(i) for i in _indexes() if not request.form.get(f"delete-{i}")]
    try:
        editing.save_draft(database.session(), actor(), rows, request.form.get("samples", ""))
    except InvalidInput:
        database.rollback()
        flash(_("A table holds at most %(n)d rules.", n=editing.MAX_ROWS), "error")
        return redirect(url_for("routing_rules.edit"))
    database.commit()
    trying = request.form.get("then") == "try"
    if not trying:
        flash(_("The draft is saved. It routes nothing until it is deployed."), "success")
    return redirect(url_for("routing_rules.edit", _anchor="try" if trying else "rules"))


@bp.post("/draft/deploy")
@roles_required(Role.SYSADMIN)
def deploy() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("routing_rules.edit"))
    try:
        row = editing.deploy_draft(database.session(), actor(), request.form.get("comment", ""))
    except DeploymentError as exc:
        database.rollback()
        flash(_("The table was refused: %(n)d problem(s), each marked on the rule it "
                "concerns.", n=len(exc.problems)), "error")
        return redirect(url_for("routing_rules.edit", _anchor="rules"))
    except InvalidInput as exc:
        database.rollback()
        fields = exc.details.get("fields")
        flash(_("Say in a few words what this version changes.")
              if isinstance(fields, dict) and "comment" in fields
              else _("Correct the marked rules first."), "error")
        return redirect(url_for("routing_rules.edit", _anchor="deploy"))
    except Conflict as exc:
        database.rollback()
        flash(_("The draft is the same as version %(n)s: nothing to deploy.",
                n=exc.details.get("version")), "error")
        return redirect(url_for("routing_rules.edit", _anchor="deploy"))
    database.commit()
    flash(_("Version %(n)d of the routing table is deployed: new registrations are routed by "
            "it from now on.", n=row.version), "success")
    return redirect(url_for("routing_rules.index"))


@bp.post("/draft/discard")
@roles_required(Role.SYSADMIN)
def discard() -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        editing.discard_draft(database.session(), actor())
        database.commit()
        flash(_("The draft is discarded."), "success")
    return redirect(url_for("routing_rules.index"))


def _indexes() -> list[int]:
    found = {int(k.split("-", 1)[1]) for k in request.form
             if k.startswith("terms-") and k.split("-", 1)[1].isdigit()
             and len(k) < 16}
    return sorted(found)[:editing.MAX_ROWS + BLANK_ROWS]


def _row(index: int) -> editing.RuleRow:
    def value(name: str) -> str:
        return (request.form.get(f"{name}-{index}") or "")[:2000]

    return editing.RuleRow(value("terms"), value("excluded"), value("licence_item"),
                           value("name"), value("department"), value("name_en"),
                           value("rule_id"))
