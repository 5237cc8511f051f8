"""Records files uploaded on the web by a department: stored, checked (a dry run), then
imported in the background. They are rows of the registry's upload table (kind
"records", with their category) and use its machinery: the stored file, the progress
row any web worker can show, the stalled detection; only who may see and act differs.
"""

from __future__ import annotations

import logging
from typing import BinaryIO

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, clock, registry, runtime
from engine.db import rowcount
from engine.disclosure.categories import CATEGORIES
from engine.disclosure.files import import_records
from engine.disclosure.records import entering_department
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import OrgUnit, RegistryUpload, User
from engine.org import scope

KIND = "records"
log = logging.getLogger(__name__)


def store_records_file(session: Session, actor: audit.Actor, category: str, filename: str,
                       stream: BinaryIO) -> RegistryUpload:
    """Keep a department's records file of one category to check it."""
    department = entering_department(session, actor)
    if category not in CATEGORIES:
        raise InvalidInput(f"no category {category!r}", fields={"category": "not_a_choice"})
    user = runtime.actor_user(session, actor)
    assert user is not None
    return registry.keep_file(session, actor, user, filename, stream, KIND, category,
                              department.id)


def check_records_file(sessions: sessionmaker[Session], actor: audit.Actor, upload_id: int
                       ) -> None:
    """The dry run of a stored records file: counts and every refused row go on its row;
    nothing else is written. Runs in the background."""
    _run(sessions, actor, upload_id, dry_run=True)


def start_records_import(session: Session, actor: audit.Actor, upload_id: int
                         ) -> RegistryUpload:
    """Mark a checked records file as importing (once: a second click is a conflict)."""
    upload = get_records_file(session, actor, upload_id)
    entering_department(session, actor)
    moved = session.execute(update(RegistryUpload).where(
        RegistryUpload.id == upload.id, RegistryUpload.state == registry.CHECKED,
        RegistryUpload.rows_valid > 0).values(
        state=registry.IMPORTING, stage=None, done=0, total=upload.rows_read,
        updated_at=clock.now()))
    if rowcount(moved) != 1:
        raise Conflict(f"the upload is {upload.state}, not waiting to be imported",
                       code="wrong_upload_state", upload_id=upload.id)
    session.refresh(upload)
    audit.record(session, actor, "records.import", "registry_upload", upload.id,
                 category=upload.category, rows=upload.rows_valid)
    return upload


def run_records_import(sessions: sessionmaker[Session], actor: audit.Actor, upload_id: int
                       ) -> None:
    """Import the valid rows of a started records file; the counts go on its row and the
    file is removed. Runs in the background."""
    _run(sessions, actor, upload_id, dry_run=False)


def _run(sessions: sessionmaker[Session], actor: audit.Actor, upload_id: int,
         dry_run: bool) -> None:
    path, name = registry.file_of(sessions, upload_id)
    with sessions() as session:
        upload = session.get(RegistryUpload, upload_id)
        assert upload is not None and upload.category is not None
        category, department_id = upload.category, upload.org_unit_id
    try:
        report = import_records(sessions, actor, path, category, department_id,
                                file_name=name, dry_run=dry_run,
                                progress=registry.UploadProgress(sessions, upload_id))
    except Exception as exc:
        log.exception("records upload %s failed", upload_id)
        registry.finish_upload(sessions, upload_id, registry.FAILED,
                               error=registry.failure_reason(exc))
        path.unlink(missing_ok=True)
        return
    state = registry.FAILED if report.file_error else (
        registry.CHECKED if dry_run else registry.DONE)
    registry.finish_upload(sessions, upload_id, state, error=report.file_error,
                           rows_read=report.rows_read, rows_valid=report.valid,
                           rows_invalid=report.invalid, problems=report.problem_rows(),
                           result=report.result())
    if state != registry.CHECKED or report.valid == 0:
        path.unlink(missing_ok=True)


def discard_records_file(session: Session, actor: audit.Actor, upload_id: int
                         ) -> RegistryUpload:
    """Drop a checked records file that is not to be imported, with its stored file."""
    upload = get_records_file(session, actor, upload_id)
    if upload.state != registry.CHECKED:
        raise Conflict(f"the upload is {upload.state}", code="wrong_upload_state",
                       upload_id=upload.id)
    upload.state, upload.updated_at = registry.DISCARDED, clock.now()
    registry.upload_path(session, upload.stored_name).unlink(missing_ok=True)
    return upload


def get_records_file(session: Session, actor: audit.Actor, upload_id: int) -> RegistryUpload:
    """A records file of the actor's department, or their own; NotFound otherwise."""
    user = runtime.actor_user(session, actor)
    query = select(RegistryUpload).where(RegistryUpload.id == upload_id,
                                         RegistryUpload.kind == KIND)
    if user is not None:
        query = query.where(records_file_filter(session, user))
    upload = session.execute(query).scalar()
    if upload is None:
        raise NotFound(f"no records upload {upload_id}", code="no_such_upload")
    return upload


def records_file_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: the records files of the user's department, or uploaded by the user."""
    department = scope.department_of(session, user)
    mine = RegistryUpload.uploaded_by_id == user.id
    if department is None:
        return mine
    return or_(RegistryUpload.org_unit_id == department.id, mine)


def recent_records_files(session: Session, user: User, limit: int = 20
                         ) -> list[RegistryUpload]:
    """The newest records files the user may see."""
    return list(session.execute(select(RegistryUpload).where(
        RegistryUpload.kind == KIND, records_file_filter(session, user)
    ).order_by(RegistryUpload.id.desc()).limit(limit)).scalars())


def department_of_upload(session: Session, upload: RegistryUpload) -> OrgUnit:
    unit = session.get(OrgUnit, upload.org_unit_id)
    assert unit is not None
    return unit
