"""Stamped starts (engine.runtime.stamping): alike requests are stamped from one probe run
only when the probe shows their path does not read the values that differ; otherwise each
runs, and either way the cases are what start_process makes."""

from __future__ import annotations

import copy
import json

import pytest
import time_machine

from engine import audit
from engine.runtime import StartRequest, stamping, start_process, start_processes
from engine.runtime.deploy import deploy
from tests.engine.runtime.diagrams import PROCESS, WAIT, diagram, script
from tests.engine.runtime.test_batch_start import notice_data, snapshot
from tests.factories import MONDAY, SETUP, case_data, make_entity

ACTOR = audit.Actor("test:stamping", "test")
pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(notice_world):
    return notice_world


def started_alike(session, key: str, requests: list[StartRequest], varying: set[str]):
    singles = [start_process(session, ACTOR, key, data=r.data, business_key=r.business_key,
                             entity_id=r.entity_id, area_code=r.area_code) for r in requests]
    batch = start_processes(session, ACTOR, key, requests, varying=frozenset(varying))
    session.commit()
    for single, batched in zip(singles, batch, strict=True):
        expected, got = snapshot(session, single), snapshot(session, batched)
        for each in (expected, got):  # the business key is the request's own
            each["audit"] = [(a, actor, {**s, "business_key": None}) for a, actor, s in
                             each["audit"]]
        assert got == expected
        assert expected["work_items"] and expected["timers"]  # the comparison has substance
    return batch


def test_requests_differing_in_a_value_the_path_does_not_read_are_stamped(
        session, world, stamped):
    entity = make_entity(session, "住宿服务")
    requests = [StartRequest({**case_data("530502"), "sample_id": n}, f"S-{n}", entity.id,
                             "530502") for n in range(3)]
    with time_machine.travel(MONDAY, tick=False):
        started_alike(session, "sample_review", requests, {"sample_id"})
    assert stamped == ["S-0", "S-1", "S-2"]


def test_a_value_the_path_reads_is_not_stamped_and_each_case_gets_its_own(
        session, world, stamped):
    # The notice's lane is the department named by `department_org`: the probe reads it.
    requests = [StartRequest(notice_data("530502", department), f"N-{i}", None, "530502")
                for i, department in enumerate(["530502-psb", "530502-amr"])]
    with time_machine.travel(MONDAY, tick=False):
        batch = started_alike(session, "dual_notice", requests, {"department_org"})
    assert stamped == []
    units = {item["candidate_org_id"] for b in batch
             for item in snapshot(session, b)["work_items"]}
    assert len(units) == 2


def test_a_step_naming_a_varying_value_is_not_stamped_even_if_it_only_passes_it_on(
        session, world, stamped):
    # The stand-in would pass unnoticed here; the name in the script is enough to refuse.
    deploy(session, SETUP, [("bounded.bpmn", diagram(script("copy", "kept = sample_id"),
                                                     WAIT))])
    requests = [StartRequest({"sample_id": n}, f"B-{n}") for n in range(2)]
    with time_machine.travel(MONDAY, tick=False):
        singles = [start_process(session, ACTOR, PROCESS, data=r.data,
                                 business_key=r.business_key) for r in requests]
        batch = start_processes(session, ACTOR, PROCESS, requests,
                                varying=frozenset({"sample_id"}))
    assert stamped == []
    for single, batched in zip(singles, batch, strict=True):
        assert snapshot(session, batched)["state"] == snapshot(session, single)["state"]
        assert snapshot(session, batched)["timers"]


@pytest.mark.parametrize("use", [
    lambda v: v == "x", lambda v: v < "x", lambda v: hash(v), lambda v: len(v),
    lambda v: bool(v), lambda v: f"{v}", lambda v: v + "-1", lambda v: v.upper(),
    lambda v: str(v), lambda v: int(v), lambda v: {v: 1}, lambda v: v in ["a"],
])
def test_any_use_of_a_stand_in_but_handing_it_on_refuses(use):
    value = stamping.stand_ins({"record_id": 5}, frozenset({"record_id"}))["record_id"]
    with pytest.raises(stamping.StampRefused):
        use(value)


def test_a_stand_in_handed_on_is_itself():
    data = stamping.stand_ins({"record_id": 5, "area": "530502"}, frozenset({"record_id"}))
    value = data["record_id"]
    assert copy.deepcopy(data)["record_id"] is value and value == value
    assert data["area"] == "530502"
    assert json.loads(json.dumps(data))["record_id"].startswith("cf-stamp-")
