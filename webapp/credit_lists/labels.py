"""The words of the list pages: list types, states, reasons, removal reasons, conditions,
steps' choices (for every template)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

LIST_TYPES = {"abnormal": _l("Abnormal operations list"),
              "serious": _l("Serious illegal and dishonest list")}
STATES = {"proposed": _l("Proposed"), "listed": _l("Listed"), "removed": _l("Removed"),
          "moved": _l("Moved to the serious list"), "refused": _l("Not listed or annulled")}
REASONS = {
    "1": _l("Annual report not filed by 30 June"),
    "2": _l("Instant information not published within the ordered period"),
    "3": _l("False published information"),
    "4": _l("Cannot be reached at the registered address"),
    "abnormal_three_years": _l("Three years on the abnormal list"),
}
REMOVAL_REASONS = {
    "report_filed": _l("Annual report filed"), "obligation_fulfilled": _l("Obligation fulfilled"),
    "corrected": _l("Information corrected"), "address_changed": _l("Address changed"),
    "contact_restored": _l("Contact restored"), "objection_upheld": _l("Objection upheld"),
    "period_ended": _l("Three years ended"), "moved_to_serious": _l("Moved to the serious list"),
    "early_removal": _l("Early removal"),
}
CONDITIONS = {
    "violation_corrected": _l("The violation is corrected"),
    "penalty_fulfilled": _l("The penalty is fulfilled"),
    "no_new_heavy_penalty": _l("No new heavy penalty since the listing"),
    "credit_promise": _l("A credit promise is signed"),
}
KINDS = {"removal": _l("Removal application"), "objection": _l("Objection"),
         "early_removal": _l("Early removal application"), "approval": _l("Upper-level approval")}
ANSWERS = {"pending": _l("Waiting"), "accepted": _l("Accepted, being verified"),
           "granted": _l("Granted"), "refused": _l("Refused or returned")}
SOURCES = {"entered": _l("Entered"), "spot_check": _l("Spot check"),
           "annual_report": _l("Annual reports"), "penalty": _l("Penalty record"),
           "abnormal_three_years": _l("Three years on the abnormal list")}
CHOICES = {
    "decide_listing": [("list", _l("List the entity")), ("refuse", _l("Do not list"))],
    "decide_proposal": [("list", _l("Submit for approval")), ("refuse", _l("Drop the proposal"))],
    "approve_listing": [("approve", _l("Approve")), ("return", _l("Return"))],
    "review_removal": [("grant", _l("Remove from the list")), ("refuse", _l("Refuse"))],
    "accept_objection": [("accept", _l("Accept for verification")), ("reject", _l("Reject"))],
    "verify_objection": [("upheld", _l("Upheld: annul the listing")),
                         ("dismissed", _l("Dismissed"))],
}


def context() -> dict[str, Any]:
    return {"list_types": LIST_TYPES, "list_states": STATES, "list_reasons": REASONS,
            "removal_reasons": REMOVAL_REASONS, "list_conditions": CONDITIONS,
            "application_kinds": KINDS, "application_answers": ANSWERS,
            "trigger_sources": SOURCES}
