"""Evaluating placeholders in the sandbox, turning every failure into a :class:`Problem`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import TemplateSyntaxError, Undefined, UndefinedError
from jinja2.exceptions import SecurityError

from kpis.render import codecache
from kpis.render.errors import Problems
from kpis.render.sandbox import KpisSandbox, environment, undefined_path
from kpis.render.simple import simple_expression


class Failed:
    """Marker returned when a placeholder could not be evaluated (the problem is recorded)."""

    def __repr__(self) -> str:
        return "<failed>"


FAILED = Failed()


@lru_cache(maxsize=4096)
def _compile_expression(lang: str, source: str):
    env = environment(lang)
    # a path with filters is built directly (kpis.render.simple); anything else is Jinja's code
    return simple_expression(env, source) or codecache.compile_expression(env, source)


@lru_cache(maxsize=4096)
def _compile_text(lang: str, source: str):
    return codecache.compile_text(environment(lang), source)


class Evaluator:
    def __init__(self, lang: str, problems: Problems):
        self.lang = lang
        self.env: KpisSandbox = environment(lang)
        self.problems = problems

    def expression(self, source: str, scope: dict[str, Any], sheet: str, cell: str) -> Any:
        try:
            fn = _compile_expression(self.lang, source)
        except TemplateSyntaxError as exc:
            self.problems.add(sheet, cell, "syntax", error=exc.message or str(exc))
            return FAILED
        try:
            value = fn(**scope)
            if isinstance(value, Undefined):
                value._fail_with_undefined_error()
            return value
        except Exception as exc:  # every template mistake becomes a problem
            self._report(exc, "{{ " + source + " }}", scope, sheet, cell)
            return FAILED

    def text(self, source: str, scope: dict[str, Any], sheet: str, cell: str) -> Any:
        try:
            tpl = _compile_text(self.lang, source)
        except TemplateSyntaxError as exc:
            self.problems.add(sheet, cell, "syntax", error=exc.message or str(exc))
            return FAILED
        try:
            return tpl.render(**scope)
        except Exception as exc:
            self._report(exc, source, scope, sheet, cell)
            return FAILED

    def truth(self, source: str, scope: dict[str, Any], sheet: str, cell: str) -> bool | Failed:
        value = self.expression(source, scope, sheet, cell)
        if value is FAILED:
            return FAILED
        try:
            return bool(value)
        except Exception as exc:  # e.g. the truth value of a DataFrame is ambiguous
            self.problems.add(sheet, cell, "eval", expr=source, error=str(exc))
            return FAILED

    def _report(self, exc: Exception, source: str, scope: dict[str, Any], sheet: str, cell: str) -> None:
        if isinstance(exc, SecurityError):
            self.problems.add(sheet, cell, "unsafe", error=str(exc))
            return
        if isinstance(exc, UndefinedError):
            path = undefined_path(self.env, source, scope)
            if path:
                self.problems.add(sheet, cell, "undefined", name=path)
                return
        detail = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        self.problems.add(sheet, cell, "eval", expr=source.strip(), error=f"{type(exc).__name__}: {detail}")
