"""Running engine steps: a failing script or expression becomes a typed incident error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskState

from engine.errors import EngineError, IncidentError, SandboxViolation
from engine.runtime.cases import Case
from engine.runtime.derive import tasks_in
from engine.workflow.bounds import OutOfBounds


def run_steps(case: Case, step: Callable[[], Any]) -> None:
    """Run engine steps; a failure names its instance, and a limit it ran into.

    A limit (a bound, a sandbox refusal or kill, a state too large) fails the same way
    every time: such an error is `permanent`, so the timer sweep does not retry it.
    """
    try:
        step()
    except (WorkflowException, Exception) as exc:  # scripts may raise anything
        if isinstance(exc, EngineError) and not isinstance(exc, SandboxViolation):
            raise
        limit = _limit_of(exc)
        raise IncidentError(f"the process failed: {_describe(exc)}", code=limit,
                            instance_id=case.row.id, permanent=limit is not None,
                            element=failed_element(case, exc)) from exc


def failed_element(case: Case, exc: BaseException | None = None) -> str | None:
    """The diagram element a failure stopped on, for the incident (and the operations
    overlay): the task the error names, else the task in error, else where the case stands
    (a task ready for someone, then one waiting)."""
    for cause in _causes(exc) if exc is not None else []:
        task = getattr(cause, "task", None)
        spec = getattr(task, "task_spec", None) or getattr(cause, "task_spec", None)
        if isinstance(spec, TaskSpec):
            return _element_of(spec)
    raising = _raising_spec(exc) if exc is not None else None
    if raising is not None:
        return _element_of(raising)
    for state in (TaskState.ERROR, TaskState.READY, TaskState.WAITING, TaskState.STARTED):
        tasks = [t for t in tasks_in(case.workflow, state) if _element_of(t.task_spec)]
        if tasks:
            return _element_of(tasks[0].task_spec)
    return None


def _element_of(spec: TaskSpec) -> str | None:
    return getattr(spec, "bpmn_id", None)


def _causes(exc: BaseException) -> list[BaseException]:
    """The error and what it wraps (SpiffWorkflow wraps without chaining: `.exception`)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = (current.__cause__ or getattr(current, "exception", None)
                   or current.__context__)
    return chain


def _limit_of(exc: BaseException) -> str | None:
    """The reason code of the limit behind an error, if a limit is behind it."""
    for cause in _causes(exc):
        if isinstance(cause, SandboxViolation):
            return "state_too_large" if cause.details.get("kind") == "state" else "script_stopped"
        if isinstance(cause, OutOfBounds):
            return "out_of_bounds"
    return None


def _raising_spec(exc: BaseException) -> TaskSpec | None:
    found, frame = None, exc.__traceback__
    while frame is not None:
        candidate = frame.tb_frame.f_locals.get("self")
        if isinstance(candidate, TaskSpec):
            found = candidate
        frame = frame.tb_next
    return found


def _describe(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    if isinstance(exc, WorkflowException) and isinstance(exc.task_spec, str):
        # Raised as WorkflowException(task_spec, message): the message is where the spec
        # belongs and the spec became its repr. The spec is the `self` that raised it.
        text = exc.task_spec
        raising = _raising_spec(exc)
        if raising is not None:
            text += f" (element {getattr(raising, 'bpmn_id', None) or raising.name!r})"
    # SpiffWorkflow wraps an expression's error without chaining it: the error is the context.
    cause = exc.__cause__ or getattr(exc, "exception", None) or exc.__context__
    if cause is not None and str(cause) not in text:
        text += f" ({cause.__class__.__name__}: {cause})"
    return text[:2000]
