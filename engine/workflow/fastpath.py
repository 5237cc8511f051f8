"""Code so plain it cannot run unbounded, so it skips the worker's round trip.

Names, constants, attributes and subscripts of those, comparisons other than `in`,
`and`/`or`/`not`, calls of the rules with such arguments (the rules bound their own
arguments), and scripts made only of `name = <such an expression>`. Every gateway
condition, timer expression and script of the shipped diagrams is of this kind. It still
runs in the sandbox, with its guards and time check; everything else goes to the worker.
"""

from __future__ import annotations

import ast
import functools

_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot)


def _plain(node: ast.expr, rules: frozenset[str]) -> bool:
    match node:
        case ast.Name(ctx=ast.Load()):
            return True
        case ast.Constant():
            return True  # as long as the diagram's text, which deploy has read already
        case ast.Attribute(value=value, attr=attr):
            return not attr.startswith("_") and _plain(value, rules)
        case ast.Subscript(value=value, slice=index):
            return _plain(value, rules) and _plain(index, rules)
        case ast.Compare(left=left, ops=ops, comparators=rights):
            return all(isinstance(op, _COMPARISONS) for op in ops) and all(
                _plain(each, rules) for each in [left, *rights])
        case ast.BoolOp(values=values):
            return all(_plain(each, rules) for each in values)
        case ast.UnaryOp(op=ast.Not() | ast.USub(), operand=operand):
            return _plain(operand, rules)
        case ast.Call(func=ast.Name(id=name), args=args, keywords=keywords):
            return name in rules and all(
                _plain(each, rules) for each in args) and all(
                k.arg is not None and _plain(k.value, rules) for k in keywords)
    return False


@functools.lru_cache(maxsize=4096)
def is_plain_expression(source: str, rules: frozenset[str]) -> bool:
    """An expression made only of the parts above."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return _plain(tree.body, rules)


@functools.lru_cache(maxsize=4096)
def is_plain_script(source: str, rules: frozenset[str]) -> bool:
    """A script of assignments `name = <plain expression>` and nothing else."""
    try:
        tree = ast.parse(source, mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return all(
        isinstance(statement, ast.Assign) and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name) and _plain(statement.value, rules)
        for statement in tree.body)
