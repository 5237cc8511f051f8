"""The words of the unlicensed-operation pages: states, sources, outcomes, answers."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

STATES = {
    "triage": _l("Triage"), "copied": _l("Copied to the competent department"),
    "investigation": _l("Investigation"), "guidance": _l("Guidance to obtain the licence"),
    "penalty": _l("Penalty"), "closed": _l("Closed"),
}
SOURCES = {
    "report": _l("Public report"), "inspection": _l("Spot check or inspection"),
    "dual_notice": _l("Dual-notice outcome"), "data": _l("Data analysis"),
}
OUTCOMES = {
    "unfounded": _l("Fully licensed: no case"), "no_violation": _l("Nothing found"),
    "rectified": _l("Licence obtained after guidance"), "penalised": _l("Penalised"),
}
MISSING = {
    "permit": _l("No permit (Art. 5)"), "business_licence": _l("No business licence (Art. 6)"),
    "both": _l("Neither (Art. 7)"), "none": _l("Fully licensed"),
}
ANSWERS = {"accepted": _l("Accepted"), "returned": _l("Returned: not its remit")}
FEEDBACK = {
    "answered_on_time": _l("Answered on time"), "answered_late": _l("Answered late"),
    "waiting": _l("Waiting for feedback"), "overdue": _l("Overdue"),
}
ACTIONS = {
    "unlicensed.open": _l("Case opened"), "unlicensed.copied": _l("Copied to another department"),
    "unlicensed.triage": _l("Back to triage"),
    "unlicensed.investigation": _l("Investigation"), "unlicensed.guidance": _l("Guidance"),
    "unlicensed.penalty": _l("Penalty"), "unlicensed.closed": _l("Closed"),
    "unlicensed.copy_answered": _l("Copy-to notice answered"),
    "unlicensed.reporter_read": _l("Reporter's identity read"),
    "unlicensed.reporter_told": _l("Reporter told the outcome"),
    "unlicensed.not_published": _l("Penalty not published: the operator is not in the registry"),
}


def context() -> dict[str, Any]:
    return {"unlicensed_states": STATES, "unlicensed_sources": SOURCES,
            "unlicensed_outcomes": OUTCOMES, "unlicensed_missing": MISSING,
            "unlicensed_answers": ANSWERS, "unlicensed_feedback": FEEDBACK,
            "unlicensed_actions": ACTIONS}
