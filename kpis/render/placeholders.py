"""What a template cell holds: a literal, one placeholder, a text template or a row directive.

- ``{{ expr }}`` alone in a cell → :class:`Expression`: the value keeps its type (or expands into
  a table when it is a DataFrame / list of dicts).
- text mixing placeholders (``Total : {{ n }} deals``) or ``{% if %}`` inside text → :class:`Text`.
- ``{% for r in rows %}``, ``{% endfor %}``, ``{% if c %}``, ``{% elif c %}``, ``{% else %}``,
  ``{% endif %}``, ``{% sheet for rep in reps %}`` alone in a cell → :class:`Directive`: the whole
  row is a control row and is removed from the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jinja2 import lexer

_DIRECTIVE = re.compile(r"^\{%-?\s*(.*?)\s*-?%\}$", re.S)
_FOR = re.compile(r"^for\s+(\w+(?:\s*,\s*\w+)*)\s+in\s+(.+?)(?:\s+if\s+(.+))?$", re.S)
_SHEET_FOR = re.compile(r"^sheet\s+for\s+(\w+(?:\s*,\s*\w+)*)\s+in\s+(.+?)(?:\s+if\s+(.+))?$", re.S)
_IF = re.compile(r"^(if|elif)\s+(.+)$", re.S)


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Expression:
    source: str  # the expression inside {{ }}


@dataclass(frozen=True)
class Text:
    source: str  # a jinja template producing text


@dataclass(frozen=True)
class Directive:
    kind: str  # for, endfor, if, elif, else, endif, sheet_for, unknown
    targets: tuple[str, ...] = ()
    expr: str = ""  # iterable (for) or condition (if / elif)
    test: str | None = None  # for ... if test
    text: str = ""


def is_template_text(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def classify(value: Any, data_type: str = "s") -> Literal | Expression | Text | Directive:
    if data_type != "s" or not is_template_text(value):
        return Literal(value)
    text = value.strip()
    m = _DIRECTIVE.match(text)
    if m and "%}" not in text[2:-2] and "{{" not in text:
        return parse_directive(m.group(1), text)
    expr = single_expression(text)
    if expr is not None:
        return Expression(expr)
    return Text(value)


def parse_directive(body: str, text: str) -> Directive:
    if m := _SHEET_FOR.match(body):
        return Directive("sheet_for", _targets(m.group(1)), m.group(2).strip(), _opt(m.group(3)), text)
    if m := _FOR.match(body):
        return Directive("for", _targets(m.group(1)), m.group(2).strip(), _opt(m.group(3)), text)
    if m := _IF.match(body):
        return Directive(m.group(1), (), m.group(2).strip(), None, text)
    word = body.strip()
    if word in ("endfor", "endif", "else"):
        return Directive(word, text=text)
    return Directive("unknown", text=text)


def _targets(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(","))


def _opt(text: str | None) -> str | None:
    return text.strip() if text else None


def single_expression(text: str) -> str | None:
    """The expression when ``text`` is exactly one ``{{ ... }}`` (whitespace around allowed)."""
    if not (text.startswith("{{") and text.endswith("}}")):
        return None
    inner = text[2:-2]
    if _PLAIN_INNER.match(inner) and _balanced(inner):
        # no brace, no backslash, strings closed: one {{ }}, as the lexer would find (it is not asked)
        return inner.strip().strip("-").strip()
    return lexed_single_expression(text)


def lexed_single_expression(text: str) -> str | None:
    """:func:`single_expression` by Jinja's lexer (any text starting with ``{{`` and ending with ``}}``)."""
    try:
        tokens = list(lexer.get_lexer(_lexer_env()).tokeniter(text, "cell"))
    except Exception:
        return None
    begins = [t for t in tokens if t[1] == "variable_begin"]
    others = [t for t in tokens if t[1] in ("data", "block_begin", "comment_begin") and str(t[2]).strip()]
    if len(begins) != 1 or others:
        return None
    inner = text[2:-2]
    return inner.strip().strip("-").strip()


# What most placeholders are made of: names, dots, pipes, calls, lists, closed strings (no escapes)
_PLAIN_INNER = re.compile(r"""(?:[\w\s.|,()\[\]-]|'[\w\s.|,()\[\]"-]*'|"[\w\s.|,()\[\]'-]*")*\Z""")
_CLOSING = {"(": ")", "[": "]"}


def _balanced(inner: str) -> bool:
    """Brackets closed in order outside strings (the lexer sees ``}}`` as the end only then)."""
    stack: list[str] = []
    quote = None
    for ch in inner:
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in _CLOSING:
            stack.append(_CLOSING[ch])
        elif ch in ")]":
            if not stack or stack.pop() != ch:
                return False
    return not stack and quote is None


_ENV = None


def _lexer_env():
    global _ENV
    if _ENV is None:
        from jinja2 import Environment

        _ENV = Environment()
    return _ENV
