"""A record of enterprise information in a given state, for the web tests."""

from __future__ import annotations

from typing import Any

from engine import disclosure
from tests.engine.disclosure.helpers import enter
from tests.factories import World, make_entity


def arrange_record(session, world: World, state: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """record_draft, record_submitted or record_published: a fine of 隆阳区's market
    regulator (entered by chen, reviewed by zhang)."""
    record = enter(session, world, make_entity(session), user="chen")
    ids: dict[str, Any] = {"record": record.id}
    if state != "record_draft":
        disclosure.submit(session, world.actor("chen"), record.id)
        ids["record_item"] = disclosure.open_steps(session, record)[0].id
    if state == "record_published":
        disclosure.review(session, world.actor("zhang"), record.id, "approve")
    return ids
