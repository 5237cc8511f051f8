"""Labels of dual-notice values: notice states, outcomes, reasons, routing, registration fields."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from flask import Flask, g
from flask_babel import lazy_gettext as _l

from engine.dual_notice.routing_table import latest_table
from webapp import database
from webapp.i18n import english_page

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
    "credit_lists.warned": _l("warned: three years on the abnormal list end in 60 days, then "
                              "the serious list"),
    "credit_lists.warning_told": _l("told the entity of the coming move to the serious list"),
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


# Registration vocabularies (GB/T and AMR exports): shown in English on English pages;
# a value not listed here is shown as the file gave it.
ENTITY_TYPES = {
    "有限责任公司": _l("Limited liability company"),
    "有限责任公司（自然人投资或控股）": _l("Limited liability company (owned by natural persons)"),
    "有限责任公司（自然人独资）": _l("Limited liability company (one natural person)"),
    "有限责任公司（国有独资）": _l("Limited liability company (wholly state-owned)"),
    "股份有限公司": _l("Company limited by shares"),
    "个人独资企业": _l("Sole proprietorship"),
    "合伙企业": _l("Partnership"),
    "个体工商户": _l("Individual business"),
    "农民专业合作社": _l("Farmers' cooperative"),
    "分公司": _l("Branch"),
    "外商投资企业": _l("Foreign-invested enterprise"),
}
ENTITY_STATUSES = {
    "存续": _l("Active"),
    "在业": _l("In business"),
    "开业": _l("Open for business"),
    "注销": _l("Deregistered"),
    "吊销": _l("Licence revoked"),
    "吊销，未注销": _l("Licence revoked, not deregistered"),
    "迁出": _l("Moved out"),
    "停业": _l("Suspended"),
    "撤销": _l("Registration cancelled"),
}


def vocabulary(value: object, labels: dict[str, Any]) -> object:
    """A registration value in the page's language, when it is one the platform knows."""
    return labels.get(value, value) if isinstance(value, str) else value


def item_name(name: str, code: str) -> str:
    """A licence item's name in the page's language: English pages show the routing
    table's English name where it has one."""
    if not english_page():
        return name
    return _item_names()[1].get(code) or name


def item_label(code: str) -> str:
    """A licence item's name, from its code, in the page's language."""
    return item_name(_item_names()[0].get(code, code), code)


def _item_names() -> tuple[dict[str, str], dict[str, str]]:
    """The latest routing table's item names (Chinese, English), once a request: a list
    names an item per row."""
    names = g.get("licence_item_names")
    if names is None:
        table = latest_table(database.session())
        names = g.licence_item_names = (table.licence_items(), table.english_names())
    return names


def local_items(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(code, name) pairs of licence items with names in the page's language."""
    return [(code, item_name(name, code)) for code, name in items]


LABELS = SimpleNamespace(
    states=STATES, outcomes=OUTCOMES, return_reasons=RETURN_REASONS, triggers=TRIGGERS,
    routed=ROUTED, routing_states=ROUTING_STATES, fields=FIELDS, events=EVENTS,
    upload_states=UPLOAD_STATES, stages=STAGES, entity_types=ENTITY_TYPES,
    entity_statuses=ENTITY_STATUSES)


def init_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        item_name=item_name, item_label=item_label,
        entity_type=lambda value: vocabulary(value, ENTITY_TYPES),
        entity_status=lambda value: vocabulary(value, ENTITY_STATUSES))


def context() -> dict[str, Any]:
    """The labels for every template: `labels_of.states[notice.state.value]` and so on."""
    return {"labels_of": LABELS}
