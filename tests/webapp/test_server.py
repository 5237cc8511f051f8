"""`creditflow serve`: gunicorn with 2 workers and exactly one scheduler; waitress as fallback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from engine.config import Settings
from engine.scheduler import SchedulerProcess
from engine.seed.seeders import DEMO_PASSWORD, DEMO_USERS
from tests.webapp.conftest import database_url
from webapp import server

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Output:
    """The lines a server prints, read as they come; `wait_for` waits for one, no sleeping."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.reader.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()

    def matches(self, pattern: str) -> list[re.Match[str]]:
        return [m for m in map(re.compile(pattern).search, list(self.lines)) if m]

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 60) -> list[re.Match[str]]:
        with self.changed:
            found = self.changed.wait_for(lambda: len(self.matches(pattern)) >= count, timeout)
        assert found, f"not {count} of {pattern!r} within {timeout}s in:\n{''.join(self.lines)}"
        return self.matches(pattern)


def gone(pid: int) -> bool:
    """The process has ended (a zombie nobody reaped has ended too)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status


STARTED = r"scheduler process (\d+) started \(parent (\d+)\)"


@pytest.fixture
def serving(db_engine: Engine, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Output]]:
    env = {"PATH": "/usr/bin:/bin", "CREDITFLOW_DATABASE_URL": database_url(db_engine),
           "CREDITFLOW_VAR_DIR": str(tmp_path / "var"), "CREDITFLOW_LOG_LEVEL": "INFO"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from webapp.cli import main; main()", "serve", "--port",
         str(free_port())], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    output = Output(process)
    try:
        yield process, output
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=60)


def test_serve_runs_two_workers_and_the_scheduler_as_a_child_that_stops_with_it(serving):
    process, output = serving
    port = output.wait_for(r"Listening at: http://127\.0\.0\.1:(\d+)")[0].group(1)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/login", timeout=60) as page:
        assert page.status == 200
    output.wait_for("Booting worker", count=2)
    assert output.matches(r"Using worker: webapp\.gunicorn_worker\.BalancingThreadWorker")
    (started,) = output.wait_for(STARTED)
    scheduler = int(started.group(1))
    assert int(started.group(2)) == process.pid, "a child of serve, not of a worker"
    process.terminate()
    assert process.wait(timeout=60) == 0
    output.reader.join(timeout=60)
    assert gone(scheduler)
    assert len(output.matches(STARTED)) == 1 and len(output.matches("Booting worker")) == 2
    assert output.matches(rf"scheduler process {scheduler} stopped")


def test_a_scheduler_that_died_is_started_again(db_engine: Engine, tmp_path: Path):
    settings = Settings(var_dir=tmp_path / "var", database_url=database_url(db_engine))
    supervisor = SchedulerProcess(settings).start()
    try:
        with supervisor.spawned:
            assert supervisor.spawned.wait_for(lambda: supervisor.process is not None, 60)
            first = supervisor.process
            assert first is not None
        first.kill()
        with supervisor.spawned:
            assert supervisor.spawned.wait_for(lambda: supervisor.process is not first, 60)
            second = supervisor.process
        assert second is not None and second.poll() is None
    finally:
        supervisor.stop()
    assert second.poll() is not None, "stopped with its supervisor"


def test_serve_restarts_a_scheduler_that_died(serving):
    _process, output = serving
    first = int(output.wait_for(STARTED)[0].group(1))
    os.kill(first, signal.SIGKILL)  # soon after start: while gunicorn may be forking workers
    second = int(output.wait_for(STARTED, count=2)[1].group(1))
    assert second != first and not gone(second)


def test_the_scheduler_stops_when_serve_is_killed(serving):
    process, output = serving
    scheduler = int(output.wait_for(STARTED)[0].group(1))
    process.kill()  # no chance to stop its child: the child notices the parent is gone
    output.wait_for(rf"scheduler: parent {process.pid} is gone; stopping")
    output.wait_for(rf"scheduler process {scheduler} stopped")


def test_waitress_where_gunicorn_cannot_run(db_engine: Engine, tmp_path: Path, monkeypatch):
    served = {}
    monkeypatch.setitem(sys.modules, "gunicorn.app.base", None)  # importing it now fails
    monkeypatch.setattr("waitress.serve", lambda app, **kw: served.update(app=app, **kw))
    settings = Settings(var_dir=tmp_path / "var", database_url=database_url(db_engine))
    started = []
    real = server.SchedulerProcess
    monkeypatch.setattr(server, "SchedulerProcess",
                        lambda *a: started.append(real(*a)) or started[-1])
    server.run(settings, "127.0.0.1", 5099)
    assert served["port"] == 5099 and served["app"].name == "webapp"
    (scheduler,) = started
    assert scheduler.stopping.is_set() and not scheduler.thread.is_alive()
    assert scheduler.process is None or scheduler.process.poll() is not None, \
        "the scheduler stops with the server"


@pytest.mark.parametrize("demo", DEMO_USERS, ids=[d.username for d in DEMO_USERS])
def test_readme_lists_the_demo_accounts(demo):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{demo.username}`" in readme and DEMO_PASSWORD in readme


def test_serve_refuses_a_port_in_use(db_engine: Engine, tmp_path: Path):
    """A second server on a port in use says so at once, rather than after gunicorn's
    retries."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"PATH": "/usr/bin:/bin", "CREDITFLOW_DATABASE_URL": database_url(db_engine),
               "CREDITFLOW_VAR_DIR": str(tmp_path / "var")}
        done = subprocess.run(
            [sys.executable, "-c", "from webapp.cli import main; main()", "serve", "--port",
             str(port)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"127.0.0.1:{port} is in use" in done.stderr and "running already" in done.stderr
