"""Processes and their diagrams: the versions deployed (with instance counts, who, when and
why), a version's diagram, the visual difference of two versions, and the modeler that
saves a draft and deploys it after the server's checks. System administrators change;
department administrators read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest

from engine.errors import DeploymentError, InvalidInput, NotFound
from engine.models import Role
from engine.runtime import drafts, form_catalogue
from engine.runtime.deploy import latest_definition
from webapp import database
from webapp.access import actor, roles_required, user

bp = Blueprint("processes", __name__, url_prefix="/processes")
READERS = (Role.SYSADMIN, Role.DEPT_ADMIN)
LANE_MEANINGS = {
    "department": _l("Officers of the department the case was routed to"),
    "department_admin": _l("Administrators of the department the case was routed to"),
    "registrar": _l("Officers of the market regulator that registered the entity"),
    "reviewer": _l("A second pair of eyes: administrators of the handling department"),
    "supervisor": _l("The joint-meeting office of the entity's area"),
}
NEW_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="new_process_definitions" targetNamespace="http://creditflow.local/bpmn">
  <bpmn:collaboration id="new_process_collaboration">
    <bpmn:participant id="new_process_participant" name="新流程 New process"
      processRef="new_process" />
  </bpmn:collaboration>
  <bpmn:process id="new_process" name="新流程 New process" isExecutable="true">
    <bpmn:laneSet id="new_process_lanes">
      <bpmn:lane id="lane_department" name="承办部门 department">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="开始 Start" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="new_process_diagram">
    <bpmndi:BPMNPlane id="new_process_plane" bpmnElement="new_process_collaboration">
      <bpmndi:BPMNShape id="new_process_participant_di" bpmnElement="new_process_participant"
        isHorizontal="true">
        <dc:Bounds x="120" y="60" width="800" height="250" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="lane_department_di" bpmnElement="lane_department"
        isHorizontal="true">
        <dc:Bounds x="150" y="60" width="770" height="250" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="202" y="167" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""

FIELD_KINDS = {
    "text": _l("text"), "textarea": _l("long text"), "number": _l("number"),
    "money": _l("amount of money"), "date": _l("date"), "select": _l("one choice"),
    "multiselect": _l("several choices"), "uscc": _l("credit code"), "org": _l("unit"),
    "user": _l("person"), "file": _l("file"),
}
PANEL_LABELS = {
    "names": _l("Names"), "nameZh": _l("Chinese name"), "nameEn": _l("English name"),
    "lane": _l("Lane"), "laneRole": _l("Role in the case"),
    "laneNoRole": _l("Choose a role: a user task in a lane without one cannot be deployed."),
    "choose": _l("(choose)"), "task": _l("User task"), "form": _l("Form"),
    "viewForm": _l("View this form"), "unknownForm": _l("no such form"),
    "noForm": _l("Without a form the task only asks to complete it."),
    "noFormOption": _l("(no form)"), "due": _l("Due within (working days)"),
    "followUp": _l("Follow up after (working days)"),
    "workingDays": _l("Working days, counted by the area's calendar."),
    "wholeDays": _l("A whole number of working days."), "priority": _l("Priority"),
    "priorityDefault": _l("(normal)"), "high": _l("high"), "normal": _l("normal"),
    "low": _l("low"), "reminder": _l("Reminder after (working days)"),
    "escalation": _l("Escalation after (working days)"),
    "timerHelp": _l("Writes a boundary timer on the task; leave blank for none."),
    "reminderName": _l("Reminder after %d working days"),
    "escalationName": _l("Escalation after %d working days"),
    "timer": _l("Timer"), "timerDays": _l("After (working days)"),
    "timerOther": _l("Now written as:"), "script": _l("Script"),
    "scriptText": _l("Script (checked by the server as you type)"),
    "condition": _l("Condition"),
    "conditionText": _l("Condition (checked by the server as you type)"),
    "checkEmpty": _l("Nothing to check."), "checking": _l("Checking…"),
    "accepted": _l("The sandbox accepts it."), "refused": _l("Refused:"),
    "lintCount": _l("Lint: %e error(s), %w warning(s)"),
    "lintLaneRole": _l("This lane names no role: choose one in its properties."),
    "lintTaskLane": _l("A user task must lie in a lane with a role."),
    "lintForm": _l("The form %s does not exist."),
    "lintDays": _l("Working days must be a whole number."),
    "lintPriority": _l("Priority must be high, normal or low."),
    "lintTimerEmpty": _l("This timer has no time."),
    "lintTimerDays": _l("Deadlines count working days: set the timer in working days."),
    "saved": _l("Draft saved (%s)."), "notSaved": _l("Not saved:"),
    "commentRequired": _l("Say what this version changes before deploying."),
    "refusedDeploy": _l("Deploy refused."),
}

# bpmn-js's own words (palette, context pad, the panel's standard groups) in the page's
# language; what is not listed here stays as bpmn-js writes it.
LIBRARY_WORDS = {
    "General": _l("General"), "Name": _l("Name"), "ID": _l("Identifier"),
    "Documentation": _l("Documentation"), "Element documentation": _l("Element notes"),
    "Process documentation": _l("Process notes"), "Timer": _l("Timer"), "Type": _l("Type"),
    "Value": _l("Value"), "Date": _l("Date"), "Duration": _l("Duration"),
    "Cycle": _l("Cycle"), "Condition": _l("Condition"), "Executable": _l("Can run"),
    "Activate hand tool": _l("Move the canvas"), "Activate lasso tool": _l("Select an area"),
    "Activate create/remove space tool": _l("Make or remove space"),
    "Activate global connect tool": _l("Connect"), "Create start event": _l("Add a start event"),
    "Create intermediate/boundary event": _l("Add an intermediate or boundary event"),
    "Create end event": _l("Add an end event"), "Create gateway": _l("Add a gateway"),
    "Create task": _l("Add a task"), "Create expanded sub-process": _l("Add a sub-process"),
    "Create data object reference": _l("Add a data object"),
    "Create data store reference": _l("Add a data store"),
    "Create pool/participant": _l("Add a pool"), "Create group": _l("Add a group"),
    "Delete": _l("Delete"), "Change element": _l("Change the kind"),
    "Connect using sequence/message flow or association": _l("Connect"),
    "Append task": _l("Add a task after"), "Append end event": _l("Add an end after"),
    "Append gateway": _l("Add a gateway after"),
    "Append intermediate/boundary event": _l("Add an event after"),
    "Add lane above": _l("Add a lane above"), "Add lane below": _l("Add a lane below"),
    "Divide into two lanes": _l("Divide into two lanes"),
    "Divide into three lanes": _l("Divide into three lanes"),
    "No Issues": _l("No issues"), "{errors} Errors, {warnings} Warnings":
        _l("{errors} errors, {warnings} warnings"),
    "Toggle linting overlays": _l("Show or hide the lint marks"),
    "Issues for child elements": _l("Issues inside"),
    "Process is missing start event": _l("The process has no start event"),
    "Process is missing end event": _l("The process has no end event"),
    "Sub process is missing start event": _l("The sub-process has no start event"),
    "Sub process is missing end event": _l("The sub-process has no end event"),
    "Element is not connected": _l("The element is not connected"),
    "Flow splits implicitly": _l("The flow splits without a gateway"),
}


def _may_edit() -> bool:
    return user().has_role(Role.SYSADMIN)


@bp.get("/")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    return render_template("processes/index.html",
                           processes=drafts.processes(database.session()),
                           shipped=drafts.shipped(), may_edit=_may_edit(), form=FlaskForm())


@bp.get("/<key>/versions/<int:number>")
@roles_required(*READERS)
def version(key: str, number: int) -> ResponseReturnValue:
    session = database.session()
    definition = drafts.version(session, key, number)
    process = drafts.process(session, key)
    return render_template("processes/version.html", definition=definition, process=process,
                           may_edit=_may_edit(), form=FlaskForm())


@bp.get("/<key>/versions/<int:number>/diagram.bpmn")
@roles_required(*READERS)
def version_xml(key: str, number: int) -> ResponseReturnValue:
    definition = drafts.version(database.session(), key, number)
    return Response(definition.bpmn_xml, mimetype="application/xml")


@bp.get("/<key>/diff")
@roles_required(*READERS)
def diff(key: str) -> ResponseReturnValue:
    session = database.session()
    process = drafts.process(session, key)
    numbers = [v.definition.version for v in process.versions]
    if not numbers:
        raise NotFound(f"no version of {key!r}", code="no_such_process")
    newer = request.args.get("b", type=int) or numbers[0]
    older = request.args.get("a", type=int) or (numbers[1] if len(numbers) > 1 else newer)
    drafts.version(session, key, older)
    drafts.version(session, key, newer)
    return render_template("processes/diff.html", process=process, older=older, newer=newer,
                           numbers=numbers)


@bp.get("/new")
@roles_required(Role.SYSADMIN)
def new() -> ResponseReturnValue:
    return render_template("processes/edit.html", key=None, process=None,
                           xml_url=url_for("processes.new_xml"))


@bp.get("/new.bpmn")
@roles_required(Role.SYSADMIN)
def new_xml() -> ResponseReturnValue:
    return Response(NEW_PROCESS, mimetype="application/xml")


@bp.get("/<key>/edit")
@roles_required(Role.SYSADMIN)
def edit(key: str) -> ResponseReturnValue:
    """The draft (else the latest version); `?version=n` starts again from version n."""
    session = database.session()
    process = drafts.process(session, key)
    number = request.args.get("version", type=int)
    xml_url = url_for("processes.draft_xml", key=key)
    if number is not None:
        drafts.version(session, key, number)
        xml_url = url_for("processes.version_xml", key=key, number=number)
    return render_template("processes/edit.html", key=key, process=process, xml_url=xml_url,
                           from_version=number)


@bp.get("/<key>/draft.bpmn")
@roles_required(Role.SYSADMIN)
def draft_xml(key: str) -> ResponseReturnValue:
    """The draft when there is one, else the latest version: what the modeler opens."""
    session = database.session()
    row = drafts.draft(session, key)
    xml = row.bpmn_xml if row is not None else latest_definition(session, key).bpmn_xml
    return Response(xml, mimetype="application/xml")


@bp.post("/copy/<name>")
@roles_required(Role.SYSADMIN)
def copy(name: str) -> ResponseReturnValue:
    """Start from a shipped diagram: it becomes the process's draft, opened in the modeler."""
    if not FlaskForm().validate_on_submit():
        raise BadRequest()
    row = drafts.save_draft(database.session(), actor(), drafts.shipped_xml(name))
    database.commit()
    return redirect(url_for("processes.edit", key=row.key))


