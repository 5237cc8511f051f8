"""The operations console, for system administrators: processes and versions with their
instances by state, where a version's instances stand on its diagram, instance search and
detail, suspend, resume, terminate, a variable changed, incidents retried one by one or
together, the timer queue. Routes of the `operations` blueprint."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from engine import clock, runtime
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import InstanceStatus, ProcessDefinition, Role
from engine.work import operations
from engine.workflow.xml import element_names
from webapp import database
from webapp.access import actor, roles_required
from webapp.forms import filled, strip
from webapp.i18n import local_name
from webapp.params import arg_int, page_arg, parse_day
from webapp.prg import recall, send_back
from webapp.work.tasks.forms import ActionForm

bp = Blueprint("operations", __name__, url_prefix="/operations")
PER_PAGE = 50
STATES = {InstanceStatus.RUNNING: lazy_pgettext("process instance", "Running"),
          InstanceStatus.WAITING: lazy_pgettext("process instance", "Waiting"),
          InstanceStatus.INCIDENT: lazy_pgettext("process instance", "Incident"),
          InstanceStatus.SUSPENDED: lazy_pgettext("process instance", "Suspended"),
          InstanceStatus.COMPLETED: lazy_pgettext("process instance", "Completed"),
          InstanceStatus.TERMINATED: lazy_pgettext("process instance", "Terminated")}
SOURCES = {"timer": _l("Timer"), "script": _l("Script"), "command": _l("A user's step")}
ACTIONS = {"suspend": runtime.suspend, "resume": runtime.resume, "terminate": runtime.terminate}
VARIABLE_REFUSALS = {"bad_name": _l("A name of letters, digits and _, not starting with a "
                                    "digit."),
                     "not_json": _l("Write the value as JSON: \"text\" in quotes, 12, true, "
                                    "null, [1, 2] or {\"a\": 1}."),
                     "too_long": _l("At most 10,000 characters.")}


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[filled(), Length(min=2, max=500)])


class VariableForm(FlaskForm):
    name = StringField(_l("Variable"), filters=[strip], validators=[filled(), Length(max=64)])
    value = TextAreaField(_l("New value (JSON)"), filters=[strip],
                          validators=[filled(), Length(max=10_000)])


@bp.get("/")
@roles_required(Role.SYSADMIN)
def index() -> ResponseReturnValue:
    """The totals; the processes with their versions and instances by state are listed on
    the processes page (one list), which links here for each version's instances."""
    return render_template("operations/index.html",
                           totals=operations.totals(database.session(), actor()))


@bp.get("/instances")
@roles_required(Role.SYSADMIN)
def instances() -> ResponseReturnValue:
    asked = _filter()
    page = operations.search(database.session(), actor(), asked, page_arg(), PER_PAGE)
    keys = operations.process_keys(database.session(), actor())
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_template("operations/instances.html", page=page, asked=asked, keys=keys,
                           states=STATES, args=args)


@bp.get("/instances/<int:instance_id>")
@roles_required(Role.SYSADMIN)
def instance(instance_id: int) -> ResponseReturnValue:
    detail = operations.instance(database.session(), actor(), instance_id)
    return render_template(
        "operations/instance.html", detail=detail, row=detail.row, states=STATES,
        reason_form=recall(ReasonForm, f"ops:reason:{instance_id}") or ReasonForm(),
        variable_form=recall(VariableForm, f"ops:variable:{instance_id}") or VariableForm(),
        action_form=ActionForm(), live=detail.row.status in operations.LIVE, now=clock.now(),
        sources=SOURCES)


@bp.post("/instances/<int:instance_id>/<any(suspend, resume, terminate):action>")
@roles_required(Role.SYSADMIN)
def lifecycle(instance_id: int, action: str) -> ResponseReturnValue:
    form = ReasonForm()
    back = url_for("operations.instance", instance_id=instance_id)
    if not form.validate():
        return send_back(form, f"ops:reason:{instance_id}", back) or redirect(back)
    try:
        ACTIONS[action](database.session(), actor(), instance_id, form.reason.data)
    except Conflict:
        database.rollback()
        flash(_("The instance is no longer in a state that allows this; see its state now."),
              "error")
        return redirect(back)
    database.commit()
    flash({"suspend": _("The instance is suspended: its timers wait and its tasks cannot be "
                        "completed until it is resumed."),
           "resume": _("The instance runs again."),
           "terminate": _("The instance is terminated.")}[action], "success")
    return redirect(back)


