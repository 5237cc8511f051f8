"""Registration files uploaded on the web: stored, checked (a dry run), then imported.
The same rows carry other kinds of file (`kind`, e.g. enterprise-information records):
`keep_file`, `UploadProgress`, `finish_upload` and `file_of` serve them too.

The checks and the import run in the background (the web app starts them in a thread);
the registry_upload row carries the state and the progress, so whichever web worker
serves the status page can show it. The stored file holds personal data: it is removed
once it was imported, discarded, or found unreadable.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, clock
from engine.db import rowcount, settings_of, transaction
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import RegistryUpload, Role, User
from engine.org import scope
from engine.registry.imports import import_file
from engine.registry.report import ImportReport, OnBatch, Preview, failure_reason
from engine.runtime import actor_user
from engine.work.attachments import safe_file_name

FOLDER = "registry"
KIND = "registry"
FILE_TYPES = frozenset({".csv", ".txt", ".xlsx"})
CHECKING, CHECKED, IMPORTING, DONE, FAILED, DISCARDED = (
    "checking", "checked", "importing", "done", "failed", "discarded")
RUNNING = (CHECKING, IMPORTING)
PROGRESS_SECONDS = 0.5
# A running upload without progress for this long was cut off (its web worker stopped).
STALLED_AFTER = timedelta(minutes=10)
CHUNK = 64 * 1024
log = logging.getLogger(__name__)


def is_registrar(session: Session, user: User) -> bool:
    """Officers and administrators of a market regulator (AMR, which registers entities),
    and system administrators."""
    if user.has_role(Role.SYSADMIN):
        return True
    if not user.has_role(Role.OFFICER, Role.DEPT_ADMIN):
        return False
    department = scope.department_of(session, user)
    return department is not None and department.code.endswith("-amr")


def store_upload(session: Session, actor: audit.Actor, filename: str, stream: BinaryIO
                 ) -> RegistryUpload:
    """Keep an uploaded CSV or XLSX file (within the registry upload limit) to check it."""
    user = _registrar(session, actor)
    return keep_file(session, actor, user, filename, stream)


def keep_file(session: Session, actor: audit.Actor, user: User, filename: str,
              stream: BinaryIO, kind: str = KIND, category: str | None = None,
              org_unit_id: int | None = None) -> RegistryUpload:
    """Store an uploaded CSV or XLSX file (within the upload limit) as an upload of `kind`
    to check, made by `user` for their unit (or `org_unit_id`); audited. The caller
    checks who may upload."""
    name = safe_file_name(filename, 300)
    extension = PurePosixPath(name).suffix.lower()
    if not name or extension not in FILE_TYPES:
        raise InvalidInput("upload a CSV or XLSX file", fields={"file": "type"})
    stored = f"{uuid.uuid4().hex}{extension}"
    size = _write(stream, upload_path(session, stored),
                  settings_of(session).registry_upload_max_bytes)
    now = clock.now()
    row = RegistryUpload(kind=kind, category=category, file_name=name, stored_name=stored,
                         uploaded_by_id=user.id, org_unit_id=org_unit_id or user.org_unit_id,
                         state=CHECKING, stage=CHECKING, done=0, problems=[], created_at=now,
                         updated_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor, f"{kind}.upload", "registry_upload", row.id, file=name,
                 size=size, category=category)
    return row


def check_upload(sessions: sessionmaker[Session], actor: audit.Actor, upload_id: int,
                 preview: Preview | None = None) -> None:
    """The dry run of a stored upload: the counts, every refused row and where its first
    rows would go (`preview`) go on its row; nothing else is written. Runs in the
    background."""
    path, name = file_of(sessions, upload_id)
    try:
        report = import_file(sessions, actor, path, file_name=name, dry_run=True,
                             progress=UploadProgress(sessions, upload_id), preview=preview)
    except Exception as exc:
        log.exception("checking registry upload %s failed", upload_id)
        finish_upload(sessions, upload_id, FAILED, error=failure_reason(exc))
        path.unlink(missing_ok=True)
        return
    state = FAILED if report.file_error else CHECKED
    finish_upload(sessions, upload_id, state, error=report.file_error, rows_read=report.rows_read,
            rows_valid=report.valid, rows_invalid=report.invalid,
            problems=[[p.row, p.column, p.reason] for p in report.problems],
            result={"preview": report.rows, "area_from": report.area_from})
    if state == FAILED or report.valid == 0:
        path.unlink(missing_ok=True)


def start_import(session: Session, actor: audit.Actor, upload_id: int) -> RegistryUpload:
    """Mark a checked upload as importing (once: a second click is a conflict)."""
    upload = get_upload(session, actor, upload_id)
    _registrar(session, actor)
    moved = session.execute(update(RegistryUpload).where(
        RegistryUpload.id == upload.id, RegistryUpload.state == CHECKED,
        RegistryUpload.rows_valid > 0).values(
        state=IMPORTING, stage=None, done=0, total=upload.rows_valid, updated_at=clock.now()))
    if rowcount(moved) != 1:
        raise Conflict(f"the upload is {upload.state}, not waiting to be imported",
                       code="wrong_upload_state", upload_id=upload.id)
    session.refresh(upload)
    return upload


def run_import(sessions: sessionmaker[Session], actor: audit.Actor, upload_id: int,
               on_batch: OnBatch | None) -> None:
    """Import the valid rows of a started upload in batches, routing each batch with
    `on_batch`; the counts go on the row, and the file is removed. Runs in the background."""
    path, name = file_of(sessions, upload_id)
    try:
        report = import_file(sessions, actor, path, file_name=name, on_batch=on_batch,
                             progress=UploadProgress(sessions, upload_id))
    except Exception as exc:
        log.exception("importing registry upload %s failed", upload_id)
        finish_upload(sessions, upload_id, FAILED, error=failure_reason(exc))
    else:
        finish_upload(sessions, upload_id, FAILED if report.file_error else DONE,
                error=report.file_error, result=result_of(report),
                import_id=report.import_id)
    path.unlink(missing_ok=True)


def discard_upload(session: Session, actor: audit.Actor, upload_id: int) -> RegistryUpload:
    """Drop a checked upload that is not to be imported, with its stored file."""
    upload = get_upload(session, actor, upload_id)
    _registrar(session, actor)
    if upload.state != CHECKED:
        raise Conflict(f"the upload is {upload.state}",
                       code="wrong_upload_state", upload_id=upload.id)
    upload.state, upload.updated_at = DISCARDED, clock.now()
    upload_path(session, upload.stored_name).unlink(missing_ok=True)
    return upload


def get_upload(session: Session, actor: audit.Actor, upload_id: int) -> RegistryUpload:
    """An upload of the actor's unit (or below it), or their own; NotFound otherwise."""
    user = actor_user(session, actor)
    query = select(RegistryUpload).where(RegistryUpload.id == upload_id,
                                         RegistryUpload.kind == KIND)
    if user is not None:
        if not is_registrar(session, user):
            raise NotFound(f"no registry upload {upload_id}", code="no_such_upload")
        query = query.where(upload_filter(session, user))
    upload = session.execute(query).scalar()
    if upload is None:
        raise NotFound(f"no registry upload {upload_id}", code="no_such_upload")
    return upload


