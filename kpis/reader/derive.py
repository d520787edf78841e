"""A field computed from other columns: ``cost = "Sales - Profit"``, safe arithmetic only.

The expression uses column headers as written (case and accents free), numbers, ``+ - * /`` and
parentheses. Headers are replaced by placeholders (longest first, so "Sales Tax" is not read as
"Sales" then "Tax"), and the result is parsed with :mod:`ast`: any other syntax -- calls,
attributes, names that are no header -- is refused. Nothing is ever evaluated by Python: the tree is
walked over NumPy arrays. A row where an input is empty gets an empty result; division by zero too.
"""

from __future__ import annotations

import ast
import operator
import re
from typing import Any, Callable, cast

import numpy as np

from ..errors import TEXT, KpisError
from .headers import header_text
from .text import fold

_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}


class ExpressionError(KpisError, ValueError):
    """The expression is not plain arithmetic over the region's headers (the text says why)."""

    def __init__(self, text: str) -> None:
        super().__init__(TEXT, "en", text=text)


def compile_expression(expr: str, headers: dict[int, Any]) -> tuple[ast.Expression, dict[str, int]]:
    """The parsed expression and placeholder -> column; raises :class:`ExpressionError`."""
    by_text = sorted(((header_text(h), col) for col, h in headers.items() if header_text(h)),
                     key=lambda hc: len(hc[0]), reverse=True)
    names: dict[str, int] = {}
    out = expr
    for text, col in by_text:
        pattern = re.compile(r"(?<![\w])" + re.escape(text) + r"(?![\w])", re.IGNORECASE)
        if pattern.search(out):
            ph = f"_c{col}"
            names[ph] = col
            out = pattern.sub(ph, out)
    # headers written with other accents or spacing: match folded words
    try:
        tree = ast.parse(out.strip(), mode="eval")
    except SyntaxError:
        raise ExpressionError(f"not arithmetic over column headers: {expr!r}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in names:
                folded = {fold(t): c for t, c in by_text}
                raise ExpressionError(f"unknown column {node.id!r} in {expr!r}" + (
                    "" if not folded else f"; columns: {', '.join(header_text(headers[c]) for c in sorted(folded.values()))}"))
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _OPS:
                raise ExpressionError(f"only + - * / are allowed: {expr!r}")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise ExpressionError(f"only + - * / are allowed: {expr!r}")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float)) or isinstance(node.value, bool):
                raise ExpressionError(f"only numbers and column headers are allowed: {expr!r}")
        elif not isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop)):
            raise ExpressionError(f"not arithmetic over column headers: {expr!r}")
    if not names:
        raise ExpressionError(f"no column header in {expr!r}")
    return tree, names


def evaluate(tree: ast.Expression, columns: dict[str, np.ndarray]) -> np.ndarray:
    """The expression over float arrays (placeholder -> values); NaN where an input is empty."""

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp):
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp):
            v = walk(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Constant):  # numpy's float: 1 / (1 - 1) is then inf (no number), not an exception
            return np.float64(cast(Any, node.value))
        if isinstance(node, ast.Name):
            return columns[node.id].astype("float64")
        raise ExpressionError("unsupported")  # unreachable: compile_expression checked the tree

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # no number: NaN, said by the reader
        out = np.asarray(walk(tree), dtype="float64")
    out[~np.isfinite(out)] = np.nan
    return out
