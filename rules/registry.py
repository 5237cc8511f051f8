"""The registry of functions callable from scripts, conditions and timer expressions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar, overload

F = TypeVar("F", bound=Callable[..., Any])


class RuleContext(Protocol):
    """What the engine lends a rule: the clock, the zone, the working-day calendar, and the
    bounds of the arguments a rule accepts (settings rule_max_years, rule_max_workdays)."""

    area_code: str

    @property
    def rule_max_years(self) -> int: ...

    @property
    def rule_max_workdays(self) -> int: ...

    def now(self) -> datetime: ...

    def today(self) -> date: ...

    def is_workday(self, day: date) -> bool: ...

    def end_of_day(self, day: date) -> datetime: ...

    def lookup(self, name: str, *args: Any) -> Any:
        """An answer of an engine service a rule may consult by name (the credit check)."""
        ...


class RuleArgumentError(ValueError):
    """A rule was called with an argument it refuses: malformed, or beyond its bounds."""


@dataclass(frozen=True)
class Rule:
    name: str
    function: Callable[..., Any]
    needs_context: bool


class Registry:
    """Name → rule. Only what is registered here is callable from a diagram."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, function: F, *, needs_context: bool = False, name: str | None = None
                 ) -> F:
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


@overload
def rule(function: F) -> F: ...


@overload
def rule(*, needs_context: bool = False, name: str | None = None) -> Callable[[F], F]: ...


def rule(function: F | None = None, *, needs_context: bool = False,
         name: str | None = None) -> F | Callable[[F], F]:
    """Decorator: `@rule` or `@rule(needs_context=True)`."""
    if function is None:
        def decorate(f: F) -> F:
            return REGISTRY.register(f, needs_context=needs_context, name=name)

        return decorate
    return REGISTRY.register(function, needs_context=needs_context, name=name)
