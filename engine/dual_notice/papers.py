"""The applicant's papers: the 告知书 of a registration and the 承诺书 kept on file.

The 告知书 tells the applicant in writing which licence items of the business
scope need which department's licence before operating; the 承诺书 is the
applicant's signed promise not to operate before licensing, recorded here with
its scan.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import settings_of
from engine.dual_notice.routing import DepartmentUnits
from engine.dual_notice.routing_table import latest_table
from engine.errors import InvalidInput, NotFound
from engine.models import Commitment, DualNotice, MarketEntity, NoticeState, OrgUnit
from engine.registry import entity_for_registrar
from engine.work.attachments import ALLOWED_TYPES, MAGIC

NOTICE_TITLE = "“证照分离”改革后市场主体经营许可事项告知书"
NOTICE_WORDING = (
    "根据《中华人民共和国行政许可法》《市场主体登记管理条例》和《国务院关于“先照后证”改革后"
    "加强事中事后监管的意见》（国发〔2015〕62号）的规定，你（单位）经营范围中属于法律、行政法规、"
    "国务院决定规定须经许可的项目，应当在取得有关部门的许可后方可开展相关经营活动。"
    "经核对，你（单位）经营范围涉及下列许可事项，请及时向相应审批部门申请办理：")
NOTICE_CLOSING = (
    "未取得许可擅自从事相关经营活动的，由有关部门依照《无证无照经营查处办法》（国务院令第684号）"
    "等规定予以查处，并记入信用记录，依法予以公示。登记机关已将你（单位）的登记信息推送至上述部门。")
COMMITMENT_WORDING = (
    "本人（单位）已收到并知悉上述告知内容，承诺在取得相关许可证件前不从事相关经营活动；"
    "如有违反，愿意承担相应的法律责任。")
SCAN_TYPES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".ofd"})
SCAN_FOLDER = "commitments"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class LetterItem:
    licence_item: str
    licence_item_name: str
    department_code: str
    department_name: str
    state: str | None  # the notice's state; None when not pushed yet


@dataclass(frozen=True)
class NoticeLetter:
    """Everything the printable 告知书 shows."""

    title: str
    entity_name: str
    uscc: str
    legal_representative: str | None
    address: str | None
    business_scope: str | None
    registrar_name: str | None
    issued_on: date
    wording: str
    items: list[LetterItem]
    closing: str
    commitment_wording: str
    commitment: Commitment | None  # the latest signed 承诺书 on file


def notice_letter(session: Session, actor: audit.Actor, entity_id: int) -> NoticeLetter:
    """The 告知书 of a registration: its pushed notices (a re-routed item under its new
    department), or — before routing — what the routing table says the scope needs."""
    entity = entity_for_registrar(session, actor, entity_id)
    units = DepartmentUnits(session)
    items = _pushed_items(session, entity) or _table_items(session, entity, units)
    registrar = units.registrar(entity)
    return NoticeLetter(
        title=NOTICE_TITLE, entity_name=entity.name, uscc=entity.uscc,
        legal_representative=entity.legal_representative, address=entity.address,
        business_scope=entity.business_scope,
        registrar_name=entity.registration_authority or (registrar.name if registrar else None),
        issued_on=clock.local_today(settings_of(session).timezone), wording=NOTICE_WORDING,
        items=items, closing=NOTICE_CLOSING, commitment_wording=COMMITMENT_WORDING,
        commitment=latest_commitment(session, entity.id))


def _pushed_items(session: Session, entity: MarketEntity) -> list[LetterItem]:
    rows = session.execute(
        select(DualNotice.licence_item, DualNotice.licence_item_name, OrgUnit.code,
               OrgUnit.name, DualNotice.state)
        .join(OrgUnit, OrgUnit.id == DualNotice.department_org_id)
        .where(DualNotice.entity_id == entity.id,
               DualNotice.state.not_in([NoticeState.REROUTED, NoticeState.TERMINATED]))
        .order_by(DualNotice.pushed_at, DualNotice.id)).all()
    return [LetterItem(r[0], r[1], r[2], r[3], r[4].value) for r in rows]


def _table_items(session: Session, entity: MarketEntity, units: DepartmentUnits
                 ) -> list[LetterItem]:
    items = []
    for match in latest_table(session).evaluate(entity.business_scope):
        unit = units.department(entity.area_code, match.department)
        if unit is not None:
            items.append(LetterItem(match.licence_item, match.licence_item_name, unit.code,
                                    unit.name, None))
    return items


def record_commitment(session: Session, actor: audit.Actor, entity_id: int, signed_on: date,
                      scan_path: str | None) -> Commitment:
    """Keep on file that the applicant signed the 承诺书 (with the stored scan's path)."""
    entity = entity_for_registrar(session, actor, entity_id)
    if signed_on > clock.local_today(settings_of(session).timezone):
        raise InvalidInput("the signing date is in the future", fields={"signed_on": "future"})
    path = _checked_scan_path(session, scan_path) if scan_path else None
    row = Commitment(entity_id=entity.id, signed_on=signed_on, scan_path=path,
                     recorded_by=actor.name, recorded_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "commitment.record", "commitment", row.id,
                 entity_id=entity.id, signed_on=signed_on.isoformat(), scan=bool(path))
    return row


def store_commitment_scan(session: Session, actor: audit.Actor, entity_id: int,
                          filename: str, stream: BinaryIO) -> str:
    """Store an uploaded scan of a signed 承诺书; returns the path to record.

    Only PDF, OFD and images, checked by their first bytes, within the upload limit.
    """
    entity_for_registrar(session, actor, entity_id)
    extension = PurePosixPath(filename or "").suffix.lower()
    if extension not in SCAN_TYPES:
        raise InvalidInput("upload a PDF, OFD, JPEG or PNG scan", fields={"scan": "type"})
    relative = f"{SCAN_FOLDER}/{entity_id}-{uuid.uuid4().hex}{extension}"
    target = settings_of(session).upload_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    _write(stream, target, settings_of(session).upload_max_bytes, extension)
    return relative


def _write(stream: BinaryIO, target: Path, limit: int, extension: str) -> None:
    size, head = 0, b""
    try:
        with target.open("xb") as out:
            while chunk := stream.read(CHUNK):
                head = head or chunk[:8]
                size += len(chunk)
                if size > limit:
                    raise InvalidInput("the file is too large", fields={"scan": "too_large"})
                out.write(chunk)
        magic = MAGIC.get(extension)
        if size == 0 or (magic and not head.startswith(magic)):
            raise InvalidInput(f"not a {ALLOWED_TYPES[extension]} file", fields={"scan": "type"})
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _checked_scan_path(session: Session, scan_path: str) -> str:
    path = PurePosixPath(scan_path)
    if path.is_absolute() or ".." in path.parts or path.parts[:1] != (SCAN_FOLDER,):
        raise InvalidInput("not a stored scan", fields={"scan": "invalid"})
    if not (settings_of(session).upload_dir / path).is_file():
        raise InvalidInput("the scan was not stored", fields={"scan": "missing"})
    return str(path)


def latest_commitment(session: Session, entity_id: int) -> Commitment | None:
    return session.execute(select(Commitment).where(Commitment.entity_id == entity_id)
                           .order_by(Commitment.signed_on.desc(), Commitment.id.desc())
                           .limit(1)).scalar()


def commitment_scan(session: Session, actor: audit.Actor, commitment_id: int
                    ) -> tuple[Path, str]:
    """The stored scan of a 承诺书 whose entity the actor may route (NotFound otherwise,
    so ids do not leak) and the content type to serve it with."""
    row = session.get(Commitment, commitment_id)
    if row is None or not row.scan_path:
        raise NotFound(f"no scan of commitment {commitment_id}", code="no_such_scan")
    try:
        entity_for_registrar(session, actor, row.entity_id)
    except NotFound:  # a hidden entity's scan reads as no scan at all, so ids do not leak
        raise NotFound(f"no scan of commitment {commitment_id}", code="no_such_scan") from None
    path = settings_of(session).upload_dir / row.scan_path
    if not path.is_file():
        raise NotFound(f"the scan of commitment {commitment_id} is missing", code="file_missing")
    return path, ALLOWED_TYPES.get(path.suffix.lower(), "application/octet-stream")


def commitments_of(session: Session, actor: audit.Actor, entity_id: int) -> list[Commitment]:
    """Every 承诺书 on file for an entity, newest first."""
    entity = entity_for_registrar(session, actor, entity_id)
    return list(session.execute(select(Commitment).where(Commitment.entity_id == entity.id)
                                .order_by(Commitment.signed_on.desc(), Commitment.id.desc()))
                .scalars())
