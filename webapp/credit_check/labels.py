"""The words of the credit-check pages: action types, lists, departments, outcomes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "licence": _l("Licence approval"), "honour": _l("Honours and awards"),
    "subsidy": _l("Subsidies and public funds"), "qualification": _l("Qualifications"),
    "procurement": _l("Government procurement"), "bidding": _l("Tendering and bidding"),
    "land_supply": _l("Supply of state land"),
    "simplified_deregistration": _l("Simplified deregistration"),
    "financing": _l("Financing and credit"),
    "public_office": _l("Legal representative or senior office"),
}
LIST_TYPES = {"abnormal": _l("Abnormal operations list"),
              "serious": _l("Serious illegal and dishonest list")}
DEPARTMENTS = {
    "amr": _l("Market regulation"), "ndrc": _l("Development and reform"),
    "edu": _l("Education and sports"), "psb": _l("Public security"), "civil": _l("Civil affairs"),
    "justice": _l("Justice"), "finance": _l("Finance"),
    "hrss": _l("Human resources and social security"),
    "nrp": _l("Natural resources and planning"), "eco": _l("Ecology and environment"),
    "housing": _l("Housing and construction"), "transport": _l("Transport"),
    "agri": _l("Agriculture and rural affairs"), "water": _l("Water"),
    "commerce": _l("Commerce"), "culture": _l("Culture and tourism"), "health": _l("Health"),
    "emergency": _l("Emergency management"), "forestry": _l("Forestry and grassland"),
    "tax": _l("Taxation"), "fire": _l("Fire and rescue"), "tobacco": _l("Tobacco monopoly"),
}
OUTCOMES = {"restricted": _l("Restricted"), "not_applicable": _l("Not applicable")}
ORIGINS = {"web": _l("Check page"), "batch": _l("Batch check"), "api": _l("API"),
           "diagram": _l("Process diagram")}


def departments(codes: list[str] | tuple[str, ...]) -> str:
    return "、".join(str(DEPARTMENTS.get(c, c)) for c in codes)


def context() -> dict[str, Any]:
    return {"credit_actions": ACTIONS, "credit_lists": LIST_TYPES,
            "credit_departments": departments, "credit_outcomes": OUTCOMES,
            "credit_origins": ORIGINS}
