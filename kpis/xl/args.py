"""Arguments of the functions in cells, as Excel passes them, into Python values -- or an XlError.

Excel passes a range as a 2-D list (Office.js: empty cells ``None``; desktop COM: ``None`` too),
a single cell or a literal as a scalar (or ``[[v]]``), an omitted optional argument as ``None``.
Numbers typed as text (``"12 500,00 €"``, ``"60 %"``) are read with the reader's own parsers, so a
cell means the same in a function as in the tracking workbook. Dates arrive as datetimes (desktop)
or as Excel serial numbers (Office.js, which does not pass cell formats to functions).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from typing import Any, Iterable, Sequence

import numpy as np

from .errors import NA, NUM, VALUE, XlError

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Serial numbers of 1950-01-01 .. 2199-12-31: a number in this range given as a period or a date is a date.
_MIN_SERIAL, _MAX_SERIAL = 18264, 109574


def unwrap(v: Any) -> Any:
    """``[[x]]`` / ``[x]`` -> ``x``; anything else unchanged."""
    while isinstance(v, (list, tuple)) and len(v) == 1:
        v = v[0]
    return v


def is_blank(v: Any) -> bool:
    v = unwrap(v)
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, (list, tuple)):
        return all(is_blank(x) for x in v)
    return False


def grid(v: Any) -> list[list[Any]]:
    """Any argument as a 2-D list (a scalar is one cell, a 1-D list one row)."""
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if not isinstance(v, (list, tuple)):
        return [[v]]
    if v and not isinstance(v[0], (list, tuple)):
        return [list(v)]
    return [list(r) for r in v]


def cells(v: Any) -> list[Any]:
    """All cells of an argument, row by row, blanks dropped."""
    return [c for r in grid(v) for c in r if not is_blank(c)]


def number(v: Any, arg: str, *, required: bool = True, kind: str = "number", positive: bool = False, default: float | None = None) -> float | None:
    """A number (``kind`` money/number/rate as the reader reads them; rate ``60 %`` -> 0.6)."""
    v = unwrap(v)
    if is_blank(v):
        if required and default is None:
            raise XlError(VALUE, "xl_missing_arg", arg=arg)
        return default
    if isinstance(v, (list, tuple)):
        raise XlError(VALUE, "xl_bad_number", arg=arg, value="(plage)")
    if isinstance(v, bool) or isinstance(v, (dt.date, dt.datetime)):
        raise XlError(VALUE, "xl_bad_number", arg=arg, value=v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        x = float(v)
        if math.isnan(x) or math.isinf(x):
            raise XlError(NUM, "xl_bad_number", arg=arg, value=v)
        if kind == "rate" and x > 1:
            x /= 100
    else:
        from ..reader.values import parse_numbers

        parsed = parse_numbers(np.array([v], dtype=object), kind)
        x = float(parsed.values.iloc[0])
        if parsed.problem[0] is not None or math.isnan(x):
            code = "xl_bad_fraction" if kind == "rate" else "xl_bad_number"
            raise XlError(VALUE, code, arg=arg, value=v)
    if kind == "rate" and not 0 <= x <= 1:
        raise XlError(NUM, "xl_bad_fraction", arg=arg, value=v)
    if positive and x <= 0:
        raise XlError(NUM, "xl_not_positive", arg=arg, value=v)
    return x


def text(v: Any, arg: str, *, required: bool = True, default: str | None = None) -> str | None:
    v = unwrap(v)
    if is_blank(v):
        if required and default is None:
            raise XlError(VALUE, "xl_missing_arg", arg=arg)
        return default
    if isinstance(v, (list, tuple)):
        raise XlError(VALUE, "xl_bad_text", arg=arg, value="(plage)")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def choice(v: Any, arg: str, choices: dict[str, str], default: str) -> str:
    """One of ``choices`` (accepted words, accents and case ignored -> canonical value)."""
    from ..text import fold

    t = text(v, arg, required=False, default="")
    if not t:
        return default
    key = fold(t)
    for word, canonical in choices.items():
        if fold(word) == key:
            return canonical
    shown = ", ".join(sorted(set(choices.values())))
    raise XlError(VALUE, "xl_bad_choice", arg=arg, choices=shown, value=t)


def serial_to_datetime(x: float) -> dt.datetime:
    return EXCEL_EPOCH + dt.timedelta(days=float(x))


def is_serial(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and _MIN_SERIAL <= float(v) <= _MAX_SERIAL


def period(v: Any, arg: str = "period", fiscal_year_start: int = 1):
    """A :class:`~kpis.periods.Period` from what a user types or points at, or None when blank.

    ``2026-10``, ``2026-Q3`` / ``T3 2026``, ``2026``, ``FY2026``, ``2026-10-01:2026-12-31`` (as the CLI),
    or a date (a cell with a date, or its serial number): the month holding that date.
    """
    from ..periods import Period, month, parse_period

    v = unwrap(v)
    if is_blank(v):
        return None
    if isinstance(v, (list, tuple)):
        raise XlError(VALUE, "xl_bad_period", value="(plage)")
    if is_serial(v):
        v = serial_to_datetime(v)
    if isinstance(v, (dt.datetime, dt.date)):
        d = v.date() if isinstance(v, dt.datetime) else v
        return month(d.year, d.month)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    try:
        p = parse_period(s, fiscal_year_start)
    except ValueError:
        raise XlError(VALUE, "xl_bad_period", value=s) from None
    assert isinstance(p, Period)
    return p


def words(v: Any) -> list[str]:
    """A list of words from a range of cells or one cell holding ``a, b; c``."""
    out: list[str] = []
    for c in cells(v):
        for w in re.split(r"[;,\n]", str(c)):
            if w.strip():
                out.append(w.strip())
    return out


def rate_table(v: Any, arg: str = "rates") -> list[list[float]]:
    """A commission rate table: two columns (from attainment, rate), an optional header row.

    Attainments and rates may be fractions or percentages (``100 %``, ``"8 %"``; bare attainments
    ``0, 80, 100, 120`` are percentages as soon as one of them is above 10, i.e. 1,000 %).
    """
    rows = [r for r in grid(v) if not is_blank(r)]
    if rows and any(isinstance(c, str) and c.strip() and not re.search(r"\d", c) for c in rows[0]):
        rows = rows[1:]  # header row
    table: list[list[float]] = []
    plain: list[bool] = []  # the attainment was a bare number (not "80 %"): 1.2 or 120 for 120 %
    for r in rows:
        vals = [c for c in r if not is_blank(c)]
        if len(vals) != 2:
            raise XlError(VALUE, "xl_bad_rates", error=f"{len(vals)} cells in a row")
        a = _fraction(vals[0], arg, allow_above_one=True)
        rate = _fraction(vals[1], arg, allow_above_one=False)
        table.append([a, rate])
        plain.append(not (isinstance(vals[0], str) and "%" in vals[0]))
    if not table:
        raise XlError(VALUE, "xl_bad_rates", error="empty")
    # Bare attainments above 10 (1,000 %) are percentages typed without the sign ({0; 80; 100}): all
    # the bare ones are then read as percentages, as the wizard's help (0%, 80%, 100%) shows them.
    if any(p and a > 10 for (a, _), p in zip(table, plain)):
        table = [[a / 100 if p else a, rate] for (a, rate), p in zip(table, plain)]
    return table


def _fraction(v: Any, arg: str, allow_above_one: bool) -> float:
    """``0.08``, ``8 %``, ``"8 %"`` -> 0.08; attainments may exceed 1 (``120 %`` or ``1.2``)."""
    if isinstance(v, str):
        has_pct = "%" in v
        x = number(v.replace("%", ""), arg)
        assert x is not None
        return x / 100 if has_pct or (not allow_above_one and x > 1) else x
    x = number(v, arg)
    assert x is not None
    if not allow_above_one and x > 1:
        x /= 100
    return x


def table(v: Any, arg: str = "table") -> list[list[Any]]:
    """A range with a header row and data rows, as a grid, from the values Excel sends unconverted
    (the "raw" argument): empty cells (``None``, ``""``, Pyodide's ``JsNull``) become ``""``; an
    error cell (Office.js sends ``{"type": "Error", "basicValue": "#N/A"}``) becomes its text, which
    the reader reports like an error read from a file. Blank rows are dropped."""
    if isinstance(v, np.ndarray):
        v = v.tolist()
    rows = v if isinstance(v, (list, tuple)) and v and isinstance(v[0], (list, tuple)) else grid(v)
    g = _clean_as_sent(rows)
    if g is None:
        g = []
        for r in rows:  # one pass, the per-cell work in comprehensions and C methods (100,000s of rows)
            row = [c if type(c) in _PLAIN else _raw_cell(c) for c in r]
            if row.count("") != len(row) and not _blank_row(row):
                g.append(row)
    if len(g) < 2 or not any(isinstance(c, str) and c.strip() for c in g[0]):
        raise XlError(VALUE, "xl_not_a_table", arg=arg)
    return g


_PLAIN = (str, float, int)  # what most cells are: kept as they come, without a function call


def _clean_as_sent(rows: Sequence[Sequence[Any]]) -> list[list[Any]] | None:
    """The grid as it came when nothing in it needs cleaning (the usual range: text and numbers,
    one column filled on every row), without a Python step per cell; None when something might
    (an empty or special cell, a blank row, ragged rows): the caller then cleans cell by cell.

    The cells' types are taken in one C pass; a column whose distinct values hold no blank text
    proves that no row is blank."""
    if not rows or len({len(r) for r in rows}) != 1 or not len(rows[0]):
        return None
    if not set(map(type, itertools.chain.from_iterable(rows))) <= {str, float, int}:  # as the loop keeps them
        return None
    for j in range(len(rows[0])):
        if not _has_blank_text({r[j] for r in rows}):
            return [r if type(r) is list else list(r) for r in rows]
    return None


def _has_blank_text(values: set[Any]) -> bool:
    """Whether some value is text made of nothing but spaces (``""`` included)."""
    kinds = set(map(type, values))
    if str not in kinds:
        return False
    if kinds == {str}:  # C methods over the distinct texts
        return "" in values or any(map(str.isspace, values))
    return any(type(u) is str and not u.strip() for u in values)


def _raw_cell(c: Any) -> Any:
    if c is None or _is_jsnull(c):
        return ""
    if isinstance(c, dict):
        if c.get("type") == "Error":
            return str(c.get("basicValue") or "#VALUE!")
        return c.get("basicValue", "")  # a data type (e.g. a date): its plain value
    if isinstance(c, float) and math.isnan(c):
        return ""
    return c


def _blank_row(r: list[Any]) -> bool:
    """Only text, all of it spaces (the rows with a number or a date are not blank: cheap to tell)."""
    return all(type(c) is str for c in r) and not "".join(r).strip()


def _is_jsnull(c: Any) -> bool:
    """Pyodide (>= 0.28, xlwings Lite) passes empty cells of an array argument as ``JsNull``."""
    return type(c).__name__ == "JsNull"


def dates_in(values: Sequence[Any]) -> list[Any]:
    """Serial numbers -> datetimes (Office.js passes date cells to functions as numbers)."""
    return [serial_to_datetime(x) if is_serial(x) else x for x in values]


def no_data(what: str) -> XlError:
    return XlError("#DIV/0!", "xl_div0", what=what)


def not_available(reason: str, **params: Any) -> XlError:
    return XlError(NA, reason, **params)


def first(items: Iterable[Any]) -> Any:
    for x in items:
        return x
    return None
