"""The enterprise-information diagram's direct path: a bulk-entered record of a department
that allows it is published (or only recorded) without review, saved and restored, and
expires at its end like a reviewed one."""

from __future__ import annotations

from datetime import datetime

from engine.runtime.derive import script_step_data
from tests.bpmn.runner import advance, restored
from tests.bpmn.test_info_publication import CST, lanes, parsed, specs, submit

__all__ = ["parsed", "specs"]  # the module's fixtures


def test_direct_publication_skips_the_review(specs):
    workflow = restored(submit(specs, needs_entry="publish",
                               until=datetime(2026, 6, 2, tzinfo=CST)), specs)
    assert lanes(workflow) == {}
    assert script_step_data(workflow, "record_status")["record_status"] == "published"
    advance(workflow, datetime(2026, 6, 2, 23, 59, tzinfo=CST))
    assert script_step_data(workflow, "record_status")["record_status"] == "published"
    advance(workflow, datetime(2026, 6, 3, 0, 0, 1, tzinfo=CST))
    assert script_step_data(workflow, "record_status")["record_status"] == "expired"
    assert workflow.is_completed()


def test_a_record_not_published_is_recorded_directly(specs):
    workflow = submit(specs, needs_entry="publish", publishable=False)
    assert script_step_data(workflow, "record_status")["record_status"] == "recorded"
    assert workflow.is_completed() and lanes(workflow) == {}