@bp.post("/instances/<int:instance_id>/variable")
@roles_required(Role.SYSADMIN)
def variable(instance_id: int) -> ResponseReturnValue:
    form = VariableForm()
    back = url_for("operations.instance", instance_id=instance_id, _anchor="variables")
    if form.validate():
        try:
            operations.set_variable(database.session(), actor(), instance_id, form.name.data,
                                    form.value.data)
        except InvalidInput as exc:
            database.rollback()
            fields = exc.details.get("fields")
            for name, code in (fields.items() if isinstance(fields, dict) else ()):
                form[name].errors = [str(VARIABLE_REFUSALS.get(code, code))]
        except Conflict:
            database.rollback()
            flash(_("A finished instance keeps its variables."), "error")
            return redirect(back)
        else:
            database.commit()
            flash(_("%(name)s changed.", name=form.name.data), "success")
            return redirect(back)
    return send_back(form, f"ops:variable:{instance_id}", back) or redirect(back)


@bp.get("/incidents")
@roles_required(Role.SYSADMIN)
def incidents() -> ResponseReturnValue:
    return render_template("operations/incidents.html",
                           incidents=operations.open_incidents(database.session(), actor()),
                           action_form=ActionForm(), sources=SOURCES)


@bp.post("/incidents/retry")
@roles_required(Role.SYSADMIN)
def retry_incidents() -> ResponseReturnValue:
    back = request.form.get("back") == "instance"
    ids = [int(i) for i in request.form.getlist("incident") if i.isdigit() and len(i) < 10]
    instance_id = arg_int("instance")
    target = (url_for("operations.instance", instance_id=instance_id)
              if back and instance_id else url_for("operations.incidents"))
    if not ActionForm().validate_on_submit() or not ids:
        flash(_("Choose the incidents to retry."), "error")
        return redirect(target)
    done, skipped = operations.retry_incidents(database.session(), actor(), ids)
    database.commit()
    flash(_("%(n)d incident(s) retried: their instances run again and their timers are due "
            "at once.", n=len(done)) + (" " + _("%(m)d were already resolved.", m=len(skipped))
                                        if skipped else ""), "success")
    return redirect(target)


@bp.get("/timers")
@roles_required(Role.SYSADMIN)
def timers() -> ResponseReturnValue:
    page = operations.timer_queue(database.session(), actor(), page_arg(), PER_PAGE)
    return render_template("operations/timers.html", page=page, now=clock.now())


@bp.get("/versions/<int:definition_id>")
@roles_required(Role.SYSADMIN)
def version(definition_id: int) -> ResponseReturnValue:
    definition = _definition(definition_id)
    counts = operations.element_counts(database.session(), actor(), definition_id)
    names = element_names(definition.bpmn_xml)  # in the diagram's order
    order = {element: at for at, element in enumerate(names)}
    rows = [(local_name(names.get(e)), e, c)
            for e, c in sorted(counts.items(), key=lambda i: (order.get(i[0], len(order)), i[0]))]
    return render_template("operations/version.html", definition=definition, counts=rows)


@bp.get("/versions/<int:definition_id>/diagram.bpmn")
@roles_required(Role.SYSADMIN)
def version_diagram(definition_id: int) -> ResponseReturnValue:
    return Response(_definition(definition_id).bpmn_xml, mimetype="application/xml")


@bp.get("/versions/<int:definition_id>/counts.json")
@roles_required(Role.SYSADMIN)
def version_counts(definition_id: int) -> ResponseReturnValue:
    _definition(definition_id)
    counts = operations.element_counts(database.session(), actor(), definition_id)
    return jsonify({element: {"running": c.running, "late": c.late, "incidents": c.incidents}
                    for element, c in counts.items()})


def _definition(definition_id: int) -> ProcessDefinition:
    definition = database.session().get(ProcessDefinition, definition_id)
    if definition is None:
        raise NotFound(f"no process version {definition_id}", code="no_such_definition")
    return definition


def _filter() -> operations.InstanceFilter:
    status = request.args.get("status") or None
    since, until = parse_day(request.args.get("from")), parse_day(request.args.get("until"))
    return operations.InstanceFilter(
        key=(request.args.get("key") or "").strip() or None,
        status=InstanceStatus(status) if status in set(InstanceStatus) else None,
        entity=(request.args.get("entity") or "").strip()[:200] or None,
        business_key=(request.args.get("business_key") or "").strip()[:200] or None,
        started_from=clock.start_of_day(since) if since else None,
        started_until=clock.start_of_day(until + timedelta(days=1)) if until else None)
