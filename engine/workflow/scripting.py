"""SpiffWorkflow's script engine, running every script and expression in the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

import rules
from engine.errors import SandboxViolation
from engine.workflow import sandbox
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


def script_engine(context: RuleContext | None, limits: sandbox.Limits) -> PythonScriptEngine:
    """A script engine whose rule functions see this command's context (clock, calendar)."""
    return PythonScriptEngine(environment=SandboxEnvironment(rules.REGISTRY.bind(context), limits))
