"""Run-time guards of the sandbox: time check, size limits, allowed builtins and attributes."""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import decimal
import functools
import math
import operator
import re
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
)

from engine.errors import SandboxViolation


class Stop(BaseException):
    """A violation during a run: not an Exception, so `except Exception` in a script misses it."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Run:
    """One sandbox call: when its time is up, and the first violation it met."""

    deadline: float
    timeout: float
    stop: Stop | None = None


_local = threading.local()  # .run: the Run of this thread's current sandbox call


@contextlib.contextmanager
def running(run: Run) -> Iterator[None]:
    """Make `run` this thread's current sandbox call while the block lasts (calls may nest)."""
    outer, _local.run = getattr(_local, "run", None), run
    try:
        yield
    finally:
        _local.run = outer


def _stop(message: str, kind: str) -> BaseException:
    """A violation, remembered by the current run so that a script catching it still fails."""
    run: Run | None = getattr(_local, "run", None)
    if run is None:
        return SandboxViolation(message, kind=kind)
    stop = Stop(message, kind)
    run.stop = run.stop or stop
    return stop


def _check() -> bool:
    """The time limit, which `sandbox._Policy` weaves into every loop and call of script code.

    Not sys.settrace: CPython 3.11 reports no line event for `while True: pass`, and a trace
    function that raises is switched off for the thread, so a `finally:` loop would run free.
    """
    run: Run | None = getattr(_local, "run", None)
    if run is None:
        raise _stop("a script function was called after its script ended", "access")
    if time.monotonic() > run.deadline:
        raise _stop(f"time limit of {run.timeout:g}s exceeded", "time")
    return True


_SEQUENCES = (str, bytes, list, tuple)
_DROPPED = {"__build_class__", "_getattr_", "BaseException", "GeneratorExit", "KeyboardInterrupt",
            "SystemExit", "delattr", "divmod", "id", "pow", "range", "round", "setattr", "slice"}
_ADDED = ("all any bool dict enumerate filter float frozenset int isinstance len list map max min "
          "next reversed set sorted str tuple zip")
_BUILTINS = {k: v for k, v in safe_builtins.items() if k not in _DROPPED} | {
    name: getattr(builtins, name) for name in _ADDED.split()}
_DATE = "day isocalendar isoformat isoweekday month replace toordinal weekday year"
_ATTRIBUTES: dict[type, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    str: "capitalize casefold center count endswith find format index isalnum isalpha "
         "isdecimal isdigit islower isnumeric isspace istitle isupper join ljust lower lstrip "
         "partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip "
         "split splitlines startswith strip swapcase title upper zfill",
    list: "append clear copy count extend index insert pop remove reverse sort",
    dict: "clear copy get items keys pop popitem setdefault update values",
    set: "add clear copy difference difference_update discard intersection intersection_update "
         "isdisjoint issubset issuperset pop remove symmetric_difference union update",
    frozenset: "copy difference intersection isdisjoint issubset issuperset "
               "symmetric_difference union",
    tuple: "count index",
    int: "bit_length conjugate denominator imag numerator real",
    float: "as_integer_ratio conjugate imag is_integer real",
    decimal.Decimal: "is_signed is_zero quantize to_integral_value",
    dt.datetime: f"{_DATE} date hour microsecond minute second time timestamp tzinfo",
    dt.date: _DATE,
    dt.time: "hour isoformat microsecond minute replace second tzinfo",
    dt.timedelta: "days microseconds seconds total_seconds",
    BaseException: "args",
}.items()}
_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "*": operator.mul, "**": operator.pow, "<<": operator.lshift,
    "%": operator.mod, "//": operator.floordiv}
_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "@=": operator.imatmul,
    "/=": operator.itruediv, "//=": operator.ifloordiv, "%=": operator.imod,
    "**=": operator.ipow, "<<=": operator.ilshift, ">>=": operator.irshift,
    "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor}
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")
_DIGITS = re.compile(r"\d+")
_BITS_PER_DIGIT = math.log2(10)
_CONVERSIONS: dict[str, Callable[[object], str]] = {"r": repr, "s": str, "a": ascii}


