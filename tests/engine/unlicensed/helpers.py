"""Cases as the tests open and work them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import unlicensed
from engine.models import MarketEntity, UnlicensedCase, WorkItem, WorkItemStatus
from tests.factories import World, org_by_code

SUMMARY = "永昌路一家美容店未取得营业执照即开业经营。"


def report(session: Session, world: World, entity: MarketEntity | None = None,
           user: str = "chen", **overrides: object) -> UnlicensedCase:
    """A case received by the 隆阳区 AMR (a spot check's, unless `source` says otherwise)."""
    values: dict[str, object] = {"source": "inspection", "summary": SUMMARY,
                                 "department": org_by_code(session, "530502-amr")}
    if entity is not None:
        values["entity_id"] = entity.id
    else:
        values.update(name="无名美容店", address="隆阳区永昌路8号", area_code="530502")
    values.update(overrides)
    case = unlicensed.open_case(session, world.actor(user), **values)  # type: ignore[arg-type]
    session.commit()
    return case


def steps(session: Session, case: UnlicensedCase) -> list[str]:
    session.expire_all()
    return sorted(i.task_name for i in session.execute(select(WorkItem).where(
        WorkItem.instance_id == case.instance_id,
        WorkItem.status == WorkItemStatus.OPEN)).scalars())


def state(session: Session, case: UnlicensedCase) -> str:
    session.expire_all()
    return session.get_one(UnlicensedCase, case.id).state
