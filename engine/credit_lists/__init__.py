"""Credit lists (失信联合惩戒): the abnormal operations list and the serious illegal and
dishonest list, their procedures, decision numbers, lights and figures. Other areas call
`propose_abnormal` (a spot check's follow-up) and `propose_serious` (a heavy penalty); the
credit check reads the entries (engine.models.CreditListEntry)."""

from engine.credit_lists.abnormal import (
    accept_objection,
    apply_for_removal,
    decide_listing,
    file_annual_report,
    file_objection,
    propose_abnormal,
    propose_unfiled_reports,
    review_removal,
    verify_objection,
)
from engine.credit_lists.entries import (
    applications,
    calendar_of,
    entry_light,
    entry_of_instance,
    get_entry,
    open_steps,
)
from engine.credit_lists.numbers import decision_number, next_number
from engine.credit_lists.queries import (
    Figures,
    entity_by_uscc,
    entity_history,
    figures,
    list_entries,
    published_entries,
)
from engine.credit_lists.rules import (
    ABNORMAL_PROCESS,
    ABNORMAL_REASONS,
    EARLY_CONDITIONS,
    REMOVAL_REASONS,
    SERIOUS_PROCESS,
)
from engine.credit_lists.serious import (
    apply_for_early_removal,
    approve_listing,
    decide_proposal,
    propose_serious,
    review_early_removal,
)
from engine.credit_lists.steps import complete_list_task
from engine.credit_lists.warning import WARNING_FORM, step_form_of, tell_warning

__all__ = ["ABNORMAL_PROCESS", "ABNORMAL_REASONS", "EARLY_CONDITIONS", "REMOVAL_REASONS",
           "SERIOUS_PROCESS", "WARNING_FORM", "Figures", "accept_objection", "applications",
           "apply_for_early_removal", "apply_for_removal", "approve_listing", "calendar_of",
           "complete_list_task", "decide_listing", "decide_proposal", "decision_number",
           "entry_light", "entity_by_uscc", "entity_history", "entry_of_instance", "figures",
           "file_annual_report", "file_objection", "get_entry", "list_entries", "next_number",
           "open_steps", "propose_abnormal", "propose_serious", "propose_unfiled_reports",
           "published_entries", "review_early_removal", "review_removal", "step_form_of",
           "tell_warning", "verify_objection"]
