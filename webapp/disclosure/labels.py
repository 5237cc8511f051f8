"""The words of the record pages: states, audit actions, categories (for every template)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from engine import disclosure

STATES = {
    "draft": _l("Draft"), "submitted": _l("Waiting for review"), "returned": _l("Returned"),
    "recorded": _l("Recorded, not published"), "published": _l("Published"),
    "withdrawn": _l("Withdrawn"), "expired": _l("Publication ended"),
    "ended_early": _l("Ended early (credit repair)"),
}
ACTIONS = {
    "disclosure.enter": _l("Entered"), "disclosure.change": _l("Changed"),
    "disclosure.submitted": _l("Sent for review"), "disclosure.returned": _l("Returned"),
    "disclosure.published": _l("Published"), "disclosure.recorded": _l("Approved, recorded only"),
    "disclosure.revoked": _l("Decision revoked or changed"),
    "disclosure.withdrawn": _l("Withdrawn"), "disclosure.expired": _l("Publication ended"),
    "disclosure.repair_applied": _l("Credit repair applied for"),
    "disclosure.ended_early": _l("Ended early (credit repair)"),
}


def context() -> dict[str, Any]:
    return {"record_states": STATES, "record_actions": ACTIONS,
            "categories_of": disclosure.CATEGORIES}
