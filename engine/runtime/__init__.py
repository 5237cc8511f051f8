"""The runtime: commands on process instances, case load and save, derived rows, deploy,
timers, incidents and doctor. `from engine import runtime` gives the commands."""

from engine.runtime import events  # noqa: F401  (forwards thrown messages after saves)
from engine.runtime.batch import StartRequest
from engine.runtime.commands import (
    actor_user,
    assign,
    claim,
    complete,
    fire_due_timers,
    get_work_item,
    release,
    resume,
    start_process,
    start_processes,
    suspend,
    terminate,
)

__all__ = [
    "StartRequest",
    "actor_user",
    "assign",
    "claim",
    "complete",
    "fire_due_timers",
    "get_work_item",
    "release",
    "resume",
    "start_process",
    "start_processes",
    "suspend",
    "terminate",
]
