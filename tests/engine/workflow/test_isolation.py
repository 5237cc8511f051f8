"""Diagram code in the bounded worker: C-level calls, memory and state that the sandbox's own
checks cannot bound end as a clear refusal within the limit, and the worker lives on."""

from __future__ import annotations

import pickle
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.config import PROJECT_DIR
from engine.errors import SandboxViolation
from engine.workflow import isolation, parse_process
from engine.workflow.expressions import code_of
from engine.workflow.fastpath import is_plain_expression, is_plain_script
from engine.workflow.isolation import Isolation
from engine.workflow.sandbox import Limits
from engine.workflow.wire import read_data
from rules.registry import REGISTRY
from tests.memory import bounded_memory  # noqa: F401  (every test here runs under it)

CST = ZoneInfo("Asia/Shanghai")
LIMITS = Limits(timeout_seconds=1.0)
KILL = Isolation(memory_mb=256, cpu_seconds=5.0, kill_seconds=1.0)
# The memory test needs the time check out of the way: it is the address space that stops it.
ROOMY = Limits(timeout_seconds=20.0)
MEMORY = Isolation(memory_mb=256, cpu_seconds=20.0, kill_seconds=20.0)

ONE_C_CALL = "s = 'a' * 10**6\nt = 'a' * 999999 + 'b'\nfound = t in [s] * 10**6"
COLLISIONS = "keys = [i * (2**61 - 1) for i in range(10**5)]\nunique = len(set(keys))"


def stopped(source: str, limits: Limits = LIMITS, bounded: Isolation = KILL,
            names: dict[str, Any] | None = None) -> tuple[SandboxViolation, float]:
    isolation.evaluate("1", {}, limits, bounded)  # the worker's start is not the script's
    began = time.monotonic()
    with pytest.raises(SandboxViolation) as caught:
        isolation.execute(source, dict(names or {}), limits, bounded)
    return caught.value, time.monotonic() - began


def test_one_long_c_call_is_stopped_at_the_wall_clock_limit() -> None:
    error, took = stopped(ONE_C_CALL)
    assert error.message == ("the script ran longer than 1 s and was stopped "
                             "(setting sandbox_kill_seconds)")
    assert took < KILL.kill_seconds + 1


def test_a_set_of_colliding_hashes_is_stopped_at_the_wall_clock_limit() -> None:
    error, took = stopped(COLLISIONS)
    assert "ran longer than 1 s and was stopped" in error.message
    assert took < KILL.kill_seconds + 1


def test_cpu_time_is_bounded_by_the_operating_system_too() -> None:
    error, _took = stopped(ONE_C_CALL, bounded=Isolation(256, cpu_seconds=1.0, kill_seconds=60))
    assert error.message == ("the script used more than 1 s of CPU and was stopped "
                             "(setting sandbox_cpu_seconds)")


def test_memory_beyond_the_address_space_limit_is_stopped() -> None:
    error, took = stopped("grid = [[0] * 10**6 for i in range(10**6)]", ROOMY, MEMORY)
    assert error.message == ("the script needed more than 256 MB and was stopped "
                             "(setting sandbox_memory_mb)")
    assert took < MEMORY.kill_seconds


def test_data_too_large_to_store_is_refused_before_it_leaves_the_worker() -> None:
    error, took = stopped("x = ['a' * 10**6] * 1000")
    assert error.message == ("the script's data would take more than 1,048,576 bytes to store "
                             "(setting max_instance_state_bytes)")
    assert took < 1


def test_after_a_kill_the_next_call_gets_a_fresh_worker() -> None:
    stopped(ONE_C_CALL)
    assert isolation.evaluate("n + 1", {"n": 41}, LIMITS, KILL) == 42


