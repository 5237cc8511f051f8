"""Diagram code in a worker process the operating system bounds: memory, CPU and wall clock.

The sandbox's own time check runs between Python steps; one C-level call (`t in [s] *
10**6`, a set of colliding hashes) can outlast it by minutes, and nothing in one process
bounds memory. So code runs in a worker (`sandbox_worker`) with RLIMIT_AS and RLIMIT_CPU,
one per thread, kept for the next call; a call that outlives `kill_seconds` kills it and
the next call starts another. Functions the code calls (the rules, which need the
calendar and the database) run here, in the caller, when the worker asks for them.
"""

from __future__ import annotations

import atexit
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.config import PROJECT_DIR, Settings
from engine.errors import SandboxViolation
from engine.workflow import sandbox
from engine.workflow.wire import (
    HEADER,
    MEMORY_EXIT,
    check_state_size,
    exception_of,
    read_data,
    write_message,
)

SUPPORTED = sys.platform != "win32"  # no fork, no rlimits: Windows runs code in-process
STARTUP_SECONDS = 60.0  # a worker starting on a busy machine: its imports, not a script


@dataclass(frozen=True)
class Isolation:
    """The worker's limits (config.toml: sandbox_memory_mb, sandbox_cpu_seconds,
    sandbox_kill_seconds) and the largest state a script may leave behind."""

    memory_mb: int = 512
    cpu_seconds: float = 2.0
    kill_seconds: float = 3.0
    max_state_bytes: int = 1_048_576

    @classmethod
    def of(cls, settings: Settings) -> Isolation:
        return cls(settings.sandbox_memory_mb, settings.sandbox_cpu_seconds,
                   settings.sandbox_kill_seconds, settings.max_instance_state_bytes)


class _Process:
    """One worker process and the pipes to it."""

    def __init__(self, memory_mb: int) -> None:
        self.pid_of_parent = os.getpid()
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "engine.workflow.sandbox_worker", str(memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=PROJECT_DIR)
        assert self.popen.stdin is not None and self.popen.stdout is not None
        self.requests, self.answers = self.popen.stdin, self.popen.stdout
        self.buffer = b""
        try:  # the interpreter's start is not the script's time: wait for it apart
            self.receive(time.monotonic() + STARTUP_SECONDS)
        except (TimeoutError, EOFError):
            self.kill()  # not the script's fault: a plain error, which the sweep retries
            raise RuntimeError("the sandbox worker process did not start") from None

    def alive(self) -> bool:
        return self.pid_of_parent == os.getpid() and self.popen.poll() is None

    def send(self, message: Any) -> None:
        write_message(self.requests, message)  # type: ignore[arg-type]

    def receive(self, deadline: float) -> Any:
        """The next message, or TimeoutError once the deadline passes, EOFError if it died."""
        size = None
        while True:
            if size is None and len(self.buffer) >= HEADER.size:
                (size,) = HEADER.unpack(self.buffer[:HEADER.size])
                self.buffer = self.buffer[HEADER.size:]
            if size is not None and len(self.buffer) >= size:
                data, self.buffer = self.buffer[:size], self.buffer[size:]
                return read_data(data)
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self.answers.fileno(), 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk

    def kill(self) -> int:
        if self.popen.poll() is None:
            self.popen.kill()
        for pipe in (self.requests, self.answers):
            pipe.close()
        return self.popen.wait()


_local = threading.local()  # .workers: memory_mb → this thread's _Process
_all: set[_Process] = set()
_all_lock = threading.Lock()


def _worker(memory_mb: int) -> _Process:
    workers: dict[int, _Process] = _local.__dict__.setdefault("workers", {})
    worker = workers.get(memory_mb)
    if worker is None or not worker.alive():
        worker = workers[memory_mb] = _Process(memory_mb)
        with _all_lock:
            _all.add(worker)
    return worker


