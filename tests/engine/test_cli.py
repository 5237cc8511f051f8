"""The command line end to end on a fresh SQLite database."""

from __future__ import annotations

import re

import pytest
import time_machine
from click.testing import CliRunner

from engine.cli import main
from engine.config import PROJECT_DIR
from tests.engine.runtime.conformance import flows, process
from tests.factories import MONDAY


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("CREDITFLOW_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("CREDITFLOW_DATABASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    with time_machine.travel(MONDAY, tick=False):
        invoke("db", "upgrade")
        yield invoke


def test_set_up_and_work_a_case_from_the_command_line(run):
    assert "org units" in run("seed", "baoshan").output
    run("calendar", "seed")
    demo = run("seed", "demo").output
    assert "officer_longyang" in demo and "Demo@2026" in demo
    assert run("unlicensed", "convert-leads").output == "0 leads became cases\n"
    again = run("deploy", str(PROJECT_DIR / "bpmn" / "sample_review.bpmn")).output
    assert again.startswith("unchanged: sample_review version 1")
    listing = run("tasks").output
    first = re.search(r"^(\d+)\t", listing, re.M)
    assert first, listing
    item = first.group(1)
    run("claim", item, "--as", "officer_longyang")
    taken = run("claim", item, "--as", "officer_longyang2", ok=False)
    assert taken.exit_code == 1 and "conflict" in taken.output
    bad = run("complete", item, "--as", "officer_longyang", "--data", "[1]", ok=False)
    assert bad.exit_code == 2 and "JSON object" in bad.output
    done = run("complete", item, "--as", "officer_longyang", "--data",
               '{"decision": "approve", "opinion": "ok"}')
    assert "done" in done.output
    assert "no open incidents" in run("incidents").output
    assert "healthy" in run("doctor").output
    assert "intact" in run("audit", "verify").output
    sweep = run("timers", "sweep", "--once").output
    assert sweep.startswith("leased 0")


def test_refused_deploy_names_file_element_and_reason(run, tmp_path):
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes((PROJECT_DIR / "bpmn" / "sample_review.bpmn").read_bytes().replace(
        b'outcome = "approved"', b"import os"))
    result = run("deploy", str(bad), ok=False)
    assert result.exit_code == 1
    assert "refused: bad.bpmn#record_approval: script refused by the sandbox" in result.output


def test_calendar_add_workdays_prints_the_date(run):
    run("calendar", "seed")
    assert run("calendar", "add-workdays", "2026-09-30", "1").output.strip() == "2026-10-08"


def test_calendar_add_workdays_on_a_database_only_migrated_counts_make_up_days(run):
    result = run("calendar", "add-workdays", "2026-09-28", "7")
    assert result.stdout == "2026-10-13\n"  # past Saturday 2026-10-10, a 调休 workday
    assert "warning" not in result.stderr


def test_send_a_signal_from_the_command_line(run, tmp_path):
    diagram = tmp_path / "hold.bpmn"
    diagram.write_bytes(process(
        "hold_cli", '<bpmn:startEvent id="start" /><bpmn:intermediateCatchEvent id="resume">'
        '<bpmn:signalEventDefinition signalRef="go" /></bpmn:intermediateCatchEvent>'
        '<bpmn:endEvent id="end" />' + flows("start", "resume", "end"),
        '<bpmn:signal id="go" name="go" />'))
    run("deploy", str(diagram))
    assert "started instance 1 (waiting)" in run("start", "hold_cli").output
    assert run("send", "signal", "go", "--data", '{"why": "ok"}').output == (
        "delivered to instance 1\n")
    assert "no case was waiting for the signal 'go'" in run("send", "signal", "go").output
    assert "completed" in run("instances").output
