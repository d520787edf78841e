"""The jinja2 sandbox templates render in, and the diagnosis of undefined names.

Templates are user files: they render in an :class:`ImmutableSandboxedEnvironment` (no access to
private attributes, no mutation of lists or dicts) that also refuses method calls with side effects
on data objects (``df.to_csv(...)``, ``path.write_text(...)``...). Data values are only ever passed
as variables, never compiled as templates.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from jinja2 import StrictUndefined, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from kpis import i18n
from kpis.render.filters import make_formatting_filters
from kpis.render.tables import TABLE_FILTERS

_SIDE_EFFECT_NAMES = re.compile(
    r"^(to_|write|save|open|unlink|remove|rename|mkdir|rmdir|touch|chmod|chown|symlink|"
    r"hardlink|exec|eval|system|popen|spawn|kill|load|dump|pipe|apply|applymap|"
    r"transform|query|style|plot|hist|boxplot|update|pop|clear|insert|drop|set_|del)"
)
_SAFE_DATA_METHODS = {
    "sum", "mean", "median", "min", "max", "count", "round", "get", "items", "keys", "values",
    "tolist", "nunique", "unique", "abs", "cumsum", "idxmax", "idxmin", "head", "tail", "sort_values",
    "reset_index", "upper", "lower", "title", "capitalize", "strip", "startswith", "endswith",
    "strftime", "isoformat", "format", "join", "split", "isoweekday", "weekday", "date",
}


class KpisSandbox(ImmutableSandboxedEnvironment):
    """Sandbox that also blocks side-effecting methods on data objects."""

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        name = getattr(obj, "__name__", "") or ""
        owner = getattr(obj, "__self__", None)
        if owner is None or name in _SAFE_DATA_METHODS:
            return True
        module = type(owner).__module__ or ""
        if module.split(".")[0] in ("pandas", "numpy", "pathlib", "io", "os", "shutil", "subprocess"):
            return False
        return not _SIDE_EFFECT_NAMES.match(name)


@lru_cache(maxsize=4)
def environment(lang: str = "fr") -> KpisSandbox:
    lang = i18n.normalise_lang(lang)
    env = KpisSandbox(
        undefined=StrictUndefined,
        autoescape=False,
        finalize=lambda v: "" if v is None else v,
        keep_trailing_newline=False,
    )
    env.filters.update(make_formatting_filters(lang))
    env.filters.update(TABLE_FILTERS)
    env.globals["lang"] = lang
    return env


# --- undefined names -------------------------------------------------------------------------

_MISSING = object()


def chains(node: nodes.Node) -> Iterator[tuple[str, list[Any]]]:
    """Variable paths an expression reads (``kpi.win_rate`` → ``("kpi", ["win_rate"])``), except
    those guarded by ``| default`` or ``is defined``."""
    yield from _chains(node, guarded=False)


def _chains(node: nodes.Node, guarded: bool) -> Iterator[tuple[str, list[Any]]]:
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
        path = _path(node)
        if path is not None:
            if not guarded:
                yield path
            return
    if isinstance(node, nodes.Filter) and node.name in ("default", "d"):
        if node.node is not None:
            yield from _chains(node.node, guarded=True)
        for child in list(node.args) + [kw.value for kw in node.kwargs]:
            yield from _chains(child, guarded)
        return
    if isinstance(node, nodes.Test) and node.name in ("defined", "undefined", "none"):
        yield from _chains(node.node, guarded=True)
        return
    for child in node.iter_child_nodes():
        yield from _chains(child, guarded)


def _path(node: nodes.Node) -> tuple[str, list[Any]] | None:
    keys: list[Any] = []
    while True:
        if isinstance(node, nodes.Name):
            return node.name, list(reversed(keys))
        if isinstance(node, nodes.Getattr):
            keys.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            keys.append(node.arg.value)
            node = node.node
        else:
            return None


def resolve(env: KpisSandbox, scope: dict[str, Any], root: str, keys: list[Any]) -> tuple[bool, str]:
    """Follow a path in a scope; returns (found, the dotted path up to the first missing part)."""
    if root not in scope:
        return False, root
    value = scope[root]
    text = root
    for key in keys:
        text += f".{key}" if isinstance(key, str) and key.isidentifier() else f"[{key!r}]"
        if value is _MISSING:
            return True, text
        nxt = _lookup(value, key)
        if nxt is _MISSING:
            return False, text
        value = nxt
    return True, text


def _lookup(value: Any, key: Any) -> Any:
    if isinstance(key, str):
        try:
            return value[key]
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
        except Exception:  # pandas may raise other things on odd keys
            pass
        if key.startswith("_"):
            return _MISSING
        try:
            return getattr(value, key)
        except Exception:
            return _MISSING
    try:
        return value[key]
    except Exception:
        return _MISSING


def undefined_path(env: KpisSandbox, source: str, scope: dict[str, Any]) -> str | None:
    """The first path of an expression that is missing from the scope (``kpi.win_rat``)."""
    try:
        ast = env.parse(source)
    except Exception:
        return None
    for root, keys in chains(ast):
        if root in env.globals or root in ("loop", "range", "true", "false", "none"):
            continue
        found, text = resolve(env, scope, root, keys)
        if not found:
            return text
    return None