def _sum(values: Iterable[Any], /, start: Any = 0) -> Any:
    if isinstance(start, _SEQUENCES):
        raise _stop("sum() of sequences is not allowed; use a loop", "size")
    return sum(values, start)


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def _write(obj: Any) -> Any:
    if isinstance(obj, (dict, list)):
        return obj
    raise _stop(f"items of {type(obj).__name__} cannot be assigned", "access")


class _Guards:
    """Size and access guards for one size limit, shared by every run with that limit."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self.max_bits = max_size * _BITS_PER_DIGIT
        self.methods: dict[tuple[type, str], Callable[..., Any]] = {
            (str, "format"): self.str_format, (str, "join"): self.str_join,
            (str, "replace"): self.str_replace}
        for kind, method, names in ((str, self.str_pad, "center ljust rjust zfill"),
                                    (list, self.list_grow, "append extend insert")):
            self.methods |= {(kind, n): functools.partial(method, n) for n in names.split()}

    def size(self, n: float, what: str) -> None:
        if n > self.max_size:
            raise _stop(f"{what} would exceed the size limit of {self.max_size:,}", "size")

    def check(self, op: str, a: Any, b: Any) -> None:
        """Refuse `a <op> b` when the result would be too big, or too slow to compute in C."""
        if isinstance(a, int) and isinstance(b, int):
            if op in ("//", "%"):
                self.check_division(a.bit_length(), b.bit_length())
            elif op == "*":
                self.size((a.bit_length() + b.bit_length()) / _BITS_PER_DIGIT, "product")
            elif op == "<<":
                self.size((a.bit_length() + b) / _BITS_PER_DIGIT, "shift")
            elif op == "**" and abs(a) > 1:
                self.size(math.inf if b > self.max_bits else b * math.log10(abs(a)), "power")
        elif op == "+" and isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
            self.size(len(a) + len(b), "concatenation")
        elif op == "*" and isinstance(a, _SEQUENCES) and isinstance(b, int):
            self.size(len(a) * b, "repetition")
        elif op == "*" and isinstance(b, _SEQUENCES) and isinstance(a, int):
            self.size(len(b) * a, "repetition")
        elif op == "%" and isinstance(a, (str, bytes)):
            text = a.decode("latin-1") if isinstance(a, bytes) else a
            for width in (w for match in _PRINTF.finditer(text) for w in match.groups() if w):
                self.size(math.inf if width == "*" or len(width) > 20 else int(width), "%-format")

    def binop(self, op: str, a: Any, b: Any) -> Any:
        self.check(op, a, b)
        return _OPERATORS[op](a, b)

    def inplacevar(self, op: str, x: Any, y: Any) -> Any:
        if isinstance(x, list) and not isinstance(y, (list, tuple)):
            y = list(y)  # `items += iterator over items` would grow forever inside one C call
        self.check(op[:-1], x, y)
        return _INPLACE[op](x, y)

    def getattr(self, obj: Any, name: str) -> Any:
        """Attributes come from an allowlist per built-in value type; all else is refused."""
        allowed = _ATTRIBUTES.get(type(obj)) or next(
            (names for kind, names in _ATTRIBUTES.items() if isinstance(obj, kind)), ())
        if not isinstance(name, str) or name.startswith("_") or name not in allowed:
            raise _stop(f"attribute {name!r} of {type(obj).__name__} is not allowed", "access")
        kind = str if isinstance(obj, str) else list if isinstance(obj, list) else None
        guarded = self.methods.get((kind, name)) if kind else None
        return getattr(obj, name) if guarded is None else functools.partial(guarded, obj)

    def bounded_range(self, *args: int) -> range:
        numbers = range(*args)
        try:
            self.size(len(numbers), "range()")
        except OverflowError:
            self.size(math.inf, "range()")
        return numbers

    def bounded_round(self, number: Any, ndigits: int | None = None) -> Any:
        if isinstance(number, int) and isinstance(ndigits, int) and ndigits < 0:
            self.size(-ndigits, "round()")  # it computes 10 ** -ndigits, then divides by it
            self.check_division(number.bit_length(), -ndigits * _BITS_PER_DIGIT)
        return round(number, ndigits)

    def check_division(self, a_bits: float, b_bits: float) -> None:
        # CPython divides big ints in quadratic time, in one C call that nothing interrupts.
        if a_bits * b_bits > 30_000 * self.max_bits:
            raise _stop("dividing numbers this large would take too long", "size")

    def format_value(self, value: Any, conversion: str, spec: str) -> str:
        if conversion:
            value = _CONVERSIONS[conversion](value)
        self.check_spec(spec)
        return format(value, spec)

    def check_spec(self, spec: str) -> None:
        for width in _DIGITS.findall(spec):
            self.size(math.inf if len(width) > 20 else int(width), "format width")

    def check_format(self, text: str) -> None:
        """str.format may only name its arguments: `{0.__class__}` walks attributes unguarded."""
        for _, field, spec, _ in string.Formatter().parse(text):
            if field and not (field.isidentifier() or field.isdigit()) or "{" in (spec or ""):
                raise _stop("str.format takes only plain fields like {0} or {name}", "access")
            self.check_spec(spec or "")

    def str_format(self, text: str, /, *args: Any, **kwargs: Any) -> str:
        self.check_format(text)
        return text.format(*args, **kwargs)

    def str_join(self, separator: str, items: Iterable[Any], /) -> str:
        parts = list(items)
        self.size(len(separator) * max(len(parts) - 1, 0)
                  + sum(len(p) for p in parts if isinstance(p, str)), "str.join()")
        return separator.join(parts)

    def str_replace(self, text: str, old: str, new: str, count: int = -1, /) -> str:
        hits = text.count(old) if old else len(text) + 1
        hits = hits if count < 0 else min(hits, count)
        self.size(len(text) + hits * (len(new) - len(old)), "str.replace()")
        return text.replace(old, new, count)

    def str_pad(self, method: str, text: str, width: int, /, *args: Any) -> str:
        self.size(width, f"str.{method}()")
        return getattr(text, method)(width, *args)

    def list_grow(self, method: str, items: list[Any], /, *args: Any) -> None:
        if method == "extend" and not isinstance(args[0], (list, tuple)):
            args = (list(args[0]),)  # `items.extend(iterator over items)` would never end
        self.size(len(items) + (len(args[0]) if method == "extend" else 1), "list")
        getattr(items, method)(*args)


@functools.lru_cache(maxsize=16)
def globals_for(max_size: int) -> dict[str, Any]:
    """The builtins and guard hooks a compiled script runs with, for one size limit."""
    guards = _Guards(max_size)
    return {
        "__builtins__": _BUILTINS | {"range": guards.bounded_range, "round": guards.bounded_round,
                                     "sum": _sum},
        "_getattr_": guards.getattr, "_getitem_": operator.getitem, "_getiter_": iter,
        "_write_": _write, "_inplacevar_": guards.inplacevar, "_apply_": _apply,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_binop_": guards.binop, "_format_": guards.format_value, "_check_": _check,
        "_print_": _DiscardPrints,
    }


class _DiscardPrints:
    """`print` in a script: accepted and dropped, unformatted (a script has no console, and
    diagrams written for plain SpiffWorkflow print to trace). RestrictedPython calls
    `_print_(_getattr_)` once per scope, then `_call_print` per print."""

    def __init__(self, _getattr: object = None) -> None:
        pass

    def _call_print(self, *objects: object, **options: object) -> None:
        return None

    def __call__(self) -> str:
        return ""
