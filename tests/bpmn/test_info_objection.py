"""The objection diagram: one answer by the issuing department, saved and restored between."""

from __future__ import annotations

import pytest
import time_machine

from engine.config import PROJECT_DIR
from engine.workflow import new_workflow, parse_process
from tests.bpmn.runner import ended_at, engine, finish, ready, restored
from tests.factories import MONDAY


@pytest.fixture(scope="module")
def specs():
    path = PROJECT_DIR / "bpmn" / "info_objection.bpmn"
    parsed = parse_process([(path.name, path.read_bytes())])
    return parsed.spec, parsed.subprocess_specs


@pytest.mark.parametrize("decision", ["accepted", "rejected"])
def test_the_department_answers(specs, decision):
    with time_machine.travel(MONDAY, tick=False):
        workflow = new_workflow(specs, engine())
        workflow.data.update(department_org="530502-amr", objection_id=1)
        workflow.do_engine_steps()
        workflow = restored(workflow, specs)
        assert ready(workflow) == ["reply"]
        finish(workflow, "reply", decision=decision, reply="已核实")
    assert workflow.is_completed() and ended_at(workflow) == ["end_answered"]
    assert workflow.last_task.data["answered_on"] == "2026-03-02"
