"""The audit chain written by the test's fixtures, the app and a CLI process is one chain:
all of them take the key and checkpoints from the var folder the settings name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from engine import audit

ROOT = Path(__file__).resolve().parents[2]


def test_fixtures_app_and_cli_process_keep_one_verifiable_chain(app, login, case, app_sessions):
    officer = login("chen")
    assert officer.post(f"/tasks/{case.id}/claim").status_code == 302
    settings = app.extensions["creditflow.settings"]
    assert (settings.var_dir / "audit_key").exists()
    with app_sessions() as session:
        report = audit.verify(session)
    assert report.intact and report.events > 0
    env = {**os.environ, "CREDITFLOW_DATABASE_URL": settings.database_url,
           "CREDITFLOW_VAR_DIR": str(settings.var_dir)}
    env.pop("CREDITFLOW_AUDIT_KEY", None)
    done = subprocess.run([sys.executable, "-c", "from engine.cli import main; main()",
                           "audit", "verify"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, f"audit chain intact: {report.events} events\n")
