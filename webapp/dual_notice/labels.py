"""Labels of dual-notice values: notice states, outcomes, reasons, routing, registration fields."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l

STATES = {
    "pushed": _l("Waiting for a claim"),
    "claimed": _l("Claimed"),
    "dispatched": _l("Dispatched"),
    "returned": _l("Returned"),
    "closed": _l("Closed"),
    "rerouted": _l("Re-routed"),
    "terminated": _l("Push terminated"),
}
OUTCOMES = {
    "granted": _l("Licence granted"),
    "not_applied": _l("Not applied for"),
    "suspected_unlicensed": _l("Suspected unlicensed operation"),
}
RETURN_REASONS = {
    "0": _l("0 · No such licence item in the business scope"),
    "1": _l("1 · The business scope is not in our remit"),
    "2": _l("2 · The address is not in our jurisdiction"),
}
TRIGGERS = {"new": _l("New registration"), "change": _l("Change of business scope")}
ROUTED = {"auto": _l("Routed automatically"), "manual": _l("Routed by hand")}
ROUTING_STATES = {
    "not_routed": _l("Not routed"),
    "auto_routed": _l("Routed automatically"),
    "manually_routed": _l("Routed by hand"),
    "routing_failed": _l("Routing failed"),
    "no_notice_needed": _l("No notice needed"),
}
FIELDS = {
    "name": _l("Name"),
    "uscc": _l("USCC"),
    "entity_type": _l("Type"),
    "legal_representative": _l("Legal representative"),
    "phone": _l("Phone"),
    "established_on": _l("Established"),
    "approved_on": _l("Approved"),
    "registered_capital": _l("Registered capital (10,000 yuan)"),
    "address": _l("Address"),
    "area_code": _l("Area code"),
    "township": _l("Township or street"),
    "business_term": _l("Business term"),
    "business_scope": _l("Business scope"),
    "registration_authority": _l("Registration authority"),
    "supervising_station": _l("Supervising station"),
    "industry_code": _l("Industry code"),
    "status": _l("Status"),
    "routing_state": _l("Routing"),
}
EVENTS = {
    "notice.claim": _l("claimed"),
    "notice.return": _l("returned"),
    "notice.reroute": _l("re-routed"),
    "notice.terminate": _l("terminated the push"),
    "notice.revoke_claim": _l("revoked the claim"),
    "notice.dispatch": _l("dispatched"),
    "notice.close": _l("recorded the outcome"),
    "entity.route": _l("routed the registration"),
    "entity.route_manually": _l("routed by hand"),
    "entity.no_notice": _l("closed: no notice needed"),
    "entity.reveal": _l("read the personal data"),
}
UPLOAD_STATES = {
    "checking": _l("Checking"),
    "checked": _l("Checked"),
    "importing": _l("Importing"),
    "done": _l("Imported"),
    "failed": _l("Failed"),
    "discarded": _l("Discarded"),
}
STAGES = {"checking": _l("Checking rows"), "importing": _l("Importing rows")}


LABELS = SimpleNamespace(
    states=STATES, outcomes=OUTCOMES, return_reasons=RETURN_REASONS, triggers=TRIGGERS,
    routed=ROUTED, routing_states=ROUTING_STATES, fields=FIELDS, events=EVENTS,
    upload_states=UPLOAD_STATES, stages=STAGES)


def context() -> dict[str, Any]:
    """The labels for every template: `labels_of.states[notice.state.value]` and so on."""
    return {"labels_of": LABELS}
