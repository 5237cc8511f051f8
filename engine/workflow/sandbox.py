"""Sandbox for diagram scripts, conditions and timer expressions (RestrictedPython plus limits)."""

from __future__ import annotations

import ast
import functools
import time
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer

from engine.errors import SandboxViolation
from engine.workflow.guards import Run, Stop, globals_for, running

FILENAME = "<sandbox>"


@dataclass(frozen=True)
class Limits:
    """Per call: wall-clock seconds, and elements, characters or digits of any one value."""

    timeout_seconds: float = 1.0
    max_size: int = 1_000_000


_REFUSED_NAMES = frozenset({
    "breakpoint", "compile", "delattr", "dir", "eval", "exec", "getattr", "globals", "input",
    "locals", "memoryview", "object", "open", "printed", "setattr", "super", "vars"})
_BINOPS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%",
           ast.FloorDiv: "//"}


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

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> Any:
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
        visited = super().visit_comprehension(node)
        assert isinstance(visited, ast.comprehension)
        visited.ifs.insert(0, _call("_check_"))
        return visited

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        visited = super().visit_Lambda(node)
        assert isinstance(visited, ast.Lambda)
        visited.body = ast.BoolOp(op=ast.And(), values=[_call("_check_"), visited.body])
        return visited

    def visit_Module(self, node: ast.Module) -> Any:
        visited = super().visit_Module(node)
        assert isinstance(visited, ast.Module)
        return ast.fix_missing_locations(visited)

    def visit_Expression(self, node: ast.Expression) -> Any:
        visited = super().visit_Expression(node)
        assert isinstance(visited, ast.Expression)
        return ast.fix_missing_locations(visited)


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


def _violation(stop: Stop) -> SandboxViolation:
    line, tb = None, stop.__traceback__
    while tb is not None:
        line = tb.tb_lineno if tb.tb_frame.f_code.co_filename == FILENAME else line
        tb = tb.tb_next
    where = f"line {line}: " if line else ""
    return SandboxViolation(f"{where}{stop}", kind=stop.kind, line=line)


def _run(code: types.CodeType, scope: dict[str, Any], limits: Limits) -> Any:
    run = Run(time.monotonic() + limits.timeout_seconds, limits.timeout_seconds)
    with running(run):
        try:
            result = eval(code, scope)
        except Stop as stop:
            raise _violation(run.stop or stop) from None
        except Exception:
            if run.stop is None:
                raise
            raise _violation(run.stop) from None
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
    return _run(_compile(source, "eval"), {**names, **globals_for(limits.max_size)}, limits)


def execute(source: str, names: dict[str, Any], limits: Limits = Limits()) -> None:
    """Run a script; variables it assigns at top level end up in `names` (mutated in place).

    Names that were passed in and are deleted by `del x` are removed from `names`. Functions
    the script defines stay behind: they would refuse to run outside the script anyway.
    """
    scope = {**names, **globals_for(limits.max_size)}
    _run(_compile(source, "exec"), scope, limits)
    for key in [key for key in names if key not in scope]:
        del names[key]
    for key, value in scope.items():
        script_function = isinstance(value, types.FunctionType) and value.__globals__ is scope
        if not key.startswith("_") and not script_function:
            names[key] = value
