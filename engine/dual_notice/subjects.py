"""What a dual notice's work items are about: the licence item, for lists of many cases."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import DualNotice, WorkItem


def licence_items(session: Session, items: Sequence[WorkItem]) -> dict[int, tuple[str, str]]:
    """{work item id: (licence item code, its name)} for the items of dual-notice cases.
    One query."""
    instance_ids = {item.instance_id for item in items}
    found = {instance_id: (code, name) for instance_id, code, name in session.execute(
        select(DualNotice.instance_id, DualNotice.licence_item, DualNotice.licence_item_name)
        .where(DualNotice.instance_id.in_(instance_ids)))}
    return {item.id: found[item.instance_id] for item in items if item.instance_id in found}
