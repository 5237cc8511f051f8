"""What the authorization matrix needs for the dual-notice, registry and entity routes: a
隆阳区 registration pushed to its AMR (pushed, claimed or returned), an entity routing
failed, a checked upload of the registration section, a signed promise with its scan."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from engine import clock
from engine.dual_notice import notices
from engine.dual_notice.routing import route_entities
from engine.models import Commitment, RegistryUpload
from engine.registry.uploads import upload_path
from engine.seed.samples import HEADERS, sample_rows
from tests.factories import SETUP, Change, World, make_entity, notices_of

NOTICE_STATES = ("pushed", "claimed", "returned", "failed")


def arrange_notice(session, world: World, state: str, upload_dir: Path  # type: ignore[no-untyped-def]
                   ) -> dict[str, Any]:
    entity = make_entity(session, "五金产品零售" if state == "failed" else "餐饮服务",
                         phone="13912345678")
    route_entities(session, SETUP, [Change(entity)])
    ids: dict[str, Any] = {"entity": entity.id, "dept": world.units["530502-amr"].id,
                           "other_dept": world.units["530581-amr"].id}
    if state != "failed":
        (notice,) = notices_of(session, entity)
        ids["notice"] = notice.id
        if state == "claimed":
            notices.notice_claim(session, world.actor("chen"), notice.id)
        elif state == "returned":
            notices.notice_return(session, world.actor("chen"), notice.id, 1, "不属本局")
    ids["upload"] = _checked_upload(session, world).id
    ids["commitment"] = _commitment(session, entity.id, upload_dir).id
    return ids


def _checked_upload(session, world: World) -> RegistryUpload:  # type: ignore[no-untyped-def]
    stored = f"{uuid.uuid4().hex}.csv"
    target = upload_path(session, stored)
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = [",".join(HEADERS), *(",".join(r) for r in sample_rows(1))]
    target.write_text("\n".join(rows), encoding="utf-8")
    now = clock.now()
    row = RegistryUpload(file_name="a.csv", stored_name=stored, uploaded_by_id=world.users[
        "zhou"].id, org_unit_id=world.users["zhou"].org_unit_id, state="checked", done=0,
        rows_read=1, rows_valid=1, rows_invalid=0, problems=[], created_at=now,
        updated_at=now)
    session.add(row)
    session.flush()
    return row


def _commitment(session, entity_id: int, upload_dir: Path) -> Commitment:  # type: ignore[no-untyped-def]
    scan = f"commitments/{entity_id}-{uuid.uuid4().hex}.pdf"
    (upload_dir / scan).parent.mkdir(parents=True, exist_ok=True)
    (upload_dir / scan).write_bytes(b"%PDF-1.4")
    row = Commitment(entity_id=entity_id, signed_on=date(2026, 1, 5), scan_path=scan,
                     recorded_by="test", recorded_at=clock.now())
    session.add(row)
    session.flush()
    return row

