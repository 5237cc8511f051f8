"""Unlicensed operation (无证无照, State Council Decree 684): cases from public reports,
spot checks, dual-notice outcomes and data analysis; triage by Art. 5/6/7, copy-to notices
(抄告, Art. 8) with feedback, investigation, guidance or a penalty within the caps
(Art. 13/14), published through the enterprise-information service (Art. 15); reporters
kept confidential and told the outcome (Art. 9)."""

from engine.unlicensed.cases import (
    PROCESS_KEY,
    SOURCES,
    STATES,
    case_filter,
    case_from_lead,
    case_of_instance,
    convert_open_leads,
    enter_lead,
    get_case,
    lead_department,
    open_case,
    open_steps,
    report_from_public,
)
from engine.unlicensed.decree import FINE_CAPS, check_fine, competent_department
from engine.unlicensed.figures import DepartmentFigures, figures
from engine.unlicensed.lights import step_light
from engine.unlicensed.queries import (
    CaseRow,
    CopyRow,
    copies,
    copies_of,
    entity_cases,
    list_cases,
)
from engine.unlicensed.reporters import has_reporter, may_read_reporter, reporter_for
from engine.unlicensed.steps import (
    answer_copy,
    check_guidance,
    complete_case_step,
    decide_penalty,
    investigate,
    triage,
)

__all__ = ["CaseRow", "CopyRow", "DepartmentFigures", "FINE_CAPS", "PROCESS_KEY", "SOURCES",
           "STATES", "answer_copy", "case_filter", "case_from_lead", "case_of_instance",
           "check_fine", "check_guidance", "competent_department", "complete_case_step",
           "convert_open_leads", "copies", "copies_of", "decide_penalty", "enter_lead",
           "entity_cases", "figures", "get_case", "has_reporter", "investigate",
           "lead_department", "list_cases", "may_read_reporter", "open_case", "open_steps",
           "report_from_public", "reporter_for", "step_light", "triage"]
