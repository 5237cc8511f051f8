"""SpiffWorkflow's script engine, running every script and expression in the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask, StandardLoopTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task

import rules
from engine import clock
from engine.errors import SandboxViolation
from engine.workflow import bounds, sandbox
from engine.workflow.bounds import Bounds, OutOfBounds
from engine.workflow.expressions import events_of, timer_kind
from rules.registry import RuleContext


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Task data plus the rules registry as the only names a script can see."""

    def __init__(self, functions: dict[str, Callable[..., Any]], limits: sandbox.Limits) -> None:
        super().__init__(functions)
        self.limits = limits

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        names = {**self.globals, **(external_context or {}), **context}
        return sandbox.evaluate(expression, names, self.limits)

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        clash = set(self.globals).intersection(context)
        if clash:
            raise ValueError(f"task data overwrites rule functions: {sorted(clash)}")
        names = {**self.globals, **(external_context or {}), **context}
        sandbox.execute(script, names, self.limits)
        hidden = set(self.globals) | set(external_context or {})
        for key in list(context):
            if key not in names:
                del context[key]
        for key, value in names.items():
            if key not in hidden and not callable(value):
                context[key] = value
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise SandboxViolation("service tasks are not available to diagrams")


class BoundedScriptEngine(PythonScriptEngine):
    """Checks the values SpiffWorkflow works in proportion to before it sees them.

    Timer values, loop cardinalities and loop rounds come out of `evaluate`; one beyond
    its bound raises OutOfBounds naming the element, which the runtime makes an incident.
    """

    def __init__(self, environment: SandboxEnvironment, limits: Bounds) -> None:
        super().__init__(environment=environment)
        self.bounds = limits

    def evaluate(self, task: Task, expression: str,
                 external_context: dict[str, Any] | None = None) -> Any:
        value = super().evaluate(task, expression, external_context)
        try:
            return self._checked(task, expression, value)
        except OutOfBounds as exc:
            spec = task.task_spec
            element = getattr(spec, "bpmn_id", None) or spec.name
            raise OutOfBounds(f"element {element!r}: {exc}") from None

    def _checked(self, task: Task, expression: str, value: Any) -> Any:
        spec = task.task_spec
        for event in events_of(getattr(spec, "event_definition", None)):
            kind = timer_kind(event)
            if kind is not None and expression == event.expression:
                return bounds.check_timer(kind, value, self.bounds, clock.now())
        if isinstance(spec, MultiInstanceTask) and expression == spec.cardinality:
            return bounds.check_cardinality(value, self.bounds)
        if isinstance(spec, StandardLoopTask) and expression == spec.condition and value:
            bounds.check_rounds(len(task.internal_data.get("merged", [])), self.bounds)
        return value


def engine_steps(workflow: BpmnWorkflow) -> None:
    """`workflow.do_engine_steps()`, stopped by OutOfBounds after the script engine's
    `max_engine_steps`: a loop of scripts and gateways that never waits would otherwise
    hold the command (and its write lock) for ever."""
    engine = workflow.script_engine
    limit = engine.bounds.max_engine_steps if isinstance(engine, BoundedScriptEngine) else 0
    taken = 0

    def counted(task: Task) -> None:
        nonlocal taken
        taken += 1
        if limit and taken > limit:
            element = getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name
            raise OutOfBounds(f"more than {limit:,} engine steps in one command, the last at "
                              f"element {element!r} (setting max_engine_steps): a loop "
                              "that never waits?")

    workflow.do_engine_steps(did_complete_task=counted)


def script_engine(context: RuleContext | None, limits: sandbox.Limits,
                  bounded: Bounds | None = None) -> PythonScriptEngine:
    """A script engine whose rule functions see this command's context (clock, calendar)."""
    environment = SandboxEnvironment(rules.REGISTRY.bind(context), limits)
    return BoundedScriptEngine(environment, bounded or Bounds())