def test_scripts_see_and_change_the_task_data_as_in_process() -> None:
    names: dict[str, Any] = {"items": [1], "n": 1, "gone": "x", "when": date(2024, 1, 5),
                             "amount": Decimal("12.50"), "at": datetime(2024, 1, 5, tzinfo=UTC),
                             "local": datetime(2026, 3, 2, 9, tzinfo=CST), "timedelta": timedelta}
    isolation.execute("items.append(2)\nn += 1\ndel gone\nlater = when + timedelta(days=3)\n"
                      "total = amount * 2\ndef f(v):\n    return v\nsame = f(at)",
                      names, LIMITS, KILL)
    assert names.pop("timedelta") is timedelta
    assert names == {"items": [1, 2], "n": 2, "when": date(2024, 1, 5),
                     "amount": Decimal("12.50"), "at": datetime(2024, 1, 5, tzinfo=UTC),
                     "later": date(2024, 1, 8), "total": Decimal("25.00"),
                     "same": datetime(2024, 1, 5, tzinfo=UTC),
                     "local": datetime(2026, 3, 2, 9, tzinfo=CST)}


def test_functions_run_in_the_caller_and_their_errors_reach_the_script() -> None:
    seen: list[int] = []

    def workdays(n: int) -> int:
        seen.append(n)
        if n < 0:
            raise ValueError("a negative number of working days")
        return n * 2

    names = {"workdays": workdays}
    assert isolation.evaluate("workdays(3) + workdays(n=4)", names, LIMITS, KILL) == 14
    assert seen == [3, 4]
    with pytest.raises(ValueError, match="a negative number of working days"):
        isolation.evaluate("workdays(-1) + 1", names, LIMITS, KILL)
    caught: dict[str, Any] = {"n": 0, **names}
    isolation.execute("try:\n    workdays(-1)\nexcept ValueError:\n    n = 1", caught,
                      LIMITS, KILL)
    assert caught == {"n": 1, **names}


def test_the_script_own_errors_keep_their_type_and_the_sandbox_its_refusals() -> None:
    with pytest.raises(ZeroDivisionError):
        isolation.evaluate("1 / zero", {"zero": 0}, LIMITS, KILL)
    with pytest.raises(SandboxViolation, match='"__class__" is an invalid attribute name'):
        isolation.evaluate("''.__class__", {}, LIMITS, KILL)


def test_what_comes_back_from_the_worker_cannot_name_code() -> None:
    with pytest.raises(pickle.UnpicklingError, match="system is not plain data"):
        read_data(pickle.dumps(__import__("os").system))


def test_plain_conditions_and_assignments_skip_the_worker_and_others_do_not() -> None:
    rules = frozenset({"today", "workdays_from_today"})
    assert is_plain_expression('decision == "approve" and not data["late"]', rules)
    assert is_plain_expression("workdays_from_today(2)", rules)
    assert is_plain_script('outcome = "approved"\napproved_on = today()', rules)
    assert not is_plain_expression("t in [s] * 10**6", rules)
    assert not is_plain_expression("t in s", rules)
    assert not is_plain_expression("sorted(items)", rules)
    assert not is_plain_script("x = ['a' * 10**6] * 1000", rules)
    assert not is_plain_script("for i in items:\n    n = i", rules)


@pytest.mark.parametrize("path", sorted((PROJECT_DIR / "bpmn").glob("*.bpmn")), ids=str)
def test_the_shipped_diagrams_pay_no_round_trip(path) -> None:
    parsed = parse_process([(path.name, path.read_bytes())])
    rules = frozenset(REGISTRY.names())
    codes = [code for spec in [parsed.spec, *parsed.subprocess_specs.values()]
             for code in code_of(spec)]
    assert codes, "the walk found the diagram's code"
    slow = [code.source for code in codes if not (
        is_plain_script(code.source, rules) if code.statements
        else is_plain_expression(code.source, rules))]
    assert slow == []


def test_a_function_value_that_cannot_cross_fails_the_call_and_not_the_next() -> None:
    with pytest.raises(Exception, match="pickle"):
        isolation.evaluate("make()", {"make": lambda: (lambda: 1)}, LIMITS, KILL)
    assert isolation.evaluate("n * 2", {"n": 21}, LIMITS, KILL) == 42
