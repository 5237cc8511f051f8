"""A fixture that caps the test process's address space, so that a regression in a test of
hostile scripts fails with a MemoryError instead of taking the machine's memory."""

from __future__ import annotations

import resource
from collections.abc import Iterator
from pathlib import Path

import pytest

HEADROOM = 1024 * 1024 * 1024  # beyond what the test process has mapped already


def _mapped_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


@pytest.fixture(autouse=True)
def bounded_memory() -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _mapped_bytes() + HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard < 0 else min(cap, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
