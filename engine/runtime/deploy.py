"""Deploying diagrams as immutable, versioned process definitions."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import settings_of
from engine.errors import DeploymentError, NotFound
from engine.models import FormVersion, ProcessDefinition
from engine.runtime.checks import check_process
from engine.runtime.form_versions import form_known, forms_to_pin, pin, pinned_digest
from engine.runtime.forms import FORMS_DIR
from engine.runtime.schedule_rows import schedule_version
from engine.work import inbox
from engine.workflow import ParsedProcess, dump_spec
from engine.workflow.parser import parse_processes


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
    inbox.forget_process_choices()
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
