"""The bounded worker process that runs diagram code: `python -m engine.workflow.sandbox_worker`.

It limits its own address space and CPU time (`resource.setrlimit`), then answers one
request at a time on stdin/stdout: run a script or evaluate an expression in the
RestrictedPython sandbox. Functions the code may call (the rules) stay in the parent:
calling one sends a `call` message back and waits for its value. The parent kills the
worker when a call outlives its wall-clock limit; stdin closing (the parent gone) ends it.
"""

from __future__ import annotations

import math
import os
import pickle
import resource
import sys
import types
from collections.abc import Callable
from typing import Any, BinaryIO

from engine.errors import SandboxViolation
from engine.workflow import sandbox
from engine.workflow.wire import (
    HEADER,
    MEMORY_EXIT,
    check_state_size,
    exception_of,
    read_exactly,
    write_message,
)


class Worker:
    """The loop of the worker process: one request, one answer."""

    def __init__(self, requests: BinaryIO, answers: BinaryIO) -> None:
        self.requests, self.answers = requests, answers

    def receive(self) -> Any:
        (size,) = HEADER.unpack(read_exactly(self.requests, HEADER.size))
        return pickle.loads(read_exactly(self.requests, size))

    def call_parent(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            write_message(self.answers, ("call", name, args, kwargs))
            kind, value = self.receive()
            if kind == "raise":
                error_type, message = value
                raise exception_of(error_type, message)
            return value

        call.__name__ = name
        return call

    def run(self, request: tuple[Any, ...]) -> Any:
        mode, source, data, functions, limits, max_state, cpu_seconds = request
        _limit_cpu(cpu_seconds)
        names = {**data, **{name: self.call_parent(name) for name in functions}}
        if mode == "evaluate":
            result = sandbox.evaluate(source, names, limits)
            check_state_size(result, max_state)
            return result
        sandbox.execute(source, names, limits)
        kept = {key: value for key, value in names.items() if not key.startswith("_")
                and key not in functions and not isinstance(value, types.FunctionType)}
        check_state_size(kept, max_state)
        return kept

    def serve(self) -> None:
        write_message(self.answers, ("ready", os.getpid()))
        while True:
            try:
                request = self.receive()
            except EOFError:
                return
            try:
                write_message(self.answers, ("done", self.run(request)))
            except SandboxViolation as violation:
                write_message(self.answers, ("violation", violation.message,
                                             violation.details.get("kind"),
                                             violation.details.get("line")))
            except MemoryError:
                write_message(self.answers, ("memory", None))
                return  # start afresh: a full heap leaves fragments behind
            except Exception as error:  # the script's own error, passed on by type and text
                write_message(self.answers, ("error", type(error).__name__, str(error)))


def _limit_cpu(seconds: float) -> None:
    """This call may use `seconds` of CPU from now on: the limit counts the worker's life."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(used.ru_utime + used.ru_stime + seconds)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard < 0 else min(soft, hard), hard))


def main(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # SIGXCPU must not leave a core file
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard < 0 else min(limit, hard), hard))
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # nothing the worker prints may corrupt the answers
    try:
        Worker(sys.stdin.buffer, answers).serve()
    except MemoryError:
        os._exit(MEMORY_EXIT)


if __name__ == "__main__":
    main(int(sys.argv[1]))
