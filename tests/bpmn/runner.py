"""Running a shipped diagram in memory, as the engine does, for the path-by-path tests."""

from __future__ import annotations

from datetime import datetime

import time_machine
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.util.task import TaskState

from engine.workflow import dump_state, load_state, script_engine
from engine.workflow.sandbox import Limits
from tests.rule_context import CalendarContext


def engine() -> PythonScriptEngine:
    """The sandboxed script engine over the State Council calendar."""
    return script_engine(CalendarContext(), Limits())


def restored(workflow, specs):  # type: ignore[no-untyped-def]
    """Save and restore, as every command does between two requests."""
    return load_state(dump_state(workflow), specs, engine())


def ready(workflow) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(t.task_spec.name for t in workflow.get_tasks(state=TaskState.READY, manual=True))


def finish(workflow, name: str, **data) -> None:  # type: ignore[no-untyped-def]
    (task,) = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
               if t.task_spec.name == name]
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()


def ended_at(workflow) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)
                  if t.task_spec.name.startswith("end_"))


def advance(workflow, when: datetime) -> None:  # type: ignore[no-untyped-def]
    """Move time to `when` and let the due timers fire."""
    with time_machine.travel(when, tick=False):
        workflow.refresh_timers()
        workflow.do_engine_steps()
