"""Sandbox for diagram scripts, conditions and timer expressions (RestrictedPython plus limits)."""

from __future__ import annotations

import ast
import builtins
import datetime as dt
import decimal
import functools
import math
import operator
import re
import string
import threading
import time
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
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
    """Per call: wall-clock seconds, and elements, characters or digits of any one value."""

    timeout_seconds: float = 1.0
    max_size: int = 1_000_000


class _Stop(BaseException):
    """A violation during a run: not an Exception, so `except Exception` in a script misses it."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class _Run:
    deadline: float
    timeout: float
    stop: _Stop | None = None


_local = threading.local()  # .run: the _Run of this thread's current sandbox call


def _stop(message: str, kind: str) -> BaseException:
    """A violation, remembered by the current run so that a script catching it still fails."""
    run: _Run | None = getattr(_local, "run", None)
    if run is None:
        return SandboxViolation(message, kind=kind)
    stop = _Stop(message, kind)
    run.stop = run.stop or stop
    return stop


def _check() -> bool:
    """The time limit, woven by _Policy into every loop iteration and call of script code.

    Not sys.settrace: CPython 3.11 reports no line event for `while True: pass`, and a trace
    function that raises is switched off for the thread, so a `finally:` loop would run free.
    """
    run: _Run | None = getattr(_local, "run", None)
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
_REFUSED_NAMES = frozenset({
    "breakpoint", "compile", "delattr", "dir", "eval", "exec", "getattr", "globals", "input",
    "locals", "memoryview", "object", "open", "print", "printed", "setattr", "super", "vars"})
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
_BINOPS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%",
           ast.FloorDiv: "//"}
_OPERATORS = {"+": operator.add, "*": operator.mul, "**": operator.pow, "<<": operator.lshift,
              "%": operator.mod, "//": operator.floordiv}
_INPLACE = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "@=": operator.imatmul,
            "/=": operator.itruediv, "//=": operator.ifloordiv, "%=": operator.imod,
            "**=": operator.ipow, "<<=": operator.ilshift, ">>=": operator.irshift,
            "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor}
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")
_DIGITS = re.compile(r"\d+")
_BITS_PER_DIGIT = math.log2(10)


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
    """Size and access guards for one `Limits`, shared by every run with those limits."""

    def __init__(self, limits: Limits) -> None:
        self.max_size = limits.max_size
        self.max_bits = limits.max_size * _BITS_PER_DIGIT
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
            value = {"r": repr, "s": str, "a": ascii}[conversion](value)
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
def _globals_for(limits: Limits) -> dict[str, Any]:
    guards = _Guards(limits)
    return {
        "__builtins__": _BUILTINS | {"range": guards.bounded_range, "round": guards.bounded_round,
                                     "sum": _sum},
        "_getattr_": guards.getattr, "_getitem_": operator.getitem, "_getiter_": iter,
        "_write_": _write, "_inplacevar_": guards.inplacevar, "_apply_": _apply,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_binop_": guards.binop, "_format_": guards.format_value, "_check_": _check,
    }


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy made stricter, with size guards and time checks woven in."""

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

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        if isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Slice):
            self.error(node, "Assigning to slices is not allowed.")
        return super().visit_Subscript(node)

    def refuse(self, node: ast.AST, what: str = "") -> None:
        self.error(node, f"{what or type(node).__name__} statements are not allowed.")

    def visit_Import(self, node: ast.Import) -> Any:
        self.refuse(node, "Import")

    visit_ImportFrom = visit_Import
    visit_ClassDef = visit_With = refuse

    def visit_sequence(self, node: ast.List | ast.Tuple | ast.Set) -> Any:
        if not isinstance(getattr(node, "ctx", ast.Load()), ast.Store) and any(
                isinstance(element, ast.Starred) for element in node.elts):
            self.error(node, "Unpacking (*) inside literals is not allowed.")
        return self.node_contents_visit(node)

    visit_List = visit_Tuple = visit_Set = visit_sequence

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        op = _BINOPS.get(type(node.op))
        return node if op is None else _call("_binop_", ast.Constant(op), node.left, node.right)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = self.node_contents_visit(node)
        if node.format_spec is not None:
            conversion = chr(node.conversion) if node.conversion > 0 else ""
            node.value = _call("_format_", node.value, ast.Constant(conversion), node.format_spec)
            node.conversion, node.format_spec = -1, None
        return node

    def visit_loop(self, node: ast.For | ast.While | ast.FunctionDef) -> Any:
        node = getattr(super(), f"visit_{type(node).__name__}")(node)
        node.body.insert(0, ast.Expr(_call("_check_")))
        return node

    visit_For = visit_While = visit_FunctionDef = visit_loop

    def visit_comprehension(self, node: ast.comprehension) -> Any:
        node = super().visit_comprehension(node)
        node.ifs.insert(0, _call("_check_"))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        node = super().visit_Lambda(node)
        node.body = ast.BoolOp(op=ast.And(), values=[_call("_check_"), node.body])
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
        raise SandboxViolation(f"cannot compile: {error}", kind="refused") from None
    if result.errors:
        raise SandboxViolation("; ".join(result.errors), kind="refused", errors=result.errors)
    assert result.code is not None
    return result.code


def _violation(stop: _Stop) -> SandboxViolation:
    line, tb = None, stop.__traceback__
    while tb is not None:
        line = tb.tb_lineno if tb.tb_frame.f_code.co_filename == FILENAME else line
        tb = tb.tb_next
    where = f"line {line}: " if line else ""
    return SandboxViolation(f"{where}{stop}", kind=stop.kind, line=line)


def _run(code: types.CodeType, scope: dict[str, Any], limits: Limits) -> Any:
    run = _Run(time.monotonic() + limits.timeout_seconds, limits.timeout_seconds)
    outer, _local.run = getattr(_local, "run", None), run
    try:
        result = eval(code, scope)
    except _Stop as stop:
        raise _violation(run.stop or stop) from None
    except Exception:
        if run.stop is None:
            raise
        raise _violation(run.stop) from None
    finally:
        _local.run = outer
    if run.stop is not None:  # the script caught its own violation and carried on
        raise _violation(run.stop)
    return result


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
    the script defines stay behind: they would refuse to run outside the script anyway.
    """
    scope = {**names, **_globals_for(limits)}
    _run(_compile(source, "exec"), scope, limits)
    for key in [key for key in names if key not in scope]:
        del names[key]
    for key, value in scope.items():
        script_function = isinstance(value, types.FunctionType) and value.__globals__ is scope
        if not key.startswith("_") and not script_function:
            names[key] = value
