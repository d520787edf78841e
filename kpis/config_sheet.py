"""The configuration sheet: the keys of ``kpis.toml`` kept in a sheet of the workbook, one per row.

A sheet named ``Paramètres KPI`` / ``KPI settings`` (also ``Configuration KPI``, ``kpis``,
``kpis.toml``, ``kpis_config``; case, accents and punctuation do not matter) holds two columns under
a header row ``Clé | Valeur`` (or ``Key | Value``; without that header, columns A and B)::

    Clé                                   Valeur
    lang                                  fr
    plans.standard.rates                  [[0, 0.02], [0.5, 0.05], [1.0, 0.08]]
    plans.standard.gate                   30 %
    plans.standard.deal_type_weights.renewal   0.5
    plans.standard.spiffs.1.name          Formation

* a key is a dotted path of the file's keys (``plans.standard.gate`` is ``gate`` of
  ``[plans.standard]``); a number segment is a position in a list (``spiffs.1.name``: the first
  SPIFF's name); a quoted segment may hold spaces or dots (``stage_probability."Proposition 2.0"``);
* a value is taken as the cell holds it when it is a number, a boolean or a date (integral numbers
  become whole numbers: ``90`` days, month ``4``); a text is read as a TOML value when it is one
  (``[[0, 0.02], [1.0, 0.08]]``, ``{ renewal = 0.5 }``, ``true``, ``"quoted"``), as a number when
  it is a percentage or a decimal comma (``30 %`` -> 0.3, ``0,5`` -> 0.5), else as plain text;
* blank rows, rows whose key starts with ``#`` and rows with an empty value are skipped (an empty
  value means "not set": the file's value or the default applies).

**Precedence**: defaults < ``kpis.toml`` < the sheet < command-line options (``--lang``). The sheet
travels with the workbook and is the most specific, so for the same key it wins -- key by key: a sheet
setting ``plans.standard.gate`` keeps the file's other ``[plans.standard]`` keys; a list of values
(``rates``) is replaced as a whole, a list of tables (``spiffs``) merges position by position. The Excel add-in's own settings sheet applies the same rule.

The merged keys go through the same validation as the file (:func:`kpis.config._apply`, and the
calculators' own, e.g. :func:`kpis.calculators.plans.parse_plan`); a mistake names the cell
(``Paramètres KPI!B7: plans.standard.rates: ...``) instead of a line of ``kpis.toml``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from .config import Config, ConfigError, _apply
from .vocab import CONFIG_SHEET_NAMES

_KEY_HEADERS = {"cle", "key", "cle key", "key cle", "cles", "keys"}
_VALUE_HEADERS = {"valeur", "value", "valeur value", "value valeur", "valeurs", "values"}
_PERCENT = re.compile(r"^([-+]?\d+(?:[.,]\d+)?)\s*%$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")


def _fold(value: Any) -> str:
    # late: importing the reader package is heavy, and this module is imported by every config user
    from .text import fold

    return fold(value)


def is_config_sheet(name: str) -> bool:
    """Whether a sheet name is one of the configuration sheet's names (folded)."""
    return _fold(name) in {_fold(n) for n in CONFIG_SHEET_NAMES}


def cell_ref(sheet: str, row: int, col: int) -> str:
    """``Sheet!C7`` for 0-based ``row`` and ``col``."""
    letters, n = "", col + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return f"{sheet}!{letters}{row + 1}"


def config_from_grid(rows: list[list[Any]], sheet: str, *, skip: Collection[str] = (), first_row: int = 0,
                     first_col: int = 0) -> tuple[dict[str, Any], dict[str, str]]:
    """The nested configuration of a sheet's grid, and dotted key -> cell of its value.

    ``rows[i][j]`` is the cell at 0-based row ``first_row + i``, column ``first_col + j``. Keys in
    ``skip`` (a caller's own rows, e.g. the add-in's ``quota_target``) are left out. Raises
    :class:`ConfigError` naming the cell for a key that is not a key path or is set twice.
    """
    key_col, value_col, start = _layout(rows)
    data: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for i in range(start, len(rows)):
        row = rows[i]
        raw_key = row[key_col] if key_col < len(row) else None
        raw_value = row[value_col] if value_col < len(row) else None
        key = "" if _blank(raw_key) else str(raw_key).strip()
        if not key or key.startswith("#") or key in skip or _fold(key) in _KEY_HEADERS or _blank(raw_value):
            continue
        where = cell_ref(sheet, first_row + i, first_col + value_col)
        path = _key_path(key)
        if path is None:
            raise ConfigError("not a key path like plans.standard.gate / pas un chemin de clé", key=key,
                              cell=cell_ref(sheet, first_row + i, first_col + key_col))
        dotted = ".".join(path)
        _set(data, path, _value(raw_value), where, dotted, cells)
        cells[dotted] = where
    return _lists(data), cells


def merge_sheet_config(cfg: Config, data: dict[str, Any], locations: dict[str, str], sheet: str | None = None) -> Config:
    """``cfg`` (the file's configuration) with the sheet's keys on top, validated again as a whole.

    The sheet wins key by key (tables merge, other values -- lists included -- are replaced).
    Mistakes in keys the sheet set name their cell (``ConfigError.cell``); the file's keep their line.
    """
    if not data:
        return cfg
    merged = _lists(_deep_merge(_indexed(cfg.data), _indexed(data)))
    out = Config(path=cfg.path, source_text=cfg.source_text, sheet=sheet or cfg.sheet, cells={**cfg.cells, **locations})
    _apply(out, merged, cfg.source_text)
    return out


