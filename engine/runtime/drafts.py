"""Processes as the modeler sees them: deployed versions with their instance counts, the
draft an administrator saved, its deploy with a comment, and the checks the modeler asks
for while one types (the same sandbox checks deploy runs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.config import PROJECT_DIR
from engine.errors import (
    Conflict,
    DeploymentProblem,
    EngineError,
    InvalidInput,
    NotFound,
    SandboxViolation,
)
from engine.models import InstanceStatus, ProcessDefinition, ProcessDraft, ProcessInstance
from engine.runtime.deploy import deploy_all, latest_definition, own_files
from engine.runtime.forms import FORMS_DIR
from engine.workflow import sandbox
from engine.workflow.xml import BPMN_NS, kind_of, parse_xml
from rules.lanes import LANE_RULES

SHIPPED_DIR = PROJECT_DIR / "bpmn"
MAX_DRAFT_CHARS = 2_000_000
MAX_COMMENT_CHARS = 2_000


@dataclass
class Version:
    definition: ProcessDefinition
    counts: dict[str, int] = field(default_factory=dict)  # instance status -> count


@dataclass
class Process:
    key: str
    name: str
    versions: list[Version]  # newest first
    draft: ProcessDraft | None = None


def processes(session: Session) -> list[Process]:
    """Every process deployed or drafted, by key, with its versions (newest first)."""
    counts: dict[int, dict[str, int]] = {}
    for definition_id, status, n in session.execute(
            select(ProcessInstance.definition_id, ProcessInstance.status, func.count())
            .group_by(ProcessInstance.definition_id, ProcessInstance.status)):
        counts.setdefault(definition_id, {})[InstanceStatus(status).value] = n
    found: dict[str, Process] = {}
    for definition in session.execute(select(ProcessDefinition).order_by(
            ProcessDefinition.key, ProcessDefinition.version.desc())).scalars():
        process = found.setdefault(definition.key,
                                   Process(definition.key, definition.name, []))
        process.versions.append(Version(definition, counts.get(definition.id, {})))
    for draft in session.execute(select(ProcessDraft)).scalars():
        found.setdefault(draft.key, Process(draft.key, draft.key, [])).draft = draft
    return sorted(found.values(), key=lambda p: p.key)


def process(session: Session, key: str) -> Process:
    """One process (NotFound when it has neither a version nor a draft)."""
    for candidate in processes(session):
        if candidate.key == key:
            return candidate
    raise NotFound(f"no process {key!r}", code="no_such_process")


def version(session: Session, key: str, number: int) -> ProcessDefinition:
    definition = session.execute(select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version == number)).scalar()
    if definition is None:
        raise NotFound(f"no version {number} of process {key!r}", code="no_such_process")
    return definition


def shipped() -> list[tuple[str, str, str]]:
    """The diagrams shipped in bpmn/: (file stem, process key, process name), by file."""
    found = []
    for path in sorted(SHIPPED_DIR.glob("*.bpmn")):
        xml = path.read_text(encoding="utf-8")
        key = process_key(xml)
        names = [element.get("name") for element in parse_xml(xml).iter(f"{{{BPMN_NS}}}process")
                 if element.get("id") == key]
        found.append((path.stem, key, names[0] if names and names[0] else key))
    return found


def shipped_xml(name: str) -> str:
    path = SHIPPED_DIR / f"{name}.bpmn"
    if name not in {stem for stem, _key, _name in shipped()} or not path.is_file():
        raise NotFound(f"no shipped diagram {name!r}", code="no_such_process")
    return path.read_text(encoding="utf-8")


def process_key(xml: str) -> str:
    """The id of the diagram's executable process (the key it deploys under)."""
    try:
        root = parse_xml(xml)
    except EngineError as exc:
        raise InvalidInput(str(exc), code="not_a_diagram") from exc
    except Exception as exc:  # lxml's own errors for what is not XML at all
        raise InvalidInput(f"not a diagram: {exc}", code="not_a_diagram") from exc
    if kind_of(root) != "bpmn":
        raise InvalidInput("not a BPMN diagram", code="not_a_diagram")
    for element in root.iter(f"{{{BPMN_NS}}}process"):
        if element.get("isExecutable") == "true" and element.get("id"):
            return str(element.get("id"))
    raise InvalidInput("the diagram has no executable process", code="not_a_diagram")


