"""The cost of running diagram code in the bounded worker: one call in-process, one round
trip to the worker, and one with a rule call back to the caller. Prints JSON lines."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, progress  # noqa: E402
from engine.workflow import isolation, sandbox  # noqa: E402
from engine.workflow.isolation import Isolation  # noqa: E402

LIMITS = sandbox.Limits()
BOUNDED = Isolation()


def per_call(n: int, call: Callable[[int], object]) -> float:
    began = time.perf_counter()
    for i in range(n):
        call(i)
    return (time.perf_counter() - began) / n


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="fewer calls")
    n = 2000 if args.parse_args().quick else 20000
    names = {"amount": 1500, "decision": "approve", "today": lambda: "2026-03-02"}
    began = time.perf_counter()
    isolation.evaluate("1", {}, LIMITS, BOUNDED)
    emit(bench="sandbox", what="worker start", ms=round((time.perf_counter() - began) * 1e3, 1))
    progress(f"{n} calls each")
    figures = {
        "in-process": lambda i: sandbox.evaluate("amount + i > 1000", {**names, "i": i}, LIMITS),
        "worker round trip": lambda i: isolation.evaluate(
            "amount + i > 1000", {**names, "i": i}, LIMITS, BOUNDED),
        "worker, one rule call": lambda i: isolation.evaluate(
            "str(today()) + str(i)", {**names, "i": i}, LIMITS, BOUNDED),
    }
    for what, call in figures.items():
        emit(bench="sandbox", what=what, us_per_call=round(per_call(n, call) * 1e6, 1), n=n)


if __name__ == "__main__":
    main()
