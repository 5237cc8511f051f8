"""What a released draw hands to the inspection lifecycle: one entry per target."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.models import SpotCheckDraw
from engine.spot_check.draw import teams
from engine.spot_check.tasks import get_task, task_items, task_units


def inspection_targets(session: Session, draw: SpotCheckDraw) -> list[dict[str, Any]]:
    """Per target of the draw (recusals applied): task id and number, entity id, officer
    user ids, the implementing unit (the organiser; also as `unit_id`, the key the
    inspection lifecycle reads) and every implementing unit of a joint task, the items as
    {code, name, sub_items}, inspection date and deadline (dates)."""
    task = get_task(session, draw.task_id)
    items = [{"code": item.code, "name": item.name, "sub_items": list(item.sub_items)}
             for item in task_items(session, task)]
    units = [unit.id for unit in task_units(session, task)]
    return [{"task_id": task.id, "task_number": task.number, "entity_id": entity_id,
             "officer_ids": officers, "implementing_unit_id": task.organiser_org_id,
             "unit_id": task.organiser_org_id, "unit_ids": units, "items": items,
             "inspection_date": task.inspection_date, "deadline": task.deadline}
            for entity_id, officers in sorted(teams(session, draw).items())]
