"""Deploying diagrams as immutable, versioned process definitions."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.config import Settings
from engine.db import settings_of
from engine.errors import DeploymentError, DeploymentProblem, NotFound, SandboxViolation
from engine.models import FormVersion, ProcessDefinition
from engine.runtime.derive import PRIORITIES, properties_of
from engine.runtime.form_versions import form_known, forms_to_pin, pin, pinned_digest
from engine.runtime.forms import FORMS_DIR, form_exists
from engine.runtime.schedule_rows import occurrence, schedule_version, timer_starts
from engine.workflow import ParsedProcess, bounds, dump_spec, isolation, sandbox
from engine.workflow.bounds import Bounds, OutOfBounds
from engine.workflow.constructs import unsupported
from engine.workflow.expressions import Code, code_of, is_literal
from engine.workflow.isolation import Isolation
from engine.workflow.parser import parse_processes
from rules.lanes import lane_rule


def deploy(session: Session, actor: audit.Actor, files: Iterable[tuple[str, bytes]],
           forms_dir: Path = FORMS_DIR, comment: str | None = None
           ) -> tuple[ProcessDefinition, bool]:
    """Store BPMN files (with their DMN tables) as the next version of the process they
    hold; `deploy_all` for a collaboration of several. Returns the definition and whether
    it is new: identical content is a no-op that returns the version already stored.
    Raises DeploymentError naming the file, element and reason of every problem found.
    """
    return deploy_all(session, actor, files, forms_dir, comment)[0]


def deploy_all(session: Session, actor: audit.Actor, files: Iterable[tuple[str, bytes]],
               forms_dir: Path = FORMS_DIR, comment: str | None = None
               ) -> list[tuple[ProcessDefinition, bool]]:
    """Deploy every top-level executable process the files hold (a collaboration may hold
    several; a process that another one calls is deployed with its caller). A call activity
    finds its process among the files, else the latest deployed version of it, which the
    new version then carries (the version is recorded in `calls`)."""
    files = list(files)
    parsed_all = parse_processes(files, partial(deployed_files, session))
    has_form = partial(form_known, session, forms_dir=forms_dir)
    problems = [p for parsed in parsed_all
                for p in check_process(parsed, forms_dir, settings_of(session), has_form)]
    if problems:
        raise DeploymentError(problems)
    stored = []
    for parsed in parsed_all:  # each with the form versions it carries (forms/ deployed)
        pins = forms_to_pin(session, parsed, forms_dir)
        digest = pinned_digest(_digest(files, parsed, len(parsed_all)), pins)
        stored.append(_store(session, actor, parsed, digest, comment, pins))
    return stored


def deployed_files(session: Session, key: str) -> tuple[int, list[tuple[str, str]]] | None:
    """The latest deployed version of a process and its own BPMN files (parser.Deployed)."""
    try:
        definition = latest_definition(session, key)
    except NotFound:
        return None
    return definition.version, _bpmn_files(definition)


def _digest(files: list[tuple[str, bytes]], parsed: ParsedProcess, processes: int) -> str:
    """The files' hash; with the key and the called versions when those vary (a version
    of a process stays what its own files and the versions it calls make it)."""
    digest = _sha256(files)
    if processes == 1 and not parsed.calls:
        return digest  # as before several processes and calls: stored versions match
    extra = json.dumps([parsed.key, sorted(parsed.calls.items())]).encode()
    return hashlib.sha256(digest.encode() + extra).hexdigest()


def _store(session: Session, actor: audit.Actor, parsed: ParsedProcess, digest: str,
           comment: str | None, pins: dict[str, FormVersion]) -> tuple[ProcessDefinition, bool]:
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
        extra_bpmn=[list(pair) for pair in parsed.extra_bpmn], calls=parsed.calls,
        spec_json=dump_spec(parsed.spec, parsed.subprocess_specs),
        deployed_by=actor.name, deployed_at=clock.now(), comment=comment,
    )
    session.add(definition)
    session.flush()
    pin(session, definition, pins)
    schedule_version(session, definition, parsed.spec)
    audit.record(session, actor, "process.deploy", "process_definition", definition.id,
                 key=definition.key, version=definition.version, sha256=digest,
                 files=parsed.file_names, calls=parsed.calls, comment=comment,
                 forms={key: row.version for key, row in pins.items()})
    return definition, True


def deploy_paths(session: Session, actor: audit.Actor, paths: Iterable[Path],
                 forms_dir: Path = FORMS_DIR) -> tuple[ProcessDefinition, bool]:
    return deploy(session, actor, [(p.name, p.read_bytes()) for p in paths], forms_dir)


log = logging.getLogger(__name__)
REDEPLOYER = audit.Actor("system:calls", "engine")


def deploy_shipped(session: Session, key: str, diagram: Path) -> None:
    """Deploy a shipped diagram when no version of its process is deployed yet (a
    concurrent first use may deploy it first: then theirs is used)."""
    try:
        latest_definition(session, key)
    except NotFound:
        try:
            with session.begin_nested():
                deploy_paths(session, audit.SYSTEM, [diagram])
        except IntegrityError:
            latest_definition(session, key)


def latest_definition(session: Session, key: str) -> ProcessDefinition:
    """The newest version of a process; NotFound when none is deployed."""
    definition = session.execute(
        select(ProcessDefinition).where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    ).scalar()
    if definition is None:
        raise NotFound(f"no process {key!r} is deployed", code="no_such_process")
    return definition


def startable_definition(session: Session, key: str) -> ProcessDefinition:
    """The version a new case of the process starts on: the latest, carrying the latest
    versions of the processes it calls. When one of those has a newer version than the
    caller carries, the caller's own files are deployed again (by the system, audited) so
    the case starts on a version with it; the case then keeps that version for good."""
    definition = latest_definition(session, key)
    if not definition.calls:
        return definition
    newest = dict(session.execute(
        select(ProcessDefinition.key, func.max(ProcessDefinition.version))
        .where(ProcessDefinition.key.in_(list(definition.calls)))
        .group_by(ProcessDefinition.key)).all())
    if all(newest.get(k, v) == v for k, v in definition.calls.items()):
        return definition
    try:
        with session.begin_nested():
            deployed = deploy_all(session, REDEPLOYER, own_files(definition))
    except DeploymentError as exc:  # checks tightened since: start on the version it has
        log.warning("process %s keeps version %s: deploying it with the processes it calls "
                    "was refused: %s", key, definition.version, exc)
        return definition
    return next((d for d, _created in deployed if d.key == key), definition)


def own_files(definition: ProcessDefinition) -> list[tuple[str, bytes]]:
    """The files a version was deployed from (its BPMN files, then its DMN tables)."""
    bpmn = _bpmn_files(definition)
    taken = {name for name, _text in bpmn}
    dmn_names = [n for n in definition.file_names if n not in taken]
    dmn = list(zip(dmn_names, definition.dmn_xml or [], strict=False))
    return [(name, text.encode("utf-8")) for name, text in [*bpmn, *dmn]]


def _bpmn_files(definition: ProcessDefinition) -> list[tuple[str, str]]:
    """A version's own BPMN files as (name, text): the one holding the process first."""
    main = definition.file_names[0] if definition.file_names else f"{definition.key}.bpmn"
    return [(main, definition.bpmn_xml), *((n, t) for n, t in definition.extra_bpmn or [])]


