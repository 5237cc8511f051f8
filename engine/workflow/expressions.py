"""Every piece of code a parsed diagram carries, named by element, for the deploy checks.

SpiffWorkflow evaluates Python from many places of a diagram: scripts, flow conditions,
timer, conditional-event and message expressions, correlation retrievals, loop
cardinalities and conditions, service parameters and the cells of DMN tables. All of
them go through the sandbox at run time, so deploy checks all of them with it too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask, StandardLoopTask


@dataclass(frozen=True)
class Code:
    """One script or expression: its element, what it is there, and its text."""

    element: str | None
    what: str
    source: str
    statements: bool = False
    bounded: str | None = None  # the kind of value bounds.py checks: see `bounded_kind`


def code_of(spec: BpmnProcessSpec) -> Iterator[Code]:
    """The code of a process: of each task spec, and its completion condition."""
    condition = getattr(spec, "completion_condition", None)
    if condition:
        yield Code(spec.name, "completion condition", condition)
    for task_spec in spec.task_specs.values():
        element = getattr(task_spec, "bpmn_id", None) or task_spec.name
        for what, source, statements, bounded in _task_code(task_spec):
            if isinstance(source, str) and source.strip():
                yield Code(element, what, source, statements, bounded)
        yield from _dmn_code(task_spec)


_Found = tuple[str, Any, bool, str | None]


def _task_code(task_spec: Any) -> Iterator[_Found]:
    yield "script", getattr(task_spec, "script", None), True, None
    yield "pre-script", getattr(task_spec, "prescript", None), True, None
    yield "post-script", getattr(task_spec, "postscript", None), True, None
    for condition, _target in getattr(task_spec, "cond_task_specs", None) or []:
        if condition is not None:
            yield "condition", condition.args[0], False, None
    if isinstance(task_spec, MultiInstanceTask):
        yield "loop cardinality", task_spec.cardinality, False, "cardinality"
        yield "completion condition", task_spec.condition, False, None
    if isinstance(task_spec, StandardLoopTask):
        yield "loop condition", task_spec.condition, False, None
    for name, param in (getattr(task_spec, "operation_params", None) or {}).items():
        yield f"service parameter {name!r}", param.get("value"), False, None
    yield from _event_code(getattr(task_spec, "event_definition", None))


def events_of(event: Any) -> list[Any]:
    """The event definitions an event holds: itself, or each of a multiple event's."""
    if event is None:
        return []
    if isinstance(event, MultipleEventDefinition):
        return [each for inner in event.event_definitions for each in events_of(inner)]
    return [event]


def _event_code(event: Any) -> Iterator[_Found]:
    for each in events_of(event):
        kind = timer_kind(each)
        what = "timer expression" if kind else f"{_event_name(each)} expression"
        yield what, getattr(each, "expression", None), False, kind
        properties = (getattr(each, "correlation_properties", None) or []) + (
            getattr(each, "process_correlations", None) or [])
        for prop in properties:
            yield f"correlation property {prop.name!r}", prop.retrieval_expression, False, None


def timer_kind(event: Any) -> str | None:
    """"date", "duration" or "cycle" for a timer event definition; None for other events."""
    if isinstance(event, CycleTimerEventDefinition):
        return "cycle"
    if isinstance(event, DurationTimerEventDefinition):
        return "duration"
    return "date" if isinstance(event, TimerEventDefinition) else None


def _event_name(event: Any) -> str:
    """'conditional event', 'message event' ... from the event definition's class."""
    name = type(event).__name__.removesuffix("EventDefinition").removeprefix("Spiff")
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
    return f"{words} event"


# SpiffWorkflow's DMN engine turns `?` outside quotes into the input's value.
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def _dmn_code(task_spec: Any) -> Iterator[Code]:
    """Each cell of a business rule task's decision table, as the DMN engine evaluates it."""
    table = getattr(getattr(task_spec, "dmnEngine", None), "decision_table", None)
    if table is None:
        return
    for put in table.inputs:
        if put.expression:
            yield Code(put.id, f"DMN input {put.label or put.id!r}", put.expression)
    for rule in table.rules:
        for entry in rule.inputEntries:
            for cell in entry.lhs:
                if cell:
                    yield Code(entry.id, f"DMN rule {rule.id!r}", _dmn_match(cell))
        for entry in rule.outputEntries:
            if getattr(entry, "text", ""):
                yield Code(entry.id, f"DMN rule {rule.id!r}", entry.text)


def _dmn_match(cell: str) -> str:
    """The expression SpiffWorkflow's DMNEngine.evaluate builds from an input cell, with
    the input's value standing for its expression (which is checked on its own)."""
    cell = _QUESTION_MARK.sub("dmninputexpr", cell)
    if "dmninputexpr" in cell:
        return cell
    try:
        ast.parse(cell, mode="eval")
    except SyntaxError:
        return f"dmninputexpr {cell}"
    return f"(dmninputexpr) == ({cell})"


def is_literal(source: str) -> bool:
    """An expression that names nothing (no variable, no function): its value is fixed."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return False
    return not any(isinstance(node, (ast.Name, ast.Call, ast.Attribute, ast.Lambda))
                   for node in ast.walk(tree))
