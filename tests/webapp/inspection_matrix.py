"""An inspection in a given state, for the web tests: drawn for chen and yang of 隆阳区's
market regulator, reviewed by zhang."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from engine import clock, inspection
from tests.engine.inspection.helpers import ALL_OK, do, field_work, start
from tests.factories import World, make_entity


def arrange_inspection(session, world: World, state: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """inspection_inspect (at the checklist), inspection_review (waiting for zhang) or
    inspection_published (its result public, objections open)."""
    today = clock.local_today()  # the web tests run on the real clock: nothing late yet
    row = start(session, world, make_entity(session), inspection_date=today,
                deadline=today + timedelta(days=14))
    do(session, world, row, "prepare_inspection", "chen", notice="not_needed")
    if state != "inspection_inspect":
        field_work(session, world, row)
        do(session, world, row, "enter_result", "chen", result_code="no_problem",
           follow_up="none")
    if state == "inspection_published":
        do(session, world, row, "review_result", "zhang", decision="approve")
    items = [i for i in inspection.open_steps(session, row) if i.lane.endswith("admin")]
    return {"inspection": row.id, "inspection_item": items[0].id if items else 0,
            "answers": ALL_OK}
