"""Files kept with a case under var/uploads: checked for size and type, served only in scope."""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import settings_of
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import Attachment
from engine.runtime import actor_user, get_work_item
from engine.work.casework import permissions, visible_instance

# Extension → the content type the file is served with, whatever the browser claimed.
ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ofd": "application/ofd",
}
# The first bytes of the types a browser could be tricked into rendering.
MAGIC = {".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8",),
         ".jpeg": (b"\xff\xd8",)}
CHUNK = 64 * 1024


def safe_file_name(name: str | None, limit: int = 255) -> str:
    """A file name fit to store and to send back in a header: the last part of a path,
    without control or format characters (CR, LF, NUL, bidirectional overrides), runs of
    blanks made one space; Chinese and other letters kept."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return " ".join(kept.split())[:limit]


def upload_dir(session: Session) -> Path:
    return settings_of(session).upload_dir


def add_attachment(session: Session, actor: audit.Actor, item_id: int, filename: str,
                   stream: BinaryIO) -> Attachment:
    """Store an uploaded file with the item's case; refuse unknown types and oversize files."""
    item = get_work_item(session, actor, item_id)
    user = actor_user(session, actor)
    if user is None or not permissions(session, user, item).upload:
        raise Forbidden("you may not add files to this task",
                        code="upload_not_allowed", item_id=item_id)
    name = safe_file_name(filename)
    extension = os.path.splitext(name)[1].lower()
    if not name or extension not in ALLOWED_TYPES:
        raise InvalidInput("this type of file is not accepted", fields={"file": "type"})
    stored = uuid.uuid4().hex
    target = upload_dir(session) / stored
    size, digest = _write(stream, target, settings_of(session).upload_max_bytes, extension)
    row = Attachment(instance_id=item.instance_id, work_item_id=item.id, uploaded_by_id=user.id,
                     filename=name, content_type=ALLOWED_TYPES[extension], size=size,
                     sha256=digest, stored_name=stored, created_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "attachment.add", "work_item", item.id, attachment_id=row.id,
                 filename=name, size=size)
    return row


def _write(stream: BinaryIO, target: Path, limit: int, extension: str) -> tuple[int, str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with open(target, "xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise InvalidInput("the file is too large", fields={"file": "too_large"})
                head = head or chunk[:16]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidInput("the file is empty", fields={"file": "empty"})
        if extension in MAGIC and not head.startswith(MAGIC[extension]):
            raise InvalidInput("the file's content does not match its type",
                               fields={"file": "type"})
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest()


@dataclass
class StoredFile:
    attachment: Attachment
    path: Path


def open_attachment(session: Session, actor: audit.Actor, attachment_id: int) -> StoredFile:
    """An attachment of a case the actor can see; NotFound otherwise, so ids do not leak."""
    row = session.get(Attachment, attachment_id)
    user = actor_user(session, actor)
    if row is None or user is None or not visible_instance(session, user, row.instance_id):
        raise NotFound(f"no attachment {attachment_id}", code="no_such_attachment")
    path = upload_dir(session) / row.stored_name
    if not path.is_file():
        raise NotFound(f"the file of attachment {attachment_id} is missing", code="file_missing")
    return StoredFile(row, path)
