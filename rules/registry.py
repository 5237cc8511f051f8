"""The registry of functions callable from scripts, conditions and timer expressions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


class RuleContext(Protocol):
    """What the engine lends a rule: the clock, the zone and the working-day calendar."""

    area_code: str

    def now(self) -> datetime: ...

    def today(self) -> date: ...

    def is_workday(self, day: date) -> bool: ...

    def end_of_day(self, day: date) -> datetime: ...


@dataclass(frozen=True)
class Rule:
    name: str
    function: Callable[..., Any]
    needs_context: bool


class Registry:
    """Name → rule. Only what is registered here is callable from a diagram."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, function: Callable[..., Any], *, needs_context: bool = False,
                 name: str | None = None) -> Callable[..., Any]:
        key = name or function.__name__
        if key in self._rules:
            raise ValueError(f"rule {key!r} registered twice")
        self._rules[key] = Rule(key, function, needs_context)
        return function

    def names(self) -> frozenset[str]:
        return frozenset(self._rules)

    def bind(self, context: RuleContext | None) -> dict[str, Callable[..., Any]]:
        """The callables a script sees, with the context filled in where needed."""
        bound: dict[str, Callable[..., Any]] = {}
        for key, entry in self._rules.items():
            if entry.needs_context:
                bound[key] = _bind(entry.function, context)
            else:
                bound[key] = entry.function
        return bound


def _bind(function: Callable[..., Any], context: RuleContext | None) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        if context is None:
            raise RuntimeError(f"{function.__name__} needs the engine's context")
        return function(context, *args, **kwargs)

    call.__name__ = function.__name__
    call.__doc__ = function.__doc__
    return call


REGISTRY = Registry()


def rule(function: Callable[..., Any] | None = None, *, needs_context: bool = False,
         name: str | None = None) -> Any:
    """Decorator: `@rule` or `@rule(needs_context=True)`."""
    if function is None:
        return lambda f: REGISTRY.register(f, needs_context=needs_context, name=name)
    return REGISTRY.register(function, needs_context=needs_context, name=name)
