"""The credit lists' states for the authorization matrix (tests/webapp/test_authorization.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import credit_lists
from tests.factories import World, make_entity


def arrange_list(session, world: World, state: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """list_proposed: an abnormal entry of 隆阳区 proposed by chen, waiting for zhang's
    decision; list_listed: the same, listed."""
    entry = credit_lists.propose_abnormal(
        session, world.actor("chen"), make_entity(session), reason="4",
        trigger_source="entered", trigger_date=date(2026, 3, 2), text="住所无法联系")
    ids: dict[str, Any] = {"entry": entry.id,
                           "list_item": credit_lists.open_steps(session, entry)[0].id}
    if state == "list_listed":
        credit_lists.decide_listing(session, world.actor("zhang"), entry.id, "list")
    return ids
