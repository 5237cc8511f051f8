"""What deploy refuses in a parsed process: lanes without a rule, missing forms, unsafe
code, values beyond the bounds, constructs the platform does not run."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import NamedTuple

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask

from engine import clock
from engine.config import Settings
from engine.errors import DeploymentProblem, SandboxViolation
from engine.runtime.derive import PRIORITIES, properties_of
from engine.runtime.forms import FORMS_DIR, form_exists
from engine.runtime.schedule_rows import occurrence, timer_starts
from engine.workflow import ParsedProcess, bounds, isolation, sandbox
from engine.workflow.bounds import Bounds, OutOfBounds
from engine.workflow.constructs import unsupported
from engine.workflow.expressions import Code, code_of, is_literal
from engine.workflow.isolation import Isolation
from rules.lanes import lane_rule


def check_process(parsed: ParsedProcess, forms_dir: Path = FORMS_DIR,
                  settings: Settings | None = None,
                  has_form: Callable[[str], bool] | None = None) -> list[DeploymentProblem]:
    """Every reason the parsed process may not run here: lanes, forms, unsafe code, bounds.
    A form exists when `has_form` says so (the database's), else when forms/ ships it."""
    settings = settings or Settings()
    has_form = has_form or partial(form_exists, forms_dir=forms_dir)
    problems: list[DeploymentProblem] = []
    own = {name for name, _text in parsed.own_files()}
    for spec in [parsed.spec, *parsed.subprocess_specs.values()]:
        file = getattr(spec, "file", None) or parsed.bpmn_file
        if file in own:  # a called deployed process was checked when it was deployed
            problems.extend(_check_spec(spec, file, has_form, settings))
    for element, event in timer_starts(parsed.spec):
        try:
            occurrence(element, event, clock.now(), settings.timer_max_cycle_repetitions)
        except Exception as exc:  # a value the timer cannot read, or not a literal
            problems.append(DeploymentProblem(parsed.bpmn_file, element,
                                              f"timer start event: {exc}",
                                              "timer_start_unreadable", detail=str(exc)))
    specs = {parsed.key: parsed.spec, **parsed.subprocess_specs}
    problems.extend(DeploymentProblem(parsed.bpmn_file, element, reason, code, **params)
                    for element, code, reason, params
                    in unsupported(parsed.key, specs, parsed.own_files()))
    return problems


class Reason(NamedTuple):
    """Why an element may not run: a stable code, its params, and the English words."""

    code: str
    text: str
    params: dict[str, str | int] = {}


def _check_spec(spec: BpmnProcessSpec, file: str, has_form: Callable[[str], bool],
                settings: Settings) -> list[DeploymentProblem]:
    problems: list[DeploymentProblem] = []
    user_tasks = {getattr(t, "bpmn_id", None) for t in spec.task_specs.values()
                  if getattr(t, "manual", False)}
    for task_spec in spec.task_specs.values():
        element = getattr(task_spec, "bpmn_id", None) or task_spec.name
        reasons = _loop_problems(task_spec, settings)
        if getattr(task_spec, "manual", False):
            reasons += _user_task_problems(task_spec, has_form, settings)
            holder_from = properties_of(task_spec).get("holderFrom")
            if holder_from is not None and (holder_from not in user_tasks
                                            or holder_from == element):
                reasons.append(Reason("holder_from_unknown",
                                      f"holderFrom {holder_from!r} names no other user task "
                                      "of this process", {"name": holder_from}))
        problems.extend(DeploymentProblem(file, element, r.text, r.code, **r.params)
                        for r in reasons)
    for code in code_of(spec):
        reason = _code_problem(code, settings)
        if reason is not None:
            problems.append(DeploymentProblem(file, code.element, reason.text, reason.code,
                                              **reason.params))
    return problems


def _code_problem(code: Code, settings: Settings) -> Reason | None:
    """Why a script or expression may not run: the sandbox refuses it, or, where its value
    is literal, that value is beyond the bounds. A literal is worked out in the bounded
    worker: `'a' * 10**6 in [...] * 10**6` is a literal too."""
    try:
        if code.statements:
            sandbox.check_script(code.source)
            return None
        sandbox.check_expression(code.source)
        if code.bounded and is_literal(code.source):
            limits = sandbox.Limits(settings.sandbox_timeout_seconds, settings.sandbox_max_size)
            value = isolation.evaluate(code.source, {}, limits, Isolation.of(settings))
            _check_literal(code.bounded, value, Bounds.of(settings))
    except SandboxViolation as exc:
        return _code_reason("code_refused", code, "refused by the sandbox", exc.message)
    except SyntaxError as exc:
        return _code_reason("code_invalid", code, "is not valid", str(exc.msg))
    except OutOfBounds as exc:
        return _code_reason("code_out_of_bounds", code, "refused", str(exc))
    except Exception as exc:  # a literal that fails to evaluate, e.g. 1 / 0
        return _code_reason("code_not_evaluable", code, "cannot be evaluated", str(exc))
    return None


def _code_reason(kind: str, code: Code, words: str, detail: str) -> Reason:
    return Reason(kind, f"{code.what} {words}: {detail}", {"what": code.what, "detail": detail})


def _check_literal(kind: str, value: object, limits: Bounds) -> None:
    if kind == "cardinality":
        bounds.check_cardinality(value, limits)
    else:
        bounds.check_timer(kind, value, limits, clock.now())


def _loop_problems(task_spec: object, settings: Settings) -> list[Reason]:
    """A standard loop's maximum within the bound (the parser asks for a maximum or a
    condition; a condition that stays true is stopped at run time)."""
    if not isinstance(task_spec, StandardLoopTask):
        return []
    if task_spec.maximum is not None and task_spec.maximum > settings.max_loop_cardinality:
        return [Reason("loop_maximum_too_large",
                       f"loopMaximum {task_spec.maximum:,} is more than "
                       f"{settings.max_loop_cardinality:,} (setting max_loop_cardinality)",
                       {"value": task_spec.maximum, "limit": settings.max_loop_cardinality})]
    return []


def _user_task_problems(task_spec: object, has_form: Callable[[str], bool],
                        settings: Settings) -> list[Reason]:
    problems: list[Reason] = []
    lane = getattr(task_spec, "lane", None)
    if lane_rule(lane) is None:
        problems.append(Reason("lane_without_rule",
                               f"user task in lane {lane!r}, which has no assignment rule",
                               {"lane": lane}) if lane else
                        Reason("task_outside_lane",
                               "user task outside any lane has no assignment rule"))
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    form_key = properties.get("formKey")
    if form_key and not has_form(form_key):
        problems.append(Reason("form_missing", f"form key {form_key!r} has no form in forms/",
                               {"form": form_key}))
    for name in ("dueWorkingDays", "followUpWorkingDays"):
        problems.extend(_workdays_problems(name, properties.get(name), settings))
    priority = properties.get("priority")
    if priority is not None and priority not in PRIORITIES:
        problems.append(Reason("priority_unknown",
                               f"priority must be one of {sorted(PRIORITIES)}, got {priority!r}",
                               {"value": priority}))
    return problems


def _workdays_problems(name: str, value: str | None, settings: Settings) -> list[Reason]:
    """A task's count of working days: whole, and within what the calendar may count."""
    if value is None:
        return []
    if not value.strip().isdecimal():
        return [Reason("workdays_not_whole",
                       f"{name} must be a whole number of working days, got {value!r}",
                       {"name": name, "value": value})]
    if int(value) > settings.rule_max_workdays:
        return [Reason("workdays_too_many",
                       f"{name} {int(value):,} is more than {settings.rule_max_workdays:,} "
                       "working days (setting rule_max_workdays)",
                       {"name": name, "value": int(value), "limit": settings.rule_max_workdays})]
    return []
