"""Dual notice (双告知): each new registration pushed to the departments that license its
business, which claim, return or dispatch it; the supervision directory; figures."""

from engine.dual_notice.notices import PROCESS_KEY, complete_notice_task, notice_of_instance
from engine.dual_notice.routing import preview_routes, route_entities
from engine.dual_notice.subjects import licence_items
from engine.dual_notice.visibility import entity_filter

__all__ = ["PROCESS_KEY", "complete_notice_task", "entity_filter", "licence_items",
           "notice_of_instance", "preview_routes", "route_entities"]
