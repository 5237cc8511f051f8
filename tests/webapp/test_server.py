"""`creditflow serve`: gunicorn with 2 workers and exactly one scheduler; waitress as fallback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import Engine

from engine.config import Settings
from engine.seed.seeders import DEMO_PASSWORD, DEMO_USERS
from tests.webapp.conftest import database_url
from webapp import server

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_runs_two_workers_and_one_scheduler(db_engine: Engine, tmp_path: Path):
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "CREDITFLOW_DATABASE_URL": database_url(db_engine),
           "CREDITFLOW_VAR_DIR": str(tmp_path / "var"), "CREDITFLOW_LOG_LEVEL": "INFO"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from webapp.cli import main; main()", "serve", "--port",
         str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        status = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/login") as page:
                    status = page.status
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
    assert output.count("scheduler started in the gunicorn master") == 1
    assert output.count("Booting worker") == 2


def test_waitress_where_gunicorn_cannot_run(db_engine: Engine, tmp_path: Path, monkeypatch):
    served = {}
    monkeypatch.setitem(sys.modules, "gunicorn.app.base", None)  # importing it now fails
    monkeypatch.setattr("waitress.serve", lambda app, **kw: served.update(app=app, **kw))
    settings = Settings(var_dir=tmp_path / "var", database_url=database_url(db_engine))
    started = []
    real = server.background_scheduler
    monkeypatch.setattr(server, "background_scheduler",
                        lambda *a: started.append(real(*a)) or started[-1])
    server.run(settings, "127.0.0.1", 5099)
    assert served["port"] == 5099 and served["app"].name == "webapp"
    assert len(started) == 1 and not started[0].running, "the scheduler stops with the server"


@pytest.mark.parametrize("demo", DEMO_USERS, ids=[d.username for d in DEMO_USERS])
def test_readme_lists_the_demo_accounts(demo):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{demo.username}`" in readme and DEMO_PASSWORD in readme
