"""Why a deploy was refused, in the page's language: one sentence per problem code (the
engine's `DeploymentProblem.code` and params); the engine's English stays for the CLI.
A technical detail (the sandbox's or the parser's own words) is given apart, as a quote."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from engine.errors import DeploymentProblem

PROBLEMS: dict[str, LazyString] = {
    "lane_without_rule": _l("This user task lies in the lane “%(lane)s”, which names no role "
                            "in the case: choose the lane's role."),
    "task_outside_lane": _l("This user task lies in no lane: put it in a lane with a role."),
    "form_missing": _l("The form “%(form)s” does not exist: choose a form that does."),
    "holder_from_unknown": _l("This task goes to whoever did “%(name)s”, which is no other "
                              "user task of this process."),
    "workdays_not_whole": _l("Working days must be a whole number (now “%(value)s”)."),
    "workdays_too_many": _l("%(value)s working days is more than the %(limit)s allowed."),
    "priority_unknown": _l("Priority must be high, normal or low (now “%(value)s”)."),
    "loop_maximum_too_large": _l("The loop may repeat at most %(limit)s times (now "
                                 "%(value)s)."),
    "timer_start_unreadable": _l("The start timer's time cannot be read."),
    "code_refused": _l("The sandbox refuses this code."),
    "code_invalid": _l("This code is not valid Python."),
    "code_out_of_bounds": _l("This value is beyond what the platform allows."),
    "code_not_evaluable": _l("This value cannot be worked out."),
    "service_task": _l("Service tasks are not served: use a script task, or a user task for "
                       "work done elsewhere."),
    "start_event_kind": _l("Nothing starts a case by this kind of start event: use a plain, "
                           "message or timer start event."),
    "data_store": _l("Data stores are not served: keep the data in the case."),
    "decision_ref": _l("Name the decision table with the platform's own attribute, not "
                       "Camunda's."),
    "call_cycle": _l("This call activity calls a process already running above it: the calls "
                     "would never end."),
    "call_missing": _l("A call activity calls the process “%(process)s”, which is not "
                       "deployed."),
    "one_process_per_deployment": _l("Deploy one process at a time (this file holds "
                                     "%(count)s)."),
    "no_bpmn": _l("A deployment needs a BPMN diagram."),
    "no_executable_process": _l("The diagram has no executable process."),
    "not_a_document": _l("This is not a BPMN or DMN document."),
    "unsafe_xml": _l("The file is refused as unsafe XML."),
    "cannot_parse": _l("The diagram cannot be read."),
    "not_valid": _l("The diagram does not follow the BPMN schema."),
    # the routing table's (a DMN decision table of the dual notice)
    "table_not_dmn": _l("This is not a DMN decision table."),
    "table_decisions": _l("A routing table holds one decision with one table (this file "
                          "holds %(count)s)."),
    "table_hit_policy": _l("The routing table must collect every rule that fires (its hit "
                           "policy is now “%(value)s”)."),
    "table_input": _l("The table's input must be the business scope (now “%(value)s”)."),
    "table_outputs": _l("The table's results must be the licence item's code, its name and "
                        "the department, and optionally its name in English (now "
                        "“%(value)s”)."),
    "table_no_rules": _l("The table has no rules: add at least one."),
    "rule_entries": _l("This rule needs one entry for each input and each result."),
    "rule_terms_unreadable": _l("This rule's terms “%(value)s” cannot be read as a list of "
                                "terms."),
    "rule_output_unreadable": _l("Each result of this rule (the licence item's code, its "
                                 "names, the department) must be filled, without double "
                                 "quotes."),
    "rule_department_unknown": _l("This rule names the department “%(department)s”, which "
                                  "the city does not have."),
    "rule_without_terms": _l("This rule names no term of the business scope: it would push "
                             "every registration."),
}
OTHER = _l("This element cannot be deployed.")
WHAT = {"script": _l("script"), "pre-script": _l("script before the task"),
        "post-script": _l("script after the task"), "condition": _l("condition"),
        "completion condition": _l("completion condition"),
        "loop cardinality": _l("number of repetitions"), "loop condition": _l("loop condition"),
        "timer expression": _l("timer")}


class _Params(dict[str, object]):
    """A problem's params; one a sentence names that the engine did not give reads "?"."""

    def __missing__(self, key: str) -> str:
        return "?"


def message(problem: DeploymentProblem) -> str:
    """The problem in the page's language (params the sentence does not use are ignored)."""
    template = PROBLEMS.get(problem.code)
    if template is None:
        return str(OTHER)
    text = str(template) % _Params(problem.params)
    what = problem.params.get("what")
    if what in WHAT:
        text = f"{WHAT[str(what)]}: {text}"
    return text


def as_json(problem: DeploymentProblem) -> dict[str, Any]:
    """What the modeler marks on the element: the sentence, and the detail apart (the
    engine's English where no code words the problem)."""
    detail = problem.params.get("detail")
    if problem.code not in PROBLEMS:
        detail = problem.reason
    return {"file": problem.file, "element": problem.element, "code": problem.code,
            "params": problem.params, "message": message(problem),
            "detail": str(detail) if detail is not None else None}