def _drop(worker: _Process) -> int:
    """Kill a worker; this thread's next call starts another."""
    workers: dict[int, _Process] = _local.__dict__.get("workers", {})
    for key in [key for key, each in workers.items() if each is worker]:
        del workers[key]
    with _all_lock:
        _all.discard(worker)
    return worker.kill()


@atexit.register
def stop_workers() -> None:
    """Kill every worker this process started (they also end when their stdin closes)."""
    with _all_lock:
        workers = [w for w in _all if w.pid_of_parent == os.getpid()]
        _all.clear()
    for worker in workers:
        worker.kill()


def _split(names: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Callable[..., Any]]]:
    data = {k: v for k, v in names.items() if not callable(v)}
    return data, {k: v for k, v in names.items() if callable(v)}


def _call(mode: str, source: str, names: Mapping[str, Any], limits: sandbox.Limits,
          isolation: Isolation) -> Any:
    data, functions = _split(names)
    worker = _worker(isolation.memory_mb)
    deadline = time.monotonic() + isolation.kill_seconds
    try:
        worker.send((mode, source, data, sorted(functions), limits, isolation.max_state_bytes,
                     isolation.cpu_seconds))
        while True:
            message = worker.receive(deadline)
            if message[0] != "call":
                break
            worker.send(_run_function(functions, *message[1:]))
    except TimeoutError:
        _drop(worker)
        raise _stopped(isolation, "time") from None
    except (EOFError, BrokenPipeError):
        status = _drop(worker)
        raise _stopped(isolation, _why(status)) from None
    except BaseException:  # mid-call (a rule's value would not pickle): out of step now
        _drop(worker)
        raise
    return _answer(worker, message, isolation)


def _run_function(functions: dict[str, Callable[..., Any]], name: str, args: tuple[Any, ...],
                  kwargs: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "value", functions[name](*args, **kwargs)
    except Exception as error:
        return "raise", (type(error).__name__, str(error))


def _why(status: int) -> str:
    if status == -signal.SIGXCPU:
        return "cpu"
    return "memory" if status == MEMORY_EXIT else f"crash {status}"


def _stopped(isolation: Isolation, why: str) -> SandboxViolation:
    reasons = {
        "time": f"the script ran longer than {isolation.kill_seconds:g} s and was stopped "
                "(setting sandbox_kill_seconds)",
        "cpu": f"the script used more than {isolation.cpu_seconds:g} s of CPU and was stopped "
               "(setting sandbox_cpu_seconds)",
        "memory": f"the script needed more than {isolation.memory_mb} MB and was stopped "
                  "(setting sandbox_memory_mb)",
    }
    if why.startswith("crash"):
        return SandboxViolation(f"the script's worker process ended unexpectedly (status "
                                f"{why.split()[1]})", kind="crash")
    return SandboxViolation(reasons[why], kind="memory" if why == "memory" else "time")


def _answer(worker: _Process, message: tuple[Any, ...], isolation: Isolation) -> Any:
    kind = message[0]
    if kind == "done":
        return message[1]
    if kind == "violation":
        _kind, text, violation, line = message
        raise SandboxViolation(text, kind=violation, line=line)
    if kind == "memory":
        _drop(worker)
        raise _stopped(isolation, "memory")
    _kind, type_name, text = message
    raise exception_of(type_name, text)


def evaluate(source: str, names: Mapping[str, Any], limits: sandbox.Limits,
             isolation: Isolation) -> Any:
    """Evaluate an expression in the worker; the callables among `names` run here."""
    if not SUPPORTED:
        return sandbox.evaluate(source, names, limits)
    return _call("evaluate", source, names, limits, isolation)


def execute(source: str, names: dict[str, Any], limits: sandbox.Limits,
            isolation: Isolation) -> None:
    """Run a script in the worker; `names` ends as sandbox.execute would leave it."""
    if not SUPPORTED:
        sandbox.execute(source, names, limits)
        check_state_size(names, isolation.max_state_bytes)
        return
    result = _call("execute", source, names, limits, isolation)
    for key in [key for key in names if key not in result and not callable(names[key])]:
        del names[key]
    names.update(result)
