"""Table values: a DataFrame or a list of dicts placed in a cell expands into rows and columns.

:class:`TableData` is the engine's one table shape (column names, rows, header flag); the table
filters (``sort_by``, ``head``, ``top``, ``columns``, ``noheader``, ``status_by``) take any table
value and return a :class:`TableData`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Sequence

from jinja2 import Undefined

from kpis.render.filters import _styled
from kpis.render.values import Styled, is_missing, to_cell_value


@dataclass(frozen=True)
class TableData:
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    header: bool = True

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]

    def __iter__(self):  # a loop over a table gives one dict per row
        return iter(self.records())


def is_table(value: Any) -> bool:
    if isinstance(value, TableData):
        return True
    if type(value).__name__ == "DataFrame" and hasattr(value, "columns"):
        return True
    if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
        return True
    return False


def to_table(value: Any) -> TableData:
    """Normalise a table value (TableData, pandas DataFrame, list of dicts)."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, TableData):
        return value
    if type(value).__name__ == "DataFrame":
        cols = [_column_name(c) for c in value.columns]
        rows = value.to_numpy(dtype=object).tolist() if len(cols) else [[] for _ in range(len(value))]
        return TableData(cols, rows)
    if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
        cols: list[str] = []
        seen: set[str] = set()
        for rec in value:
            for k in rec:
                if str(k) not in seen:
                    seen.add(str(k))
                    cols.append(str(k))
        rows = [[_get(rec, c) for c in cols] for rec in value]
        return TableData(cols, rows)
    raise TypeError(f"not a table: {type(value).__name__}")


def iter_records(value: Any) -> Iterable[Any]:
    """What a row loop iterates: tables give one dict per row, other iterables themselves."""
    if isinstance(value, TableData) or type(value).__name__ == "DataFrame":
        return to_table(value).records()
    if isinstance(value, Mapping):
        return list(value.items())
    return value


def _get(rec: Mapping, col: str) -> Any:
    if col in rec:
        return rec[col]
    for k, v in rec.items():
        if str(k) == col:
            return v
    return None


def _column_name(c: Any) -> str:
    if isinstance(c, tuple):
        return " ".join(str(x) for x in c if str(x))
    return str(c)


def _index(table: TableData, col: str) -> int:
    try:
        return table.columns.index(col)
    except ValueError:
        raise KeyError(f"no column {col!r} (columns: {', '.join(table.columns)})") from None


def _sort_key(value: Any) -> tuple:
    v = to_cell_value(value)
    if v is None:
        return (2, 0)
    if isinstance(v, bool | int | float):
        return (0, float(v))
    return (1, str(v).casefold())


def sort_by(value: Any, column: str | Sequence[str], desc: bool = False) -> TableData:
    """Sort rows by one or more columns; missing values go last."""
    t = to_table(value)
    cols = [column] if isinstance(column, str) else list(column)
    idx = [_index(t, c) for c in cols]
    present = [r for r in t.rows if not is_missing(to_cell_value(r[idx[0]]))]
    missing = [r for r in t.rows if is_missing(to_cell_value(r[idx[0]]))]
    present.sort(key=lambda r: tuple(_sort_key(r[i]) for i in idx), reverse=bool(desc))
    return replace(t, rows=present + missing)


def head(value: Any, n: int = 10) -> TableData:
    t = to_table(value)
    return replace(t, rows=t.rows[: max(int(n), 0)])


def top(
    value: Any,
    n: int = 5,
    other: str = "Other",
    by: str | None = None,
    label: str | None = None,
    agg: Mapping[str, str] | None = None,
) -> TableData:
    """Keep the first ``n`` rows (after sorting by ``by``, descending, when given) and group the rest
    into one row labelled ``other`` (in ``label``, default the first text column). Numeric columns
    of the grouped row are summed; ``agg={"win_rate": "mean"}`` picks ``sum``, ``mean``, ``min``,
    ``max`` or ``none`` per column (ratios should not be summed)."""
    t = sort_by(value, by, desc=True) if by else to_table(value)
    n = max(int(n), 0)
    if len(t.rows) <= n:
        return t
    kept, rest = t.rows[:n], t.rows[n:]
    label_idx = _index(t, label) if label else _first_text_column(t)
    agg = dict(agg or {})
    grouped: list[Any] = []
    for j, col in enumerate(t.columns):
        if j == label_idx:
            grouped.append(other)
            continue
        how = agg.get(col)
        nums = [to_cell_value(r[j]) for r in rest]
        nums = [v for v in nums if isinstance(v, int | float) and not isinstance(v, bool)]
        numeric = nums and len(nums) == sum(1 for r in rest if not is_missing(to_cell_value(r[j])))
        if how == "none" or not numeric:
            grouped.append(None)
        elif how == "mean":
            grouped.append(sum(nums) / len(nums))
        elif how == "min":
            grouped.append(min(nums))
        elif how == "max":
            grouped.append(max(nums))
        else:
            grouped.append(sum(nums))
    return replace(t, rows=kept + [grouped])


def _first_text_column(t: TableData) -> int:
    for j in range(len(t.columns)):
        vals = [to_cell_value(r[j]) for r in t.rows]
        if any(isinstance(v, str) for v in vals):
            return j
    return 0


def columns(value: Any, cols: Sequence[str] | None = None, rename: Mapping[str, str] | None = None) -> TableData:
    """Choose (and order) columns, and rename them: ``columns(["rep", "revenue"], rename={"rep": "Commercial"})``."""
    t = to_table(value)
    if cols is None:
        cols = list(t.columns)
    elif isinstance(cols, str):
        cols = [cols]
    if not t.rows:  # an empty table may not know its columns: take the chosen ones
        rename = dict(rename or {})
        return TableData([str(rename.get(c, c)) for c in cols], [], t.header)
    idx = [_index(t, c) for c in cols]
    rename = dict(rename or {})
    return TableData([str(rename.get(c, c)) for c in cols], [[r[i] for i in idx] for r in t.rows], t.header)


def noheader(value: Any) -> TableData:
    """Write only the data rows, starting at the placeholder cell."""
    return replace(to_table(value), header=False)


def status_by(
    value: Any,
    column: str,
    target: str | float,
    higher_is_better: bool = True,
    tolerance: float = 0.0,
) -> TableData:
    """Colour one column good / bad / neutral against a target column (or a fixed number)."""
    t = to_table(value)
    j = _index(t, column)
    k = _index(t, target) if isinstance(target, str) else None
    rows = []
    for r in t.rows:
        goal = r[k] if k is not None else target
        v, g = to_cell_value(r[j]), to_cell_value(goal)
        if not isinstance(v, int | float) or not isinstance(g, int | float):
            kind = "neutral"
        elif abs(v - g) <= tolerance:
            kind = "neutral"
        else:
            kind = "good" if (v > g) == bool(higher_is_better) else "bad"
        new = list(r)
        new[j] = _styled(r[j], kind, None)
        rows.append(new)
    return replace(t, rows=rows)


TABLE_FILTERS: dict[str, Callable[..., Any]] = {
    "sort_by": sort_by,
    "head": head,
    "top": top,
    "columns": columns,
    "noheader": noheader,
    "status_by": status_by,
    "table": to_table,
}

__all__ = ["TableData", "is_table", "to_table", "iter_records", "Styled", *TABLE_FILTERS]
