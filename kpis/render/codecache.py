"""Compiled placeholders kept between runs: a template's expressions are compiled once per machine.

Jinja compiles each placeholder into Python code (parse, generate, ``compile()``): ~2 ms apiece,
about half of rendering the monthly report (some 600 distinct expressions), paid again by every
``kpis report`` since each run is a fresh process. This keeps the code objects, like Python's own
``__pycache__``, in one ``marshal`` file under the user's cache folder
(the folder of :mod:`kpis.cache`: ``KPIS_CACHE_DIR``, else the platform's cache folder;
``KPIS_NO_CACHE=1`` turns it off).

The key is the source text, the environment's settings and the names of its filters and tests,
and the Jinja and Python versions (in the file name). The code is generated without Jinja's
constant folding (which would run filters at compile time), so it depends on nothing else: the
filters themselves -- the language's number formats -- run at render time as always. Only expressions that compiled are kept -- a syntax error is raised (and reported
to the user) every time. The cache is an optimisation only: an unreadable, corrupt or unwritable
file is ignored and rebuilt.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2

MAX_ENTRIES = 20_000  # a bound on the file (many templates): past it, new codes are not kept

_codes: dict[str, CodeType] | None = None
_added = 0


def cache_file() -> Path | None:
    if os.environ.get("KPIS_NO_CACHE", "").strip() not in ("", "0"):
        return None
    from ..cache import cache_dir  # the one cache folder (KPIS_CACHE_DIR, else the platform's)

    tag = sys.implementation.cache_tag or "py"
    return cache_dir() / f"expressions-jinja{jinja2.__version__}-{tag}.marshal"


def _load() -> dict[str, CodeType]:
    global _codes
    if _codes is None:
        _codes = {}
        path = cache_file()
        try:
            if path is not None and path.is_file():
                data = marshal.loads(path.read_bytes())
                if isinstance(data, dict):
                    _codes = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, CodeType)}
        except (OSError, ValueError, EOFError, TypeError):
            _codes = {}
    return _codes


_prints: dict[int, str] = {}


def fingerprint(env: jinja2.Environment) -> str:
    """What the generated code depends on besides the source: the environment's class and code
    generator, its settings, the names of its filters and tests (the code looks them up by name)."""
    got = _prints.get(id(env))
    if got is None:
        import hashlib

        finalize = getattr(env.finalize, "__qualname__", None) if env.finalize else None
        parts = (type(env).__qualname__, env.code_generator_class.__qualname__, env.autoescape, finalize,
                 env.optimized, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline, env.newline_sequence,
                 env.block_start_string, env.variable_start_string, env.comment_start_string, env.is_async,
                 sorted(env.extensions), sorted(getattr(env, "intercepted_binops", ())),
                 sorted(getattr(env, "intercepted_unops", ())), sorted(env.filters), sorted(env.tests))
        got = _prints[id(env)] = hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()
    return got


def _key(env: jinja2.Environment, kind: str, source: str) -> str:
    return f"{fingerprint(env)}|{kind}|{source}"


def compile_expression(env: jinja2.Environment, source: str) -> Any:
    """``env.compile_expression(source, undefined_to_none=False)``, its code cached between runs."""
    from jinja2 import nodes
    from jinja2.environment import TemplateExpression
    from jinja2.exceptions import TemplateSyntaxError
    from jinja2.parser import Parser

    codes = _load()
    key = _key(env, "expr", source)
    code = codes.get(key)
    if code is None:
        parser = Parser(env, source, state="variable")  # as Environment.compile_expression does
        try:
            expr = parser.parse_expression()
            if not parser.stream.eos:
                raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno, None, None)
            expr.set_environment(env)
        except TemplateSyntaxError:
            env.handle_exception(source=source)
        body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
        code = _compile(env, nodes.Template(body, lineno=1), source)
        _keep(key, code)
    template = env.template_class.from_code(env, code, env.make_globals(None), None)
    return TemplateExpression(template, False)


def compile_text(env: jinja2.Environment, source: str) -> Any:
    """``env.from_string(source)``, its code cached between runs."""
    codes = _load()
    key = _key(env, "text", source)
    code = codes.get(key)
    if code is None:
        code = _compile(env, env.parse(source), source)
        _keep(key, code)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def _compile(env: jinja2.Environment, node: Any, source: str) -> CodeType:
    """``env.compile(node)`` without Jinja's optimiser: it folds constant expressions by calling the
    filters at compile time (``{{ 1234 | money }}`` would keep one language's, or one release's,
    result in the cache). Unoptimised code computes the same values at render time."""
    from jinja2.compiler import generate
    from jinja2.exceptions import TemplateSyntaxError

    try:
        text = generate(node, env, None, None, optimized=False)
    except TemplateSyntaxError:  # e.g. an unknown filter: raised with the source, as Jinja does
        env.handle_exception(source=source)
    assert text is not None  # generate() returns None only when given a stream to write to
    return compile(text, "<template>", "exec")


def _keep(key: str, code: CodeType) -> None:
    global _added
    codes = _load()
    if len(codes) < MAX_ENTRIES:
        codes[key] = code
        _added += 1


def save() -> None:
    """Write the codes compiled in this run (atomically; nothing when nothing was added)."""
    global _added
    path = cache_file()
    if not _added or path is None or _codes is None:
        return
    try:
        from kpis.atomic import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, marshal.dumps(_codes))
        _added = 0
    except (OSError, ValueError):
        pass  # a cache: the next run compiles again
