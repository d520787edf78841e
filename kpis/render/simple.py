"""Simple placeholders evaluated without Jinja's code generation.

Nearly every placeholder of a KPI template is a path through the context with a few filters::

    cards.revenue.value | default('n.d.') | fill(cards.revenue.status)
    top.pipeline_by_rep | columns(["rep", "forecast"]) | noheader

Jinja compiles each one into a Python module (parse, generate the source, ``compile()``): some
2 ms apiece, which is most of a first refresh of the add-in's KPI sheets (~470 placeholders). This
module recognises that shape -- a name, ``.attribute`` steps, filters called with positional
arguments that are constants (strings without escapes, integers, ``none``/``true``/``false``),
lists of them, or paths -- and builds the function directly from the steps Jinja's generated code
would take, with the same environment calls:

* a name is looked up in the variables, then in the template globals, else it is the environment's
  ``undefined(name=...)`` (``StrictUndefined`` in the sandbox: using it raises, as in Jinja);
* ``.attr`` is ``environment.getattr(obj, "attr")`` -- the sandbox's check on every step;
* ``| f(args)`` is ``environment.filters["f"](value, *args)``.

Anything else -- operators, calls, subscripts, keyword arguments, a filter that takes the context or
the environment, an unknown filter, escapes in a string -- returns None and goes through Jinja as
before, so the result and every error (syntax, undefined name, sandbox refusal) are Jinja's own.
``tests/report/test_simple_placeholders.py`` renders every shipped template both ways (equal cells)
and compares values and errors on edge cases.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from jinja2 import Environment
from jinja2.utils import _PassArg

Getter = Callable[[dict[str, Any]], Any]

_TOKEN = re.compile(
    r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<str>'[^'\\\n]*'|\"[^\"\\\n]*\")|(?P<num>0|[1-9][0-9]*)(?![0-9_.eExXoObB])"
    r"|(?P<op>[.|(),\[\]]))"
)
# Names Jinja's parser treats as operators or constants: never a variable or an attribute here.
_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "for", "recursive", "true", "false", "none",
                       "True", "False", "None"})
_CONSTANTS = {"none": None, "None": None, "true": True, "True": True, "false": False, "False": False}


class NotSimple(Exception):
    """The expression is outside the simple shape: Jinja compiles it."""


def simple_expression(env: Environment, source: str) -> Callable[..., Any] | None:
    """A function of the variables (``fn(**scope)``) computing ``{{ source }}`` as Jinja would, or
    None when ``source`` is not a simple placeholder."""
    try:
        tokens = _tokens(source)
        parser = _Parser(env, tokens)
        getter = parser.expression()
        if parser.pos != len(tokens):
            return None
    except NotSimple:
        return None

    def evaluate(**scope: Any) -> Any:
        return getter(scope)

    return evaluate


def _tokens(source: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos, end = 0, len(source.rstrip())
    while pos < end:
        m = _TOKEN.match(source, pos)
        if m is None or m.end() == pos:
            raise NotSimple(source)
        kind = m.lastgroup
        assert kind is not None  # one alternative matched
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, env: Environment, tokens: list[tuple[str, str]]):
        self.env = env
        self.tokens = tokens
        self.pos = 0
        self.globals = env.make_globals(None)

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self, kind: str, text: str | None = None) -> str:
        t = self._peek()
        if t is None or t[0] != kind or (text is not None and t[1] != text):
            raise NotSimple(t)
        self.pos += 1
        return t[1]

    def _at(self, text: str) -> bool:
        t = self._peek()
        return t is not None and t[0] == "op" and t[1] == text

    def expression(self) -> Getter:
        value = self.path()
        while self._at("|"):
            self.pos += 1
            value = self.filter(value)
        return value

    def filter(self, value: Getter) -> Getter:
        name = self._take("name")
        func = self.env.filters.get(name)
        if func is None or name in _KEYWORDS or _PassArg.from_obj(func) is not None:
            raise NotSimple(name)  # unknown (Jinja's error), or it takes the context: Jinja's code
        args: list[Getter] = []
        if self._at("("):
            self.pos += 1
            args = self._items(")")
        if not args:
            return lambda scope: func(value(scope))
        if len(args) == 1:
            arg = args[0]
            return lambda scope: func(value(scope), arg(scope))
        return lambda scope: func(value(scope), *[a(scope) for a in args])

    def argument(self) -> Getter:
        t = self._peek()
        if t is None:
            raise NotSimple(t)
        kind, text = t
        if kind == "str":
            self.pos += 1
            s = text[1:-1]
            return lambda scope: s
        if kind == "num":
            self.pos += 1
            n = int(text)
            return lambda scope: n
        if kind == "name" and text in _CONSTANTS:
            self.pos += 1
            c = _CONSTANTS[text]
            return lambda scope: c
        if kind == "op" and text == "[":
            self.pos += 1
            items = self._items("]")
            return lambda scope: [i(scope) for i in items]
        return self.path()

    def _items(self, close: str) -> list[Getter]:
        """Arguments up to ``close`` (taken), separated by commas; no trailing comma."""
        items: list[Getter] = []
        if not self._at(close):
            items.append(self.argument())
            while self._at(","):
                self.pos += 1
                items.append(self.argument())
        self._take("op", close)
        return items

    def path(self) -> Getter:
        name = self._take("name")
        if name in _KEYWORDS:
            raise NotSimple(name)
        env, glob, undefined = self.env, self.globals, self.env.undefined

        def lookup(scope: dict[str, Any]) -> Any:
            if name in scope:
                return scope[name]
            if name in glob:
                return glob[name]
            return undefined(name=name)

        getter: Getter = lookup
        while self._at("."):
            self.pos += 1
            attr = self._take("name")
            if attr in _KEYWORDS:
                raise NotSimple(attr)
            getter = _step(env, getter, attr)
        if self._at("(") or self._at("["):
            raise NotSimple("call or subscript")
        return getter


def _step(env: Environment, inner: Getter, attr: str) -> Getter:
    getattr_ = env.getattr
    return lambda scope: getattr_(inner(scope), attr)
