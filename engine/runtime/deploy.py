"""Deploying diagrams as immutable, versioned process definitions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import DeploymentError, DeploymentProblem, NotFound, SandboxViolation
from engine.models import ProcessDefinition
from engine.runtime.derive import PRIORITIES
from engine.runtime.forms import FORMS_DIR, form_exists
from engine.workflow import ParsedProcess, dump_spec, parse_process, sandbox
from rules.lanes import lane_rule


def deploy(session: Session, actor: audit.Actor, files: Iterable[tuple[str, bytes]],
           forms_dir: Path = FORMS_DIR) -> tuple[ProcessDefinition, bool]:
    """Store a BPMN file (with its DMN tables) as the next version of its process.

    Returns the definition and whether it is new: identical content is a no-op
    that returns the version already stored. Raises DeploymentError naming the
    file, element and reason of every problem found.
    """
    files = list(files)
    parsed = parse_process(files)
    problems = check_process(parsed, forms_dir)
    if problems:
        raise DeploymentError(problems)
    digest = _sha256(files)
    existing = session.execute(
        select(ProcessDefinition).where(ProcessDefinition.key == parsed.key,
                                        ProcessDefinition.sha256 == digest)
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    latest = session.execute(
        select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == parsed.key)
    ).scalar()
    definition = ProcessDefinition(
        key=parsed.key, version=(latest or 0) + 1, name=parsed.name, sha256=digest,
        bpmn_xml=parsed.bpmn_xml, dmn_xml=parsed.dmn_xml, file_names=parsed.file_names,
        spec_json=dump_spec(parsed.spec, parsed.subprocess_specs),
        deployed_by=actor.name, deployed_at=clock.now(),
    )
    session.add(definition)
    session.flush()
    audit.record(session, actor, "process.deploy", "process_definition", definition.id,
                 key=definition.key, version=definition.version, sha256=digest,
                 files=parsed.file_names)
    return definition, True


def deploy_paths(session: Session, actor: audit.Actor, paths: Iterable[Path],
                 forms_dir: Path = FORMS_DIR) -> tuple[ProcessDefinition, bool]:
    return deploy(session, actor, [(p.name, p.read_bytes()) for p in paths], forms_dir)


def latest_definition(session: Session, key: str) -> ProcessDefinition:
    """The newest version of a process; NotFound when none is deployed."""
    definition = session.execute(
        select(ProcessDefinition).where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    ).scalar()
    if definition is None:
        raise NotFound(f"no process {key!r} is deployed", code="no_such_process")
    return definition


def _sha256(files: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for _name, content in sorted(files, key=lambda f: f[1]):
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def check_process(parsed: ParsedProcess, forms_dir: Path = FORMS_DIR) -> list[DeploymentProblem]:
    """Every reason the parsed process may not run here: lanes, forms, unsafe code."""
    problems: list[DeploymentProblem] = []
    for spec in [parsed.spec, *parsed.subprocess_specs.values()]:
        problems.extend(_check_spec(spec, parsed.bpmn_file, forms_dir))
    return problems


def _check_spec(spec: BpmnProcessSpec, file: str, forms_dir: Path) -> list[DeploymentProblem]:
    problems: list[DeploymentProblem] = []

    def refuse(task_spec: object, reason: str) -> None:
        problems.append(DeploymentProblem(file, getattr(task_spec, "bpmn_id", None) or
                                          getattr(task_spec, "name", None), reason))

    def check_code(task_spec: object, what: str, source: str | None, expression: bool) -> None:
        if not source:
            return
        try:
            (sandbox.check_expression if expression else sandbox.check_script)(source)
        except SandboxViolation as exc:
            refuse(task_spec, f"{what} refused by the sandbox: {exc.message}")
        except SyntaxError as exc:
            refuse(task_spec, f"{what} is not valid: {exc.msg}")

    for task_spec in spec.task_specs.values():
        if getattr(task_spec, "manual", False):
            for reason in _user_task_problems(task_spec, forms_dir):
                refuse(task_spec, reason)
        check_code(task_spec, "script", getattr(task_spec, "script", None), False)
        check_code(task_spec, "pre-script", getattr(task_spec, "prescript", None), False)
        check_code(task_spec, "post-script", getattr(task_spec, "postscript", None), False)
        for condition, _target in getattr(task_spec, "cond_task_specs", None) or []:
            if condition is not None:
                check_code(task_spec, "condition", condition.args[0], True)
        event = getattr(task_spec, "event_definition", None)
        if isinstance(event, TimerEventDefinition):
            check_code(task_spec, "timer expression", event.expression, True)
    return problems


def _user_task_problems(task_spec: object, forms_dir: Path) -> list[str]:
    problems: list[str] = []
    lane = getattr(task_spec, "lane", None)
    if lane_rule(lane) is None:
        problems.append(f"user task in lane {lane!r}, which has no assignment rule"
                        if lane else "user task outside any lane has no assignment rule")
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    form_key = properties.get("formKey")
    if form_key and not form_exists(form_key, forms_dir):
        problems.append(f"form key {form_key!r} has no form in forms/")
    due = properties.get("dueWorkingDays")
    if due is not None and not due.strip().isdigit():
        problems.append(f"dueWorkingDays must be a whole number of working days, got {due!r}")
    priority = properties.get("priority")
    if priority is not None and priority not in PRIORITIES:
        problems.append(f"priority must be one of {sorted(PRIORITIES)}, got {priority!r}")
    return problems