def read_config_sheet(workbook: Path | str, lang: str = "fr") -> tuple[str, list[list[Any]]] | None:
    """(sheet name, grid) of the workbook's configuration sheet, or None (no such sheet, or a CSV).

    Only that sheet is loaded (python-calamine through the reader's source layer). A file that cannot
    be read raises the reader's :class:`~kpis.reader.ReadError`, in ``lang``."""
    from .reader.package import all_sheet_names
    from .reader.source import EXCEL_SUFFIXES, Source

    path = Path(workbook)
    if path.suffix.lower() not in EXCEL_SUFFIXES or not path.is_file():
        return None  # the reader reports a missing or unsupported file in its own words
    names = all_sheet_names(path)
    if names is not None and not any(is_config_sheet(n) for n in names):
        return None  # no such sheet: the workbook is not opened twice (its census costs seconds when big)
    with Source(path, lang) as src:
        if src.kind != "excel":
            return None
        name = next((n for n in src.sheet_names if is_config_sheet(n)), None)
        if name is None:
            return None
        return name, src.load(name).grid


def apply_workbook_sheet(cfg: Config, workbook: Path | str | None, lang: str | None = None) -> Config:
    """``cfg`` merged with the configuration sheet of ``workbook`` when it has one; a file that cannot
    be read is said in ``lang`` (the command line's), else the configuration's language."""
    if workbook is None:
        return cfg
    found = read_config_sheet(workbook, lang or cfg.lang)
    if found is None:
        return cfg
    name, grid = found
    data, cells = config_from_grid(grid, name)
    out = merge_sheet_config(cfg, data, cells, sheet=name)
    out.sheet = name
    return out


# -- helpers ----------------------------------------------------------------------------------------


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _layout(rows: list[list[Any]]) -> tuple[int, int, int]:
    """(key column, value column, first data row): under a ``Clé | Valeur`` header row, else A, B, 0."""
    for i, row in enumerate(rows[:30]):
        folded = [_fold(c) if isinstance(c, str) else "" for c in row]
        k = next((j for j, f in enumerate(folded) if f in _KEY_HEADERS), None)
        v = next((j for j, f in enumerate(folded) if f in _VALUE_HEADERS), None)
        if k is not None and v is not None and k != v:
            return k, v, i + 1
    return 0, 1, 0


def _key_path(key: str) -> list[str] | None:
    """``plans.standard.gate`` -> ["plans", "standard", "gate"]; TOML quoting allowed; None if empty parts."""
    try:
        node: Any = tomllib.loads(f"{key} = 0")
        path = []
        while isinstance(node, dict) and len(node) == 1:
            (k, node), = node.items()
            path.append(k)
        if path:
            return path
    except tomllib.TOMLDecodeError:
        pass
    parts = [p.strip().strip("\"'").strip() for p in key.split(".")]
    return parts if all(parts) else None


def _value(v: Any) -> Any:
    """A cell's value as the file would hold it (see the module docstring)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else v
    if isinstance(v, int):
        return v
    if isinstance(v, dt.datetime):
        return v.date() if v.time() == dt.time(0) else v
    if isinstance(v, (dt.date, dt.time)):
        return v
    if isinstance(v, dt.timedelta):
        return str(v)
    s = str(v).strip()
    m = _PERCENT.match(s)
    if m:
        return float(m.group(1).replace(",", ".")) / 100
    if _DECIMAL_COMMA.match(s):
        return float(s.replace(",", "."))
    try:
        parsed = tomllib.loads(f"v = {s}")["v"]
    except tomllib.TOMLDecodeError:
        return s
    if isinstance(parsed, float) and not math.isfinite(parsed):  # "nan", "inf": words, not numbers
        return s
    return parsed


def _set(data: dict[str, Any], path: list[str], value: Any, where: str, dotted: str, cells: dict[str, str]) -> None:
    """Put ``value`` at ``path``; two rows may fill one table, never the same value twice."""
    node = data
    for n, p in enumerate(path[:-1]):
        nxt = node.setdefault(p, {})
        if not isinstance(nxt, dict):
            other = cells.get(".".join(path[: n + 1]), "?")
            raise ConfigError(f"already set by {other} / déjà défini en {other}", key=dotted, cell=where)
        node = nxt
    last = path[-1]
    if last in node:
        if not (isinstance(value, dict) and isinstance(node[last], dict)):
            other = cells.get(dotted) or next((c for k, c in cells.items() if k.startswith(dotted + ".")), "?")
            raise ConfigError(f"already set by {other} / déjà défini en {other}", key=dotted, cell=where)
        node[last] = _deep_merge(node[last], value)
    else:
        node[last] = value


def _lists(node: Any) -> Any:
    """Tables whose keys are the positions 1..n (``spiffs.1``, ``spiffs.2``) become lists, in that
    order; a table with gaps (``spiffs.2`` alone) stays one until merged over the file's list."""
    if not isinstance(node, dict):
        return node
    out = {k: _lists(v) for k, v in node.items()}
    if out and all(k.isdigit() for k in out) and sorted(int(k) for k in out) == list(range(1, len(out) + 1)):
        return [out[str(i)] for i in range(1, len(out) + 1)]
    return out


def _indexed(node: Any) -> Any:
    """Lists of tables (``[[plans.x.spiffs]]``) as position tables ``{"1": ..., "2": ...}``, so two
    sources merge them position by position (``spiffs.1.amount`` changes the first SPIFF's amount)."""
    if isinstance(node, dict):
        return {k: _indexed(v) for k, v in node.items()}
    if isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
        return {str(i): _indexed(x) for i, x in enumerate(node, 1)}
    return node


def _deep_merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """``a`` with ``b`` on top: tables merged key by key, every other value of ``b`` replacing ``a``'s."""
    out = dict(a)
    for k, v in b.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out
