"""Processes and their diagrams: the versions deployed (with instance counts, who, when and
why), a version's diagram, the visual difference of two versions, and the modeler that
saves a draft and deploys it after the server's checks. System administrators change;
department administrators read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest

from engine.errors import Conflict, DeploymentError, InvalidInput, NotFound
from engine.models import Role
from engine.runtime import drafts, form_catalogue
from engine.runtime.deploy import latest_definition
from webapp import database, deploy_problems
from webapp.access import actor, roles_required, user
from webapp.modeler_words import LIBRARY_WORDS, PANEL_LABELS
from webapp.operations import STATES
from webapp.templating import when as format_when

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
def _may_edit() -> bool:
    return user().has_role(Role.SYSADMIN)


@bp.get("/")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    """Every process with its versions: who deployed each, when and why, its instances by
    state (for system administrators, linked to the operations console: the instances,
    and where they stand on the diagram)."""
    return render_template("processes/index.html",
                           processes=drafts.processes(database.session()),
                           shipped=drafts.shipped(), may_edit=_may_edit(), form=FlaskForm(),
                           states=STATES)


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
    try:
        row = drafts.save_draft(database.session(), actor(), drafts.shipped_xml(name))
    except Conflict as exc:  # someone's draft is there: open it, never overwrite it
        database.rollback()
        flash(_draft_exists(exc) + " " + _("It is opened instead of the shipped diagram."),
              "error")
        return redirect(url_for("processes.edit", key=exc.details["key"]))
    database.commit()
    return redirect(url_for("processes.edit", key=row.key))


@bp.post("/draft")
@roles_required(Role.SYSADMIN)
def save() -> ResponseReturnValue:
    """Save the draft; one saved by someone since this editor opened it (`base`) is
    replaced only when the body says `replace` (the modeler asks the user first)."""
    body = _json()
    try:
        row = drafts.save_draft(database.session(), actor(), str(body.get("xml") or ""),
                                _base(body.get("base")), body.get("replace") is True)
    except InvalidInput:
        database.rollback()
        return jsonify(error=_("This is not a BPMN diagram with an executable process.")), 422
    except Conflict as exc:
        database.rollback()
        return jsonify(error=_draft_exists(exc), conflict=True,
                       ask=_("Replace their draft with yours?")), 409
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
        problems = [deploy_problems.as_json(p) for p in exc.problems]
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
    """The sandbox's word on a script or a condition as the modeler types it, worded as
    deploy words it (the sandbox's own words apart)."""
    body = _json()
    source = str(body.get("source") or "")
    if not source.strip():
        return jsonify(problem=None)
    problem = drafts.check_code(source[:20_000], body.get("kind") == "script")
    return jsonify(problem=deploy_problems.as_json(problem) if problem else None)


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


def _draft_exists(exc: Conflict) -> str:
    return _("%(who)s saved a draft of this process at %(when)s, after you opened yours.",
             who=exc.details["saved_by"], when=format_when(exc.details["saved_at"]))


def _base(value: object) -> datetime | None:
    """The saved_at of the draft the modeler opened (ISO), None when it opened none."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        raise BadRequest() from None


def _json() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest()
    return body
