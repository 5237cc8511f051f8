"""What users read when the engine refuses: one translated sentence per reason code.

The engine's own messages are English, for logs, the CLI and operators; pages and the
API show these instead. A code missing here falls back to its class's sentence.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from engine.errors import Conflict, EngineError, Forbidden, IncidentError, InvalidInput, NotFound

REASONS: dict[str, LazyString] = {
    # Not found. One code per kind of object, whether it does not exist or is out of the
    # user's scope: the two must read the same, so that ids do not leak.
    "no_such_task": _l("This task does not exist, or it is not in your area of work."),
    "no_such_case": _l("This case does not exist, or it is not in your area of work."),
    "no_such_notice": _l("This notice does not exist, or it is not in your area of work."),
    "no_such_entity": _l("This market entity does not exist, or it is not in your area of "
                         "work."),
    "no_public_entity": _l("No market entity is registered under this code."),
    "no_public_record": _l("This record is not published, or no longer."),
    "no_such_upload": _l("This upload does not exist, or it is not in your area of work."),
    "no_such_attachment": _l("This attachment does not exist, or it is not in your area of "
                             "work."),
    "no_such_scan": _l("This scan does not exist, or it is not in your area of work."),
    "no_such_notification": _l("This notification does not exist, or it is not yours."),
    "no_such_filter": _l("This saved filter does not exist, or it is not yours."),
    "no_such_token": _l("This API token does not exist."),
    "no_such_unit": _l("This unit does not exist."),
    "no_such_user": _l("This user does not exist."),
    "no_such_incident": _l("This process failure is not on record."),
    "no_such_process": _l("This process is not deployed."),
    "no_such_draft": _l("This process has no saved draft: save it first."),
    "no_such_form": _l("The form of this task is missing. Tell the operators."),
    "form_standard": _l("The fields of enterprise-information records follow the national "
                        "standard and the import templates: they cannot be changed here."),
    "no_such_decision_table": _l("This decision table is not deployed."),
    "not_a_notice_task": _l("This task is not a step of a dual notice."),
    "no_such_record": _l("This record does not exist, or it is not in your area of work."),
    "not_a_record_task": _l("This task is not a step of an enterprise-information record."),
    "file_missing": _l("The stored file is missing. Tell the operators."),
    "no_such_check": _l("This credit check does not exist, or it is not your department's."),
    "no_such_hit": _l("This restriction does not exist, or it is not your department's."),
    "no_catalogue": _l("The catalogue of joint punishment measures is empty. Tell the "
                       "administrators."),
    "no_catalogue_version": _l("This version of the catalogue does not exist."),
    "no_measure": _l("This measure is not in the catalogue."),
    "catalogue_editors": _l("Only system administrators and the administrators of a market "
                            "regulator change the catalogue."),
    "feedback_given": _l("Feedback on this restriction was already recorded."),
    "no_such_unlicensed_case": _l("This unlicensed-operation case does not exist, or it is "
                                  "not in your area of work."),
    "not_an_unlicensed_task": _l("This task is not a step of an unlicensed-operation case."),
    # Forbidden: the user sees the object but may not do this to it.
    "account_inactive": _l("This account is not active."),
    "own_account": _l("You cannot deactivate your own account."),
    "not_signed_in": _l("Only a signed-in user can hold a task."),
    "not_a_candidate": _l("You are not one of the people this task is meant for."),
    "not_holder_or_manager": _l("Only the holder of this task or a manager can do this."),
    "outside_department": _l("A task is handed on within the department that holds it: "
                             "choose a person or unit of that department."),
    "cannot_work_task": _l("This person's role cannot work this task (system administrators "
                           "and auditors never can): choose someone else."),
    "not_returnable": _l("This task cannot be returned."),
    "upload_not_allowed": _l("You may not add files to this task."),
    "comment_not_allowed": _l("You may not comment on this case."),
    "not_your_step": _l("This step of the case is not yours to take."),
    "not_in_a_department": _l("Records are entered by the people of a department."),
    "not_settings_admin": _l("Only the department's administrator changes this setting."),
    "not_a_people_admin": _l("Only administrators manage people."),
    "not_an_operator": _l("Only system administrators operate process instances."),
    "not_a_rules_admin": _l("Only system administrators change the routing table."),
    "people_file_changed": _l("The sheet no longer checks as it did (a user name was taken "
                              "meanwhile?): upload it again."),
    "no_rule_draft": _l("There is no draft of the routing table: edit the rules first."),
    "rules_unchanged": _l("The draft is the same as a deployed version."),
    "not_your_record": _l("Only the department that made the decision acts on this record."),
    "record_not_editable": _l("Only a draft or a returned record can be changed."),
    "wrong_record_state": _l("The record is no longer at this step. Reload the page."),
    "no_such_inspection": _l("This spot check does not exist, or is not yours to see."),
    "not_an_inspection_task": _l("This task belongs to no spot check."),
    "not_drawn_officer": _l("Only the two officers drawn for this spot check work on it."),
    "checklist_incomplete": _l("Answer every line of the checklist first."),
    "not_confirmed": _l("Both drawn officers must confirm the record first."),
    "wrong_inspection_state": _l("The spot check is no longer at this step. Reload the page."),
    "objection_too_late": _l("The 15 days for an objection are over: it cannot be recorded."),
    "not_an_officer": _l("Officers record objections."),
    "last_sysadmin": _l("The last active system administrator stays."),
    "unit_in_use": _l("People or open work are still in this unit: move them first."),
    "repair_not_a_penalty": _l("Credit repair ends the publication of penalties only."),
    "repair_never": _l("This penalty is among the most serious: its publication runs its full "
                       "term, without credit repair."),
    "repair_too_early": _l("Too early for credit repair: the minimum publication period (6 "
                           "months; 1 year for food, drugs and special equipment) has not "
                           "passed."),
    "not_department_admin": _l("Only the department's administrator can revoke a claim."),
    "not_registrar": _l("Only officers of the market regulator can do this."),
    "not_in_pool": _l("This entity no longer waits in the routing-failed pool. Reload the page."),
    "not_auditor": _l("Only auditors read the audit trail."),
    "registry_not_shared": _l("The registry is shared with the officers and administrators "
                              "of departments."),
    "lead_outside_department": _l("Leads of unlicensed operation are entered by the people "
                                  "of a department."),
    "reveal_not_allowed": _l("Only officers working on this entity may read its personal "
                             "data."),
    # Conflict: someone or something changed the object first.
    "already_finished": _l("This task is already finished."),
    "held_by_other": _l("This task was just claimed by %(name)s."),
    "task_not_open": _l("This task is no longer open. Reload the page."),
    "changed_by_other": _l("Someone else changed this case first. Reload the page and try "
                           "again."),
    "draft_changed": _l("Someone else saved a draft of this process since you opened it."),
    "case_suspended": _l("The case is suspended."),
    "case_closed": _l("The case is closed."),
    "wrong_case_status": _l("The status of the case does not allow this."),
    "step_not_waiting": _l("The case is not waiting for this step. Reload the page."),
    "wrong_notice_state": _l("This notice is not at this step. Reload the page to see where "
                             "it stands."),
    "already_pushed": _l("This licence item is already pushed to that department."),
    "urged_today": _l("This task was urged already this working day."),
    "nobody_to_urge": _l("Nobody can be told: the task's unit has no one who may work it. "
                         "Hand the task to a unit or person first."),
    "may_not_send_events": _l("Only system administrators send messages and signals to "
                              "cases."),
    "wrong_upload_state": _l("This upload is not waiting for this any more. Reload the page."),
    "incident_resolved": _l("This process failure is already resolved."),
    # Spot checks (双随机、一公开).
    "no_such_item": _l("This spot-check item does not exist."),
    "no_such_spot_check_task": _l("This spot-check task does not exist."),
    "no_such_plan": _l("This spot-check plan does not exist."),
    "no_such_draw": _l("This draw does not exist."),
    "not_level_above": _l("Only the administrators of the level above decide on a filed plan."),
    "plan_not_filed": _l("This plan is not waiting for a decision."),
    "plan_filed": _l("This plan is filed already."),
    "not_regulator_admin": _l("Only the market regulator's administrators keep the spot-check "
                              "item list and the officers' qualifications."),
    "not_spot_check_organiser": _l("Only a department's administrators plan spot checks, "
                                   "create tasks and draw."),
    "not_your_task": _l("Only the organising department acts on this task."),
    "may_not_replay": _l("Only auditors and administrators replay draws."),
    "already_drawn": _l("This task was drawn already. A draw cannot be repeated: void it with "
                        "a reason first, and both stay on record."),
    "draw_not_standing": _l("This draw was voided: it no longer stands."),
    "draw_released": _l("This draw was released to its officers and can no longer be "
                        "voided."),
    "too_few_officers": _l("Fewer than the officers needed per target are eligible (active, "
                           "with a certificate valid on the inspection date and the items' "
                           "qualification)."),
    "too_few_officers_for_target": _l("One drawn entity has too few eligible officers without "
                                      "a conflict of interest."),
    "no_replacement_officer": _l("No eligible officer is left to replace the recused one."),
    "wrong_unlicensed_step": _l("The case is no longer at this step. Reload the page."),
    "no_copy_waiting": _l("No copy-to notice of this case waits for an answer."),
    # Credit lists (失信联合惩戒).
    "no_such_entry": _l("This list entry does not exist."),
    "wrong_entry_state": _l("This list entry is no longer at that step: see its page."),
    "already_listed": _l("This entity is already on this list, or proposed for it."),
    "not_the_regulator": _l("Only the market regulator of the entity's area acts on its list "
                            "entries."),
    "no_regulator": _l("No market regulator is set up for this area."),
    "list_objection_too_late": _l("Objections are admitted within 30 days of the listing."),
    "application_pending": _l("An application already waits for its answer."),
    "reports_not_due": _l("Annual reports are due until 30 June: propose after it."),
    "not_a_log_reader": _l("Only administrators, supervisors and auditors read the check log."),
    "no_upper_level": _l("The level above is not on the platform to approve this listing."),
    "early_removal_too_early": _l("Early removal is possible only after one year on the list."),
}

# A process stopped by a limit (engine.runtime.steps): the case waits as an incident.
LIMITS: dict[str, LazyString] = {
    "script_stopped": _l("A script of this process ran too long or needed too much memory and "
                         "was stopped. The case waits for the operators, who have been told."),
    "state_too_large": _l("This case would hold more data than allowed, so the step was not "
                          "saved. The case waits for the operators, who have been told."),
    "out_of_bounds": _l("This process asked for a timer or loop beyond the allowed bounds. The "
                        "case waits for the operators, who have been told."),
}

# For a code missing above, and for the classes that carry no reason of their own.
GENERIC: dict[type[EngineError], LazyString] = {
    NotFound: _l("This does not exist, or it is not in your area of work."),
    Forbidden: _l("You may not do this."),
    Conflict: _l("Someone else changed this case first. Reload the page and try again."),
    InvalidInput: _l("The input has errors; see the marked fields."),
    IncidentError: _l("The process failed. The operators have been told; try again later."),
}
SOMETHING_WRONG = _l("Something went wrong.")


def reason_text(exc: EngineError) -> LazyString:
    """The sentence for an error's code, else for its class (never the English message)."""
    if exc.code in REASONS:
        return REASONS[exc.code]
    if isinstance(exc, IncidentError) and exc.code in LIMITS:
        return LIMITS[exc.code]
    return next((text for kind, text in GENERIC.items() if isinstance(exc, kind)),
                SOMETHING_WRONG)
