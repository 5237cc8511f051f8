"""The credit-check state of the authorization walk: the catalogue, a serious-listed entity
of 隆阳区, and chen's check of it with its restriction (and its result file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import credit_check
from engine.credit_check.seed import SEED_MEASURES
from engine.models import CatalogueVersion, CreditHit, ListType
from tests.engine.credit_check.entries import list_entry
from tests.factories import SETUP, World, make_entity


def arrange_credit(session: Session, world: World, upload_dir: Path | None) -> dict[str, Any]:
    if not session.scalar(select(func.count()).select_from(CatalogueVersion)):
        credit_check.seed_catalogue(session, SETUP)
    elif "M01" not in {m.code for m in credit_check.current_catalogue(session).measures}:
        credit_check.publish_catalogue(session, SETUP, SEED_MEASURES, "M01 back for the walk")
    entity = make_entity(session)
    list_entry(session, entity, ListType.SERIOUS)
    report = credit_check.check_codes(session, world.actor("chen"), [entity.uscc], "licence",
                                      unit_id=world.users["chen"].org_unit_id, origin="batch")
    hit = session.scalars(select(CreditHit).where(CreditHit.check_id == report.check_id)).one()
    if upload_dir is not None:
        (upload_dir / "credit-check").mkdir(parents=True, exist_ok=True)
        (upload_dir / "credit-check" / f"{report.check_id}.xlsx").write_bytes(b"PK")
    return {"credit_check": report.check_id, "credit_hit": hit.id, "credit_uscc": entity.uscc}
