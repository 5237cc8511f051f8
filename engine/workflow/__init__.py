"""SpiffWorkflow behind one door: safe parsing, one serializer, a sandboxed script engine."""

from engine.workflow.parser import ParsedProcess, parse_process
from engine.workflow.scripting import SandboxEnvironment, script_engine
from engine.workflow.serializer import (
    SERIALIZER_VERSION,
    StateTooLarge,
    dump_spec,
    dump_state,
    load_spec,
    load_state,
    new_workflow,
    spec_text,
)

__all__ = [
    "SERIALIZER_VERSION",
    "ParsedProcess",
    "SandboxEnvironment",
    "StateTooLarge",
    "dump_spec",
    "dump_state",
    "load_spec",
    "load_state",
    "new_workflow",
    "parse_process",
    "script_engine",
    "spec_text",
]