def _sha256(files: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for _name, content in sorted(files, key=lambda f: f[1]):
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def check_process(parsed: ParsedProcess, forms_dir: Path = FORMS_DIR,
                  settings: Settings | None = None,
                  has_form: Callable[[str], bool] | None = None) -> list[DeploymentProblem]:
    """Every reason the parsed process may not run here: lanes, forms, unsafe code, bounds.
    A form exists when `has_form` says so (the database's), else when forms/ ships it."""
    settings = settings or Settings()
    has_form = has_form or partial(form_exists, forms_dir=forms_dir)
    problems: list[DeploymentProblem] = []
    own = {name for name, _text in parsed.own_files()}
    for spec in [parsed.spec, *parsed.subprocess_specs.values()]:
        file = getattr(spec, "file", None) or parsed.bpmn_file
        if file in own:  # a called deployed process was checked when it was deployed
            problems.extend(_check_spec(spec, file, has_form, settings))
    for element, event in timer_starts(parsed.spec):
        try:
            occurrence(element, event, clock.now(), settings.timer_max_cycle_repetitions)
        except Exception as exc:  # a value the timer cannot read, or not a literal
            problems.append(DeploymentProblem(parsed.bpmn_file, element,
                                              f"timer start event: {exc}"))
    specs = {parsed.key: parsed.spec, **parsed.subprocess_specs}
    problems.extend(DeploymentProblem(parsed.bpmn_file, element, reason)
                    for element, reason in unsupported(parsed.key, specs, parsed.own_files()))
    return problems


def _check_spec(spec: BpmnProcessSpec, file: str, has_form: Callable[[str], bool],
                settings: Settings) -> list[DeploymentProblem]:
    problems: list[DeploymentProblem] = []
    user_tasks = {getattr(t, "bpmn_id", None) for t in spec.task_specs.values()
                  if getattr(t, "manual", False)}
    for task_spec in spec.task_specs.values():
        element = getattr(task_spec, "bpmn_id", None) or task_spec.name
        reasons = _loop_problems(task_spec, settings)
        if getattr(task_spec, "manual", False):
            reasons += _user_task_problems(task_spec, has_form, settings)
            holder_from = properties_of(task_spec).get("holderFrom")
            if holder_from is not None and (holder_from not in user_tasks
                                            or holder_from == element):
                reasons.append(f"holderFrom {holder_from!r} names no other user task "
                               "of this process")
        problems.extend(DeploymentProblem(file, element, reason) for reason in reasons)
    for code in code_of(spec):
        reason = _code_problem(code, settings)
        if reason is not None:
            problems.append(DeploymentProblem(file, code.element, reason))
    return problems


def _code_problem(code: Code, settings: Settings) -> str | None:
    """Why a script or expression may not run: the sandbox refuses it, or, where its value
    is literal, that value is beyond the bounds. A literal is worked out in the bounded
    worker: `'a' * 10**6 in [...] * 10**6` is a literal too."""
    try:
        if code.statements:
            sandbox.check_script(code.source)
            return None
        sandbox.check_expression(code.source)
        if code.bounded and is_literal(code.source):
            limits = sandbox.Limits(settings.sandbox_timeout_seconds, settings.sandbox_max_size)
            value = isolation.evaluate(code.source, {}, limits, Isolation.of(settings))
            _check_literal(code.bounded, value, Bounds.of(settings))
    except SandboxViolation as exc:
        return f"{code.what} refused by the sandbox: {exc.message}"
    except SyntaxError as exc:
        return f"{code.what} is not valid: {exc.msg}"
    except OutOfBounds as exc:
        return f"{code.what} refused: {exc}"
    except Exception as exc:  # a literal that fails to evaluate, e.g. 1 / 0
        return f"{code.what} cannot be evaluated: {exc}"
    return None


def _check_literal(kind: str, value: object, limits: Bounds) -> None:
    if kind == "cardinality":
        bounds.check_cardinality(value, limits)
    else:
        bounds.check_timer(kind, value, limits, clock.now())


def _loop_problems(task_spec: object, settings: Settings) -> list[str]:
    """A standard loop's maximum within the bound (the parser asks for a maximum or a
    condition; a condition that stays true is stopped at run time)."""
    if not isinstance(task_spec, StandardLoopTask):
        return []
    if task_spec.maximum is not None and task_spec.maximum > settings.max_loop_cardinality:
        return [f"loopMaximum {task_spec.maximum:,} is more than "
                f"{settings.max_loop_cardinality:,} (setting max_loop_cardinality)"]
    return []


def _user_task_problems(task_spec: object, has_form: Callable[[str], bool],
                        settings: Settings) -> list[str]:
    problems: list[str] = []
    lane = getattr(task_spec, "lane", None)
    if lane_rule(lane) is None:
        problems.append(f"user task in lane {lane!r}, which has no assignment rule"
                        if lane else "user task outside any lane has no assignment rule")
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    form_key = properties.get("formKey")
    if form_key and not has_form(form_key):
        problems.append(f"form key {form_key!r} has no form in forms/")
    for name in ("dueWorkingDays", "followUpWorkingDays"):
        problems.extend(_workdays_problems(name, properties.get(name), settings))
    priority = properties.get("priority")
    if priority is not None and priority not in PRIORITIES:
        problems.append(f"priority must be one of {sorted(PRIORITIES)}, got {priority!r}")
    return problems


def _workdays_problems(name: str, value: str | None, settings: Settings) -> list[str]:
    """A task's count of working days: whole, and within what the calendar may count."""
    if value is None:
        return []
    if not value.strip().isdecimal():
        return [f"{name} must be a whole number of working days, got {value!r}"]
    if int(value) > settings.rule_max_workdays:
        return [f"{name} {int(value):,} is more than {settings.rule_max_workdays:,} working "
                "days (setting rule_max_workdays)"]
    return []