def upload_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: uploads made in the user's scope, or by the user."""
    return or_(scope.org_filter(session, user, RegistryUpload.org_unit_id),
               RegistryUpload.uploaded_by_id == user.id)


def recent_uploads(session: Session, user: User, limit: int = 20) -> list[RegistryUpload]:
    """The newest uploads the user may see."""
    return list(session.execute(select(RegistryUpload).where(
        upload_filter(session, user), RegistryUpload.kind == KIND
    ).order_by(RegistryUpload.id.desc()).limit(limit)).scalars())


def is_stalled(upload: RegistryUpload) -> bool:
    """Whether a check or import stopped reporting: its worker was stopped mid-way. The
    batches it committed stay; uploading the file again imports the rest."""
    return upload.state in RUNNING and clock.now() - upload.updated_at > STALLED_AFTER


def upload_path(session: Session, stored_name: str) -> Path:
    return settings_of(session).upload_dir / FOLDER / stored_name


def result_of(report: ImportReport) -> dict[str, Any]:
    return {"rows_read": report.rows_read, "valid": report.valid, "invalid": report.invalid,
            "new": report.new, "changed": report.changed, "unchanged": report.unchanged,
            "imported": report.imported, "notices_started": report.notices_started,
            "summary": report.summary_line(), "rows": report.rows,
            "area_from": report.area_from}


class UploadProgress:
    """Writes an import's progress to its upload row, at most twice a second."""

    def __init__(self, sessions: sessionmaker[Session], upload_id: int) -> None:
        self.sessions, self.upload_id, self.last = sessions, upload_id, 0.0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS and done != total:
            return
        self.last = now
        with transaction(self.sessions) as session:
            session.execute(update(RegistryUpload).where(RegistryUpload.id == self.upload_id)
                            .values(stage=stage, done=done, total=total,
                                    updated_at=clock.now()))


def _registrar(session: Session, actor: audit.Actor) -> User:
    user = actor_user(session, actor)
    if user is None or not is_registrar(session, user):
        raise Forbidden("only officers of the market regulator import registrations",
                        code="not_registrar")
    return user


def file_of(sessions: sessionmaker[Session], upload_id: int) -> tuple[Path, str]:
    with transaction(sessions) as session:
        upload = session.get(RegistryUpload, upload_id)
        if upload is None:
            raise NotFound(f"no registry upload {upload_id}", code="no_such_upload")
        return upload_path(session, upload.stored_name), upload.file_name


def finish_upload(sessions: sessionmaker[Session], upload_id: int, state: str, **values: Any
            ) -> None:
    with transaction(sessions) as session:
        session.execute(update(RegistryUpload).where(RegistryUpload.id == upload_id).values(
            state=state, stage=None, updated_at=clock.now(), **values))


def _write(stream: BinaryIO, target: Path, limit: int) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    try:
        with target.open("xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise InvalidInput("the file is too large", fields={"file": "too_large"})
                out.write(chunk)
        if size == 0:
            raise InvalidInput("the file is empty", fields={"file": "empty"})
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return size