@bp.post("/draft")
@roles_required(Role.SYSADMIN)
def save() -> ResponseReturnValue:
    body = _json()
    try:
        row = drafts.save_draft(database.session(), actor(), str(body.get("xml") or ""))
    except InvalidInput:
        database.rollback()
        return jsonify(error=_("This is not a BPMN diagram with an executable process.")), 422
    database.commit()
    return jsonify(key=row.key, saved_by=row.saved_by, saved_at=row.saved_at.isoformat(),
                   edit_url=url_for("processes.edit", key=row.key))


@bp.post("/<key>/deploy")
@roles_required(Role.SYSADMIN)
def deploy(key: str) -> ResponseReturnValue:
    body = _json()
    try:
        definition = drafts.deploy_draft(database.session(), actor(), key,
                                         str(body.get("comment") or ""))
    except DeploymentError as exc:
        database.rollback()
        problems = [{"file": p.file, "element": p.element, "reason": p.reason}
                    for p in exc.problems]
        return jsonify(error=_("Deploy refused: %(n)d problem(s), each marked on its element.",
                               n=len(problems)), problems=problems), 422
    except InvalidInput:
        database.rollback()
        return jsonify(error=_("Say what this version changes."), problems=[]), 422
    database.commit()
    return jsonify(key=definition.key, version=definition.version,
                   url=url_for("processes.version", key=definition.key,
                               number=definition.version))


@bp.post("/check")
@roles_required(Role.SYSADMIN)
def check() -> ResponseReturnValue:
    """The sandbox's word on a script or a condition, as the modeler types it."""
    body = _json()
    source = str(body.get("source") or "")
    if not source.strip():
        return jsonify(problem=None)
    return jsonify(problem=drafts.check_code(source[:20_000], body.get("kind") == "script"))


@bp.get("/modeler.json")
@roles_required(Role.SYSADMIN)
def modeler_data() -> ResponseReturnValue:
    """What the modeler's panel offers: the lane roles and the forms."""
    return jsonify(
        lanes=[{"name": name, "role": role, "org_field": org_field, "joint_office": joint,
                "meaning": str(LANE_MEANINGS.get(name, role))}
               for name, role, org_field, joint in drafts.lane_roles()],
        forms=[{"key": f.key, "zh": f.definition.title_zh, "en": f.definition.title_en,
                "url": url_for("form_editor.edit", form_key=f.key)}
               for f in form_catalogue.catalogue(database.session())],
        labels={name: str(text) for name, text in PANEL_LABELS.items()},
        words={english: str(text) for english, text in LIBRARY_WORDS.items()})


def _json() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest()
    return body
