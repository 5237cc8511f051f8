"""Fixtures the engine's tests share."""

from __future__ import annotations

from typing import Any

import pytest

from engine.runtime import stamping


@pytest.fixture
def stamped(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The business keys of the cases stamped rather than run."""
    made: list[str] = []
    real = stamping.stamp

    def counting(*args: Any, **kwargs: Any) -> stamping.StampedCase:
        case = real(*args, **kwargs)
        made.append(case.row.business_key)
        return case

    monkeypatch.setattr(stamping, "stamp", counting)
    return made
