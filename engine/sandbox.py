"""Sandbox for diagram scripts, conditions and timer expressions: RestrictedPython plus limits."""

from __future__ import annotations

import _string
import ast
import builtins
import datetime as dt
import decimal
import functools
import math
import operator
import re
import string
import sys
import threading
import time
import types
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
)
from RestrictedPython.transformer import RestrictingNodeTransformer

from engine.errors import SandboxViolation

FILENAME = "<sandbox>"


@dataclass(frozen=True)
class Limits:
    timeout_seconds: float = 1.0
    max_size: int = 1_000_000


class _Stop(BaseException):
    """A violation inside a run; not an Exception, so `except Exception` in a script cannot eat it."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


_SEQUENCES = (str, bytes, list, tuple)
_DROPPED = {"__build_class__", "_getattr_", "BaseException", "GeneratorExit", "KeyboardInterrupt",
            "SystemExit", "delattr", "id", "pow", "range", "setattr", "slice"}
_BUILTINS = {k: v for k, v in safe_builtins.items() if k not in _DROPPED} | {
    name: getattr(builtins, name) for name in ["all", "any", "bool", "dict", "enumerate", "filter", "float", "frozenset", "int", "isinstance", "len", "list", "map", "max", "min", "next", "reversed", "set", "sorted", "str", "tuple", "zip"]}
_REFUSED_NAMES = frozenset(
    ["breakpoint", "compile", "delattr", "dir", "eval", "exec", "getattr", "globals", "input", "locals", "memoryview", "object", "open", "print", "printed", "setattr", "super", "vars"])
_DATE = "day isocalendar isoformat isoweekday month replace toordinal weekday year"
_ATTRIBUTES: dict[type, frozenset[str]] = {k: frozenset(v.split()) for k, v in {
    str: "capitalize casefold center count endswith find format format_map index isalnum isalpha "
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
_INPLACE = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul,
            "/=": operator.itruediv, "//=": operator.ifloordiv, "%=": operator.imod,
            "**=": operator.ipow, "<<=": operator.ilshift, ">>=": operator.irshift,
            "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor}
_BINOP_GUARDS = {ast.Add: "_add_", ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_",
                 ast.Mod: "_mod_"}
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")
_DIGITS = re.compile(r"\d+")


def _public_attributes(obj: object) -> Collection[str]:
    """The attributes a script may read on `obj`: an allowlist per type, or data fields."""
    names = _ATTRIBUTES.get(type(obj))
    if names is not None:
        return names
    for kind, names in _ATTRIBUTES.items():
        if isinstance(obj, kind):
            return names
    if isinstance(obj, types.SimpleNamespace):
        return vars(obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name for f in fields(obj)}
    return ()


def _sum(values: Iterable[Any], /, start: Any = 0) -> Any:
    if isinstance(start, _SEQUENCES):
        raise _Stop("sum() of sequences is not allowed; use a loop", "size")
    return sum(values, start)


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


class _Guards:
    """Size and access guards for one `Limits`; shared by every run with those limits."""

    def __init__(self, limits: Limits) -> None:
        self.max_size = limits.max_size
        self.max_bits = int(limits.max_size * math.log2(10))
        self.str_methods: dict[str, Callable[..., Any]] = {
            "format": self.str_format, "format_map": self.str_format_map, "join": self.str_join,
            "replace": self.str_replace, "center": functools.partial(self.str_pad, "center"),
            "ljust": functools.partial(self.str_pad, "ljust"),
            "rjust": functools.partial(self.str_pad, "rjust"),
            "zfill": functools.partial(self.str_pad, "zfill")}
        self.list_methods = {"append": self.list_append, "extend": self.list_extend,
                             "insert": self.list_insert}
        self.checks = {"+=": self.check_add, "*=": self.check_mul, "**=": self.check_pow,
                       "<<=": self.check_lshift, "%=": self.check_mod}

    def size(self, n: int, what: str) -> None:
        if n > self.max_size:
            raise _Stop(f"{what} would exceed the size limit of {self.max_size:,}", "size")

    def check_number(self, digits: str, what: str) -> None:
        self.size(self.max_size + 1 if len(digits) > 20 else int(digits), what)

    def check_add(self, a: Any, b: Any) -> None:
        if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
            self.size(len(a) + len(b), "concatenation")

    def check_mul(self, a: Any, b: Any) -> None:
        if isinstance(a, int) and isinstance(b, int):
            if a.bit_length() + b.bit_length() > self.max_bits:
                self.size(self.max_size + 1, "multiplication")
        elif isinstance(a, _SEQUENCES) and isinstance(b, int):
            self.size(len(a) * b, "repetition")
        elif isinstance(b, _SEQUENCES) and isinstance(a, int):
            self.size(len(b) * a, "repetition")

    def check_pow(self, a: Any, b: Any) -> None:
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1 and (
                b > self.max_bits or b * math.log2(abs(a)) > self.max_bits):
            self.size(self.max_size + 1, "power")

    def check_lshift(self, a: Any, b: Any) -> None:
        if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b > self.max_bits:
            self.size(self.max_size + 1, "shift")

    def check_mod(self, a: Any, b: Any) -> None:
        if isinstance(a, (str, bytes)):
            text = a.decode("latin-1") if isinstance(a, bytes) else a
            for match in _PRINTF.finditer(text):
                for number in match.groups():
                    if number == "*":
                        raise _Stop("'*' widths in %-formatting are not allowed", "size")
                    if number:
                        self.check_number(number, "%-format width")

    def inplacevar(self, op: str, x: Any, y: Any) -> Any:
        if isinstance(x, list) and not isinstance(y, (list, tuple)):
            y = list(y)  # list += iterator over the same list never ends, and runs in C
        check = self.checks.get(op)
        if check is not None:
            check(x, y)
        return _INPLACE[op](x, y)

    def getattr(self, obj: Any, name: str) -> Any:
        if not isinstance(name, str) or name.startswith("_") or (
                name not in _public_attributes(obj)):
            raise _Stop(f"attribute {name!r} of {type(obj).__name__} is not allowed", "access")
        if isinstance(obj, str) and name in self.str_methods:
            return functools.partial(self.str_methods[name], obj)
        if isinstance(obj, list) and name in self.list_methods:
            return functools.partial(self.list_methods[name], obj)
        return getattr(obj, name)

    def write(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            return obj
        if isinstance(obj, list):
            return _ListWriter(obj, self)
        raise _Stop(f"items of {type(obj).__name__} cannot be assigned", "access")

    def bounded_range(self, *args: int) -> range:
        numbers = range(*args)
        try:
            self.size(len(numbers), "range()")
        except OverflowError:
            self.size(self.max_size + 1, "range()")
        return numbers

    def format_value(self, value: Any, conversion: str, spec: str) -> str:
        if conversion:
            value = {"r": repr, "s": str, "a": ascii}[conversion](value)
        for digits in _DIGITS.findall(spec):
            self.check_number(digits, "format width")
        return format(value, spec)

    def str_format(self, text: str, /, *args: Any, **kwargs: Any) -> str:
        return _Formatter(self).vformat(text, args, kwargs)

    def str_format_map(self, text: str, mapping: Mapping[str, Any], /) -> str:
        return _Formatter(self).vformat(text, (), mapping)

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

    def list_append(self, items: list[Any], value: Any, /) -> None:
        self.size(len(items) + 1, "list")
        items.append(value)

    def list_insert(self, items: list[Any], index: int, value: Any, /) -> None:
        self.size(len(items) + 1, "list")
        items.insert(index, value)

    def list_extend(self, items: list[Any], values: Iterable[Any], /) -> None:
        values = values if isinstance(values, (list, tuple)) else list(values)
        self.size(len(items) + len(values), "list")
        items.extend(values)

    def globals(self) -> dict[str, Any]:
        def guarded(check: Callable[[Any, Any], None], op: Callable[[Any, Any], Any]) -> Any:
            def binop(a: Any, b: Any) -> Any:
                check(a, b)
                return op(a, b)
            return binop

        return {
            "__builtins__": _BUILTINS | {"range": self.bounded_range, "sum": _sum},
            "_getattr_": self.getattr, "_getitem_": operator.getitem, "_getiter_": iter,
            "_write_": self.write, "_inplacevar_": self.inplacevar, "_apply_": _apply,
            "_unpack_sequence_": guarded_unpack_sequence,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_format_": self.format_value,
            "_add_": guarded(self.check_add, operator.add),
            "_mul_": guarded(self.check_mul, operator.mul),
            "_pow_": guarded(self.check_pow, operator.pow),
            "_lshift_": guarded(self.check_lshift, operator.lshift),
            "_mod_": guarded(self.check_mod, operator.mod),
        }


class _ListWriter:
    """What `items[i] = v` writes through: slice assignment must not grow a list past the limit."""

    __slots__ = ("items", "guards")

    def __init__(self, items: list[Any], guards: _Guards) -> None:
        self.items, self.guards = items, guards

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, slice):
            value = list(value)
            self.guards.size(len(self.items) + len(value), "list")
        self.items[key] = value

    def __delitem__(self, key: Any) -> None:
        del self.items[key]


class _Formatter(string.Formatter):
    """str.format with guarded attribute lookups, bounded widths and a bounded result."""

    def __init__(self, guards: _Guards) -> None:
        self.guards, self.length = guards, 0

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, Any]:
        first, rest = _string.formatter_field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            obj = self.guards.getattr(obj, key) if is_attribute else obj[key]
        return obj, first

    def format_field(self, value: Any, format_spec: str) -> str:
        text = self.guards.format_value(value, "", format_spec)
        self.length += len(text)
        self.guards.size(self.length, "str.format()")
        return text


@functools.lru_cache(maxsize=16)
def _globals_for(limits: Limits) -> dict[str, Any]:
    return _Guards(limits).globals()


_INTERRUPTIBLE = frozenset({FILENAME, _sum.__code__.co_filename})


class _Run:
    """The deadline of one call, enforced by a per-thread trace function."""

    def __init__(self, limits: Limits) -> None:
        self.timeout = limits.timeout_seconds
        self.deadline = time.monotonic() + limits.timeout_seconds
        self.thread = threading.get_ident()
        self.finished = False

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Stop(f"time limit of {self.timeout:g}s exceeded", "time")

    def check(self) -> None:
        """First statement of every script function, `except` and `finally` block.

        A timeout raised from the trace function switches tracing off for the thread, so the
        code that still runs while the exception unwinds (those blocks) must stop by itself.
        """
        if self.finished or self.thread != threading.get_ident():
            raise SandboxViolation("a script function was called outside its script", kind="access")
        self.tick()

    def trace(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        # Only script code and this module's guards are interrupted: raising inside trusted
        # library code could leave it half-done.
        if frame.f_code.co_filename not in _INTERRUPTIBLE:
            return None
        self.tick()
        return self.trace_lines if frame.f_code.co_filename == FILENAME else None

    def trace_lines(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if event == "line" and time.monotonic() > self.deadline:
            self.tick()
        return self.trace_lines


def _script_line(tb: types.TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _run(code: types.CodeType, scope: dict[str, Any], limits: Limits) -> Any:
    run = _Run(limits)
    scope["_check_"] = run.check
    previous = sys.gettrace()
    sys.settrace(run.trace)
    try:
        return eval(code, scope)
    except _Stop as stop:
        line = _script_line(stop.__traceback__)
        where = f"line {line}: " if line else ""
        raise SandboxViolation(f"{where}{stop}", kind=stop.kind, line=line) from None
    finally:
        sys.settrace(previous)
        run.finished = True


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


def _check_statement() -> ast.stmt:
    return ast.Expr(_call("_check_"))


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, stricter, with size guards and stop checks woven in."""

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in _REFUSED_NAMES:
            self.error(node, f'"{node.id}" is not available in diagram scripts.')
        return super().visit_Name(node)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id == "type":
            self.error(node, '"type()" is not available in diagram scripts.')
        return super().visit_Call(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if not isinstance(node.ctx, ast.Load):
            self.error(node, "Assigning or deleting attributes is not allowed.")
        return super().visit_Attribute(node)

    def refuse(self, node: ast.AST, what: str) -> ast.AST:
        self.error(node, f"{what} are not allowed.")
        return node

    def visit_Import(self, node: ast.Import) -> Any:
        return self.refuse(node, "Imports")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        return self.refuse(node, "Imports")

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        return self.refuse(node, "Class definitions")

    def visit_With(self, node: ast.With) -> Any:
        return self.refuse(node, "With statements")

    def visit_sequence(self, node: ast.List | ast.Tuple | ast.Set) -> Any:
        if isinstance(getattr(node, "ctx", ast.Load()), ast.Load) and any(
                isinstance(element, ast.Starred) for element in node.elts):
            self.error(node, "Unpacking (*) inside literals is not allowed.")
        return self.node_contents_visit(node)

    visit_List = visit_Tuple = visit_Set = visit_sequence

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = _BINOP_GUARDS.get(type(node.op))
        return node if guard is None else _call(guard, node.left, node.right)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = self.node_contents_visit(node)
        if node.format_spec is not None:
            conversion = chr(node.conversion) if node.conversion > 0 else ""
            node.value = _call("_format_", node.value, ast.Constant(conversion), node.format_spec)
            node.conversion, node.format_spec = -1, None
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Any:
        kinds = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        if not all(isinstance(kind, ast.Name) for kind in kinds):
            self.error(node, "Only named exception classes may be caught (no bare except).")
        node = super().visit_ExceptHandler(node)
        node.body.insert(0, _check_statement())
        return node

    def visit_Try(self, node: ast.Try) -> Any:
        node = super().visit_Try(node)
        if node.finalbody:
            node.finalbody.insert(0, _check_statement())
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _check_statement())
        return node

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        node = super().visit_Lambda(node)
        node.body = ast.BoolOp(op=ast.Or(), values=[_call("_check_"), node.body])
        return node

    def visit_Module(self, node: ast.Module) -> Any:
        return ast.fix_missing_locations(super().visit_Module(node))

    def visit_Expression(self, node: ast.Expression) -> Any:
        return ast.fix_missing_locations(super().visit_Expression(node))


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> types.CodeType:
    compile_restricted = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compile_restricted(source, filename=FILENAME, policy=_Policy)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        line = getattr(error, "lineno", None)
        raise SandboxViolation(f"Line {line}: {error}" if line else str(error),
                               kind="refused", errors=[str(error)]) from None
    if result.errors:
        raise SandboxViolation("; ".join(result.errors), kind="refused", errors=list(result.errors))
    assert result.code is not None
    return result.code


def check_expression(source: str) -> None:
    """Compile-time check of an expression; raises SandboxViolation with a readable reason."""
    _compile(source, "eval")


def check_script(source: str) -> None:
    """Compile-time check of a script (statements)."""
    _compile(source, "exec")


def evaluate(source: str, names: Mapping[str, Any], limits: Limits = Limits()) -> Any:
    """Evaluate an expression with `names` as its variables (task data plus allowed functions)."""
    return _run(_compile(source, "eval"), {**names, **_globals_for(limits)}, limits)


def execute(source: str, names: dict[str, Any], limits: Limits = Limits()) -> None:
    """Run a script; variables it assigns at top level end up in `names` (mutated in place).

    Names that were passed in and are deleted by `del x` are removed from `names`. Functions
    the script defines stay in the script: they cannot run outside it anyway.
    """
    scope = {**names, **_globals_for(limits)}
    _run(_compile(source, "exec"), scope, limits)
    for key in [key for key in names if key not in scope]:
        del names[key]
    for key, value in scope.items():
        script_function = isinstance(value, types.FunctionType) and value.__globals__ is scope
        if not key.startswith("_") and not script_function:
            names[key] = value
