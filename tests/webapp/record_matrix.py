"""A record of enterprise information in a given state, for the web tests."""

from __future__ import annotations

from typing import Any

from engine import clock, disclosure, registry
from engine.models import RegistryUpload
from tests.engine.disclosure.helpers import enter
from tests.factories import World, make_entity


def arrange_record(session, world: World, state: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """record_draft, record_submitted or record_published: a fine of 隆阳区's market
    regulator (entered by chen, reviewed by zhang); record_upload: a draft, and a records
    file chen uploaded, checked and waiting to be imported."""
    record = enter(session, world, make_entity(session), user="chen")
    ids: dict[str, Any] = {"record": record.id}
    if state == "record_upload":
        ids["records_upload"] = _checked_upload(session, world)
    if state != "record_draft":
        disclosure.submit(session, world.actor("chen"), record.id)
        ids["record_item"] = disclosure.open_steps(session, record)[0].id
    if state == "record_published":
        disclosure.review(session, world.actor("zhang"), record.id, "approve")
    return ids


def _checked_upload(session, world: World) -> int:  # type: ignore[no-untyped-def]
    now = clock.now()
    row = RegistryUpload(kind="records", category="penalty", file_name="处罚.csv",
                         stored_name=f"r{now.timestamp()}.csv",
                         uploaded_by_id=world.users["chen"].id,
                         org_unit_id=world.units["530502-amr"].id, state="checked", done=1,
                         total=1, rows_read=1, rows_valid=1, rows_invalid=0, problems=[],
                         result={"direct": False}, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    path = registry.upload_path(session, row.stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(disclosure.template_csv(session, "penalty"))
    return row.id
