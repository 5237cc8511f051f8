"""Dual notice (双告知): each new registration pushed to the departments that license its
business, which claim, return or dispatch it; the supervision directory; figures."""

from engine.dual_notice.notices import (
    LEAD_HANDLERS,
    PROCESS_KEY,
    complete_notice_task,
    notice_of_instance,
)
from engine.dual_notice.routing import preview_routes, route_entities
from engine.dual_notice.routing_table import latest_table
from engine.dual_notice.subjects import licence_items
from engine.dual_notice.targets import item_targets
from engine.dual_notice.visibility import entity_filter

__all__ = ["LEAD_HANDLERS", "PROCESS_KEY", "complete_notice_task", "entity_filter", "item_targets",
           "latest_table", "licence_items", "notice_of_instance", "preview_routes",
           "route_entities"]
