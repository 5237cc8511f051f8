"""SpiffWorkflow's script engine, running every script and expression in the sandbox."""

from __future__ import annotations

import time
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
from engine.workflow import bounds, isolation, sandbox
from engine.workflow.bounds import Bounds, OutOfBounds
from engine.workflow.expressions import events_of, timer_kind
from engine.workflow.fastpath import is_plain_expression, is_plain_script
from engine.workflow.isolation import Isolation
from rules.registry import RuleContext


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Task data plus the rules registry as the only names a script can see.

    Plain code (engine.workflow.fastpath) runs here; the rest in the bounded worker.
    """

    def __init__(self, functions: dict[str, Callable[..., Any]], limits: sandbox.Limits,
                 bounded: Isolation | None = None) -> None:
        super().__init__(functions)
        self.limits = limits
        self.isolation = bounded or Isolation()
        self.rules = frozenset(functions)

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        names = {**self.globals, **(external_context or {}), **context}
        if is_plain_expression(expression, self.rules):
            return sandbox.evaluate(expression, names, self.limits)
        return isolation.evaluate(expression, names, self.limits, self.isolation)

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        clash = set(self.globals).intersection(context)
        if clash:
            raise ValueError(f"task data overwrites rule functions: {sorted(clash)}")
        names = {**self.globals, **(external_context or {}), **context}
        if is_plain_script(script, self.rules):
            sandbox.execute(script, names, self.limits)
        else:
            isolation.execute(script, names, self.limits, self.isolation)
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
    `max_engine_steps`, or once the steps have run `max_command_seconds`: a loop of
    scripts and gateways that never waits would otherwise hold the command for ever, and
    a loop of slow scripts (each within the sandbox's own limits) for hours."""
    engine = workflow.script_engine
    bounded = engine.bounds if isinstance(engine, BoundedScriptEngine) else None
    limit = bounded.max_engine_steps if bounded else 0
    budget = bounded.max_command_seconds if bounded else 0
    began, taken = time.monotonic(), 0

    def counted(task: Task) -> None:
        nonlocal taken
        taken += 1
        element = getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name
        if limit and taken > limit:
            raise OutOfBounds(f"more than {limit:,} engine steps in one command, the last at "
                              f"element {element!r} (setting max_engine_steps): a loop "
                              "that never waits?")
        if budget and time.monotonic() - began > budget:
            raise OutOfBounds(f"the engine steps of one command ran longer than {budget:g} s, "
                              f"the last at element {element!r} (setting "
                              "max_command_seconds)")

    workflow.do_engine_steps(did_complete_task=counted)


def script_engine(context: RuleContext | None, limits: sandbox.Limits,
                  bounded: Bounds | None = None, isolated: Isolation | None = None
                  ) -> PythonScriptEngine:
    """A script engine whose rule functions see this command's context (clock, calendar)."""
    environment = SandboxEnvironment(rules.REGISTRY.bind(context), limits, isolated)
    return BoundedScriptEngine(environment, bounded or Bounds())