def draft(session: Session, key: str) -> ProcessDraft | None:
    return session.execute(select(ProcessDraft).where(ProcessDraft.key == key)).scalar()


def save_draft(session: Session, actor: audit.Actor, xml: str,
               base: datetime | None = None, replace: bool = False) -> ProcessDraft:
    """Keep the diagram as its process's draft. Nothing is checked but that it is a
    diagram: the draft is work in progress. One draft per process: a draft saved since the
    one the editor opened (`base`, its saved_at; None: none) is someone else's work, and
    is replaced only when asked (`replace`); else Conflict `draft_changed` says who saved it
    and when."""
    if len(xml) > MAX_DRAFT_CHARS:
        raise InvalidInput("the diagram is too large", code="not_a_diagram")
    key = process_key(xml)
    row = draft(session, key)
    if row is not None and row.saved_at != base and not replace:
        raise Conflict(f"{row.saved_by} saved a draft of {key!r} at {row.saved_at.isoformat()}",
                       code="draft_changed", key=key, saved_by=row.saved_by,
                       saved_at=row.saved_at)
    if row is None:
        row = ProcessDraft(key=key, bpmn_xml=xml, saved_by=actor.name, saved_at=clock.now())
        session.add(row)
    else:
        row.bpmn_xml, row.saved_by, row.saved_at = xml, actor.name, clock.now()
    session.flush()
    audit.record(session, actor, "process.draft", "process_draft", row.id, key=key)
    return row


def deploy_draft(session: Session, actor: audit.Actor, key: str, comment: str
                 ) -> ProcessDefinition:
    """Deploy the draft as the process's next version, with the deployer's comment, after
    every deploy check (DeploymentError lists the problems; the draft is kept). The draft
    goes with the decision tables of the latest version. On success the draft is done."""
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput("say what this version changes", code="deploy_comment_required",
                           fields={"comment": "required"})
    row = draft(session, key)
    if row is None:
        raise NotFound(f"no draft of process {key!r}", code="no_such_draft")
    files: list[tuple[str, bytes]] = [(f"{key}.bpmn", row.bpmn_xml.encode("utf-8"))]
    try:
        latest = latest_definition(session, key)
    except NotFound:
        pass
    else:
        main = latest.file_names[0] if latest.file_names else f"{key}.bpmn"
        files = [(main, files[0][1]), *((name, text) for name, text in own_files(latest)[1:])]
    deployed = deploy_all(session, actor, files, FORMS_DIR, comment[:MAX_COMMENT_CHARS])
    definition = next((d for d, _new in deployed if d.key == key), deployed[0][0])
    session.delete(row)
    session.flush()
    return definition


def check_code(source: str, statements: bool) -> DeploymentProblem | None:
    """Why the sandbox would refuse a script (`statements`) or a condition, as deploy says
    it (the code and params a page words, the sandbox's or the parser's words as `detail`),
    or None."""
    what = "script" if statements else "condition"
    try:
        if statements:
            sandbox.check_script(source)
        else:
            sandbox.check_expression(source)
    except SandboxViolation as exc:
        return DeploymentProblem("", None, f"{what} refused by the sandbox: {exc.message}",
                                 "code_refused", what=what, detail=exc.message)
    except SyntaxError as exc:
        detail = f"{exc.msg} (line {exc.lineno})"
        return DeploymentProblem("", None, f"{what} is not valid: {detail}", "code_invalid",
                                 what=what, detail=detail)
    return None


def lane_roles() -> list[tuple[str, str, str | None, bool]]:
    """The lane rules: (lane key, role, org field, joint office of the area)."""
    return [(name, rule.role, rule.org_field, rule.joint_office_of_area)
            for name, rule in LANE_RULES.items()]
