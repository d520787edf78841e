"""The evaluator: walks metric declarations over a dataset, for one or more periods.

One :class:`Evaluator` serves a whole ``compute`` call (current, previous and year-ago periods, or a
13-month series) and caches everything that does not change between KPIs:

* each table conformed once (date fields as midnight ``datetime64``, numbers as ``float64``) -- once
  per dataset, kept in ``Dataset.memo`` for every evaluator of it;
* row-filter masks per (table, filter) and window masks per (table, window, period) -- every KPI on
  won deals closed in October shares one mask;
* derived-source frames per (source, period), dimension columns per (table, dimension);
* metric results per (metric, period) and breakdowns per (metric, period, dimension).

**One pass over many months.** :meth:`Evaluator.prepare` names the periods a run will ask for (a
report's period, the previous one and 13 trend months). Every calendar month among them is then
served from *panels*: a measure on a canonical table whose window has a month form
(``Window.months``), or on a derived source that has one (``Source.months``), is aggregated for all
those months at once -- one ``bincount``, or one :func:`~kpis.engine.sums.group_sums` over (month,
breakdown key) -- instead of once per month. The numbers are the per-period ones bit for bit:
counts are integers; a total is ``Series.sum`` over the month's rows in row order, as the period's
own; a sum by key is ``group_sums``, whose sum of a key depends only on that key's values in row
order, which the per-period path uses too (pandas' group-by sum changes algorithm with the layout
of the group ids). Other periods (quarters, custom ranges), the other derived sources and windows
without a month form are computed on their own; ``Evaluator(..., one_pass=False)`` computes
everything that way (the reference the tests compare with).

Statuses follow ``kpis.md``: ``missing_input`` when a declared input is absent (reason naming it),
``no_data`` when a denominator is zero or empty (value None), otherwise ``ok``. No inf, no NaN
leaves this module: a non-finite result becomes ``no_data``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

import numpy as np
import pandas as pd

from ..config import Config
from ..dataset import Dataset
from ..periods import Period, at_midnight, custom
from ..schema import DERIVED, TABLES
from .model import (
    Derived,
    Distribution,
    Fallback,
    Filter,
    Funnel,
    Measure,
    Metric,
    NoData,
    Note,
    Ratio,
    Ref,
    Simple,
    Variants,
    Window,
)
from .categorical import as_category
from .months import FAR, month_of
from .sources import CUSTOMER_DIMS, SOURCES
from .sums import group_sums, total

NONE_KEY = "(none)"  # breakdown key of rows without a value for the dimension


@dataclass
class Eval:
    """A metric's value for one period, with its status and what the reader should know."""

    value: Any = None
    status: str = "ok"  # ok | no_data | missing_input
    missing: tuple[str, ...] = ()
    reason: Note | None = None
    notes: tuple[Note, ...] = ()
    detail: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _missing_eval(missing: list[str] | tuple[str, ...]) -> Eval:
    m = tuple(dict.fromkeys(missing))
    return Eval(None, "missing_input", m, Note("missing_input", {"what": ", ".join(m)}))


def _no_data(code: str = "no_data", notes: tuple[Note, ...] = (), **params: Any) -> Eval:
    return Eval(None, "no_data", (), Note(code, params), notes)


def finite(x: Any) -> float | None:
    """``x`` as a float, or None if missing, NaN or infinite."""
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


class Evaluator:
    def __init__(self, ds: Dataset, config: Config | None = None, as_of: date | None = None, *,
                 one_pass: bool = True) -> None:
        from .registry import REGISTRY  # late: the registry's declarations import this module's callers

        self.ds = ds
        self.config = config or Config()
        self.registry = REGISTRY
        self.as_of = as_of or date.today()
        self.one_pass = one_pass
        self._range: tuple[int, int] | None = None  # month numbers served by panels (see prepare)
        self._tables: dict[str, pd.DataFrame | None] = {}
        self._masks: dict[tuple[Any, ...], pd.Series] = {}
        self._sources: dict[tuple[Any, ...], pd.DataFrame] = {}
        self._dims: dict[tuple[Any, ...], pd.Series | None] = {}
        self._maps: dict[tuple[Any, ...], Any] = {}  # lookups, joins and choices that do not depend on the period
        self._evals: dict[tuple[Any, ...], Eval] = {}
        self._filled: dict[tuple[str, str], bool] = {}
        self._missing: dict[int, list[str]] = {}
        self._bys: dict[tuple[Any, ...], Any] = {}  # Dense | dict | None, per (metric, period, dim)
        self._public: dict[tuple[Any, ...], Any] = {}  # the same as pandas Series (breakdown())
        self._spaces: dict[str, KeySpace] = {}

    def prepare(self, periods: Any) -> "Evaluator":
        """Announce the periods the run will evaluate: the calendar months among them are then
        computed in one pass (see the module docstring). Idempotent; widening drops the panels."""
        months = [m for m in (month_of(p) for p in periods) if m is not None]
        if not self.one_pass or not months:
            return self
        lo, hi = min(months), max(months)
        if self._range is not None:
            if self._range[0] <= lo and hi <= self._range[1]:
                return self
            lo, hi = min(lo, self._range[0]), max(hi, self._range[1])
            for k in [k for k in self._maps if k[0] in ("pairs", "panel", "panel values", "panel by", "source months")]:
                del self._maps[k]
        self._range = (lo, hi)
        return self

    def prepared_span(self) -> Period | None:
        """The prepared months as one period (first day of the first, last day of the last)."""
        if self._range is None:
            return None
        lo, hi = self._range
        start = date(1970 + lo // 12, lo % 12 + 1, 1)
        after = date(1970 + (hi + 1) // 12, (hi + 1) % 12 + 1, 1)
        return custom(start, after - timedelta(days=1))

    # -- inputs ------------------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame | None:
        """The canonical table, conformed: date fields at midnight, datetime fields as datetime64,
        money/number/rate fields as float64 (what a UDF passes from cells is coerced here)."""
        if name not in self._tables:
            df = self.ds.get(name)
            # once per dataset, not per evaluator: a sheet's twenty =KPI() cells over one range, or a
            # report's commentary beside its KPIs, conform the table once (tables never change in place)
            self._tables[name] = None if df is None else self.ds.memo(("conformed", name, id(df)), lambda: _conform(name, df))
        return self._tables[name]

    def _present(self, name: str) -> pd.DataFrame:
        """The canonical table, which the caller knows is present (its metric is not missing)."""
        df = self.table(name)
        assert df is not None
        return df

    def available(self, table: str, fld: str | None = None) -> bool:
        df = self.table(table)
        return df is not None and (fld is None or fld in df.columns)

    def filled(self, table: str, fld: str) -> bool:
        """Present and holding at least one value (an empty table counts as filled)."""
        k = (table, fld)
        if k not in self._filled:
            df = self.table(table)
            self._filled[k] = df is not None and fld in df.columns and (len(df) == 0 or bool(df[fld].notna().any()))
        return self._filled[k]

    def _need(self, spec: str) -> str | None:
        """What is missing for one ``table`` / ``table.field`` need (None if present)."""
        t, _, f = spec.partition(".")
        if self.table(t) is None:
            return t
        return None if not f or self.available(t, f) else spec

    def missing_measure(self, m: Measure) -> list[str]:
        if m.table in SOURCES:
            return [x for x in (self._need(s) for s in SOURCES[m.table].needs) if x]
        if self.table(m.table) is None:
            return [m.table]
        out = [f"{m.table}.{f}" for f in m.fields if not self.available(m.table, f)]
        for group in m.any_of:
            if not any(self.available(m.table, f) for f in group):
                out.append(" / ".join(f"{m.table}.{f}" for f in group))
        return out

    def missing(self, ref: Ref | Fallback) -> list[str]:
        """Inputs the metric needs and the dataset lacks (empty: computable)."""
        if isinstance(ref, Fallback):
            return []
        metric = self.resolve(ref)
        k = id(metric)
        if k not in self._missing:
            self._missing[k] = self._find_missing(metric)
        return self._missing[k]

    def _find_missing(self, metric: Metric) -> list[str]:
        if isinstance(metric, Simple):
            return self.missing_measure(metric.measure)
        if isinstance(metric, Ratio):
            return self.missing(metric.num) + self.missing(metric.den)
        if isinstance(metric, Derived):
            return [x for r in metric.inputs.values() for x in self.missing(r)]
        if isinstance(metric, Distribution):
            out = self.missing_measure(metric.measure)
            if self.table(metric.measure.table) is not None and not self.available(metric.measure.table, metric.field):
                out.append(f"{metric.measure.table}.{metric.field}")
            return out
        if isinstance(metric, Funnel):
            out = self.missing_measure(metric.measure)
            t = metric.measure.table
            if self.table(t) is not None and not any(self.available(t, f) for f in metric.step_fields):
                out.append(" / ".join(f"{t}.{f}" for f in metric.step_fields))
            return out
        if isinstance(metric, Variants):
            chosen = self._choose(metric)
            return [] if chosen is not None else self.missing(metric.options[0][0])
        raise TypeError(metric)

    def _choose(self, v: Variants) -> tuple[Metric, str | None] | None:
        """First option whose inputs are present and hold data; else the first merely present."""
        k = ("choice", id(v))
        if k not in self._maps:
            usable = [(m, note) for m, note in v.options if not self.missing(m)]
            filled = [(m, note) for m, note in usable
                      if all(self.filled(*spec.split(".", 1)) for spec in self.inputs(m) if "." in spec and " / " not in spec)]
            options = filled or usable
            self._maps[k] = options[0] if options else None
        return cast("tuple[Metric, str | None] | None", self._maps[k])

    def inputs(self, ref: Ref) -> list[str]:
        """Every ``table.field`` the metric reads (required ones), for the catalogue and the reader."""
        return metric_inputs(self.resolve(ref))

    def resolve(self, ref: Ref) -> Metric:
        return self.registry[ref].metric if isinstance(ref, str) else ref

    def link(self, table: str, key: str, other: str, other_key: str) -> tuple[pd.DataFrame, np.ndarray]:
        """Rows of ``other`` (first row per key) and, for each row of ``table``, the position of its
        match there (−1: none) -- computed once, so each period's join is a numpy take."""
        k = ("link", table, key, other, other_key)
        if k not in self._maps:
            right = self._present(other)
            right = right.loc[right[other_key].notna()].drop_duplicates(other_key).reset_index(drop=True)
            keys = self._present(table)[key]
            # a missing key matches nothing (-1): the other side's missing keys were dropped above
            pos = pd.Index(right[other_key]).get_indexer(keys)
            pos = pos.astype(np.int32 if len(right) < np.iinfo(np.int32).max else np.int64, copy=False)
            self._maps[k] = (right, pos)
        right, pos = self._maps[k]
        return right, pos.copy()

    # -- rows --------------------------------------------------------------------------------------
    def source(self, name: str, p: Period) -> pd.DataFrame:
        key = (name, p)
        if key not in self._sources:
            self._sources[key] = SOURCES[name].build(self, p)
        return self._sources[key]

    def _frame(self, m: Measure, p: Period) -> pd.DataFrame:
        return self.source(m.table, p) if m.table in SOURCES else self.table(m.table)

    def select(self, m: Measure, p: Period) -> tuple[pd.DataFrame, pd.Series, pd.Series | None]:
        """``(frame, mask, weights)``: the measure's rows are ``frame[mask]``; ``weights`` (aligned on
        those rows) when the window weighs rows (monthly spend cut by a custom period)."""
        df = self._frame(m, p)
        mask = pd.Series(True, index=df.index)
        if m.where is not None:
            mask = self._where(m.table, m.where, df, p)
        weights = None
        if m.window is not None:
            w = self.window_mask(m.table, m.window, p)
            if w.dtype == bool:
                mask = mask & w
            else:
                mask = mask & (w > 0)
                weights = w[mask]
        return df, mask, weights

    def _where(self, table: str, where: Filter, df: pd.DataFrame, p: Period | None) -> pd.Series:
        k = ("where", table, where.key, p if table in SOURCES else None)
        if k not in self._masks:
            self._masks[k] = where.fn(df, self)
        return self._masks[k]

    def window_mask(self, table: str, window: Window, p: Period) -> pd.Series:
        """The window's mask (or weights) over a canonical table, cached per period (for a calendar
        month, from the window's month form: two integer comparisons)."""
        k = ("window", table, window.key, p)
        if k not in self._masks:
            month = month_of(p) if self.one_pass and window.months is not None else None
            if month is None:
                self._masks[k] = window.fn(self.table(table), p, self)
            else:
                lo, hi = self.spans(table, window)
                self._masks[k] = pd.Series((lo <= month) & (month <= hi), index=self._present(table).index)
        return self._masks[k]

    def spans(self, table: str, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """The window's month form over a canonical table (computed once)."""
        k = ("spans", table, window.key)
        if k not in self._maps:
            assert window.months is not None  # callers take the month form only when there is one
            lo, hi = window.months(self._present(table), self)
            # int32, FAR clipped: month numbers of the dates pandas holds (years 1-9999 at most) are
            # within ±100,000, so every comparison with a month is the same; half the memory
            bound = np.iinfo(np.int32).max
            self._maps[k] = (np.clip(lo, -bound, bound).astype(np.int32), np.clip(hi, -bound, bound).astype(np.int32))
        return cast("tuple[np.ndarray, np.ndarray]", self._maps[k])

    # -- one pass over the prepared months -----------------------------------------------------------
    def _panel_row(self, m: Measure, p: Period) -> int | None:
        """Which month of ``m``'s panel serves ``p`` (None: ``p`` is computed on its own). A derived
        source's measure is served when the source has a month form and the measure takes all its
        rows."""
        if self._range is None or (m.window is not None and m.window.months is None):
            return None
        if m.table in SOURCES and (SOURCES[m.table].months is None or m.where is not None or m.window is not None):
            return None
        month = month_of(p)
        if month is None or not self._range[0] <= month <= self._range[1]:
            return None
        return month - self._range[0]

    def _pairs(self, m: Measure) -> tuple[np.ndarray, np.ndarray]:
        """Every (row, month) the measure selects among the prepared months: row numbers (ascending)
        and month indexes (0 = first prepared month), ordered by row then month."""
        # keyed on what selects the rows, not the measure: revenue and deals won share their pairs
        k = ("pairs", m.table, m.where.key if m.where is not None else None,
             m.window.key if m.window is not None else None)
        if k not in self._maps and m.table in SOURCES:  # each row of a source's month form in one month
            _, month = self._source_months(m.table)
            self._maps[k] = (np.arange(len(month), dtype=np.int32), month)
        if k not in self._maps:
            df = self._present(m.table)
            n = len(df)
            assert self._range is not None  # panels exist only for prepared months
            first, last = self._range
            keep = np.ones(n, dtype=bool) if m.where is None else self._where(m.table, m.where, df, None).to_numpy(dtype=bool)
            if m.window is None:
                lo, hi = np.full(n, -FAR, dtype=np.int64), np.full(n, FAR, dtype=np.int64)
            else:
                lo, hi = self.spans(m.table, m.window)
            lo, hi = np.maximum(lo, first), np.minimum(hi, last)
            count = np.where(keep & (lo <= hi), hi - lo + 1, 0)
            # kept small (rows of a sheet as int32, months of a report as int16): a quarter of the
            # memory of a million-row table's int64 pairs, which every measure on it keeps for the
            # whole report
            months = np.int16 if last - first < np.iinfo(np.int16).max else np.int32
            if len(count) and count.max() <= 1:  # a row in one month at most (a date in P): no repeat
                rows = np.flatnonzero(count).astype(np.int32)
                self._maps[k] = (rows, (lo[rows] - first).astype(months))
            else:
                rows = np.repeat(np.arange(n, dtype=np.int32), count)
                step = np.arange(len(rows)) - np.repeat(np.cumsum(count) - count, count)
                self._maps[k] = (rows, (np.repeat(lo - first, count) + step).astype(months))
        return cast("tuple[np.ndarray, np.ndarray]", self._maps[k])

    def _source_months(self, name: str) -> tuple[pd.DataFrame, np.ndarray]:
        """A derived source's rows over the prepared months and each row's month index (its
        :data:`~kpis.engine.sources.MonthForm`), built once."""
        k = ("source months", name)
        if k not in self._maps:
            form = SOURCES[name].months
            assert form is not None and self._range is not None  # served only then (_panel_row)
            first, last = self._range
            frame, month = form(self, first, last)
            kind = np.int16 if last - first < np.iinfo(np.int16).max else np.int32
            self._maps[k] = (frame, np.asarray(month).astype(kind))
        return cast("tuple[pd.DataFrame, np.ndarray]", self._maps[k])

    def _panel_rows(self, table: str) -> pd.DataFrame:
        """The rows a panel's pairs number: the canonical table, or a source's month form."""
        return self._source_months(table)[0] if table in SOURCES else self._present(table)

    def _panel(self, m: Measure, dim: str | None) -> dict[str, Any] | None:
        """The measure over every prepared month at once (None: the rows do not carry ``dim``)."""
        k = ("panel", id(m), dim)
        if k in self._maps:
            return cast("dict[str, Any] | None", self._maps[k])
        df = self._panel_rows(m.table)
        rows, month = self._pairs(m)
        assert self._range is not None  # panels exist only for prepared months
        n_months = self._range[1] - self._range[0] + 1
        out: dict[str, Any] = {"n": n_months}
        codes = None
        if dim is not None:
            keys = self.dim_keys(m.table, df, dim)
            if keys is None:
                self._maps[k] = None
                return None
            codes = keys.cat.codes.to_numpy().astype(np.int32)[rows]
            out["dtype"] = keys.dtype
        if m.agg not in ("sum", "nunique"):  # counts: exact integers, one bincount for every month
            assert codes is None  # _from_panel reads counts by key from _panel_by
            out["counts"] = np.bincount(month, minlength=n_months)
        else:
            out.update(self._panel_values(m))  # the same sorted values for every dimension
            if codes is not None:
                out["codes"] = codes[np.argsort(month, kind="stable")]
        self._maps[k] = out
        return out

    def _panel_values(self, m: Measure) -> dict[str, np.ndarray]:
        """A sum's (or a distinct count's) values over its (row, month) pairs, sorted by month:
        ``sorted`` and each month's ``bounds`` in it -- kept once per measure, whatever the
        dimensions its panels break it down by."""
        k = ("panel values", id(m))
        if k not in self._maps:
            df = self._panel_rows(m.table)
            rows, month = self._pairs(m)
            assert self._range is not None  # panels exist only for prepared months
            n_months = self._range[1] - self._range[0] + 1
            if m.agg == "sum":
                values = self.values(m, df, slice(None)).astype("float64").to_numpy()[rows]
            else:  # distinct values, as integer codes (missing: NaN, not counted)
                codes = pd.factorize(self.values(m, df, slice(None)), use_na_sentinel=True)[0].astype("float64")
                codes[codes < 0] = np.nan
                values = codes[rows]
            # Sums are rounded: each month's rows are kept in row order and reduced by the very call
            # the period would make on its own (a group-by's result depends on its groups' layout).
            order = np.argsort(month, kind="stable")
            self._maps[k] = {"sorted": values[order],
                             "bounds": np.searchsorted(month[order], np.arange(n_months + 1))}
        return cast("dict[str, np.ndarray]", self._maps[k])

    def _from_panel(self, m: Measure, row: int, dim: str | None) -> float | pd.Series | None:
        """The period's aggregate read from the panel: what :meth:`aggregate` computes on its own (by
        key: the month's row of :meth:`_panel_by`, as the breakdowns read it)."""
        if dim is not None:
            by = self._panel_by(m, dim)
            if by is None:
                return None
            at = np.flatnonzero(by["present"][row])
            return pd.Series(by["values"][row][at], index=by["keys"].take(at))
        panel = self._panel(m, None)
        if panel is None:
            return None
        if "counts" in panel:
            return float(panel["counts"][row])
        values = panel["sorted"][panel["bounds"][row]:panel["bounds"][row + 1]]
        # a distinct count's values are codes, NaN for a missing value
        return total(values) if m.agg == "sum" else float(len(np.unique(values[~np.isnan(values)])))

    def values(self, m: Measure, df: pd.DataFrame, mask: pd.Series | slice) -> pd.Series:
        """The measure's expression over its rows (only the columns it reads are taken)."""
        if isinstance(m.expr, str):
            return df.loc[mask, m.expr]
        assert m.expr is not None  # a measure whose values are read has an expression
        whole = isinstance(mask, slice) and mask == slice(None) and df is self._tables.get(m.table)
        k = ("expr", m.table, id(m.expr))
        if whole and k in self._maps:  # several measures share an expression (the weighted pipeline's)
            return cast(pd.Series, self._maps[k])
        cols = [c for c in m.expr.fields + m.expr.optional if c in df.columns]
        out = m.expr.fn(df.loc[mask, cols], self)
        if whole:
            self._maps[k] = out
        return out

    def aggregate(self, m: Measure, p: Period, dim: str | None = None) -> float | pd.Series | None:
        """The measure's total (``dim`` None) or its Series by breakdown key (None: the rows do not
        carry that dimension)."""
        row = self._panel_row(m, p)
        if row is not None:
            return self._from_panel(m, row, dim)
        df, mask, w = self.select(m, p)
        keys = None
        if dim is not None:
            keys = self.dim_keys(m.table, df, dim)
            if keys is None:
                return None
            keys = keys[mask]
        if m.agg == "count":
            if w is None:
                if keys is None:
                    return float(mask.sum())
                counts = keys.value_counts(sort=False)
                return counts[counts > 0].astype("float64")
            vals = w
        else:
            vals = self.values(m, df, mask).astype("float64") if m.agg == "sum" else self.values(m, df, mask)
            if w is not None:
                vals = vals * w
        if m.agg == "nunique":
            return float(vals.nunique()) if keys is None else vals.groupby(keys, sort=False, observed=True).nunique().astype("float64")
        if keys is None:
            return total(vals.to_numpy(dtype="float64"))
        return _sum_by(vals.to_numpy(dtype="float64"), keys.cat.codes.to_numpy(), keys.cat.categories)

    # -- dimensions --------------------------------------------------------------------------------
    def dim_keys(self, table: str, df: pd.DataFrame, dim: str) -> pd.Series | None:
        """Breakdown key of each row of ``df`` (``(none)`` where it has no value), or None when the
        rows cannot carry ``dim``: own column, else team via rep → team table, else customer
        attributes via customer_id → customers table."""
        derived = table in SOURCES
        k = (table, dim)
        if not derived and k in self._dims:
            return self._dims[k]
        s = self._dim_values(table, df, dim)
        if s is not None:
            s = _as_keys(s)
        if not derived:
            self._dims[k] = s
        return s

    @staticmethod
    def _own_column(table: str, dim: str) -> str:
        """The column of ``table``'s own rows that holds ``dim`` (spend's source is its channel)."""
        return "channel" if table == "spend" and dim == "source" else dim

    def _dim_values(self, table: str, df: pd.DataFrame, dim: str) -> pd.Series | None:
        own = self._own_column(table, dim)
        if own in df.columns:
            return df[own]
        if dim in TEAM_DIMS and table != "team":
            # Team attributes flow to every table through the rep (a team named by its manager when
            # the team sheet has no team column: Maven's sales_teams).
            reps = self._dim_values(table, df, "rep")
            lookup = self._lookup("team", "rep", dim)
            if lookup is None and dim == "team":
                lookup = self._lookup("team", "rep", "manager")
            if reps is not None and lookup is not None:
                return reps.map(lookup)
            if dim == "team":
                return None
        if dim in CUSTOMER_DIMS and "customer_id" in df.columns:
            lookup = self._lookup("customers", "customer_id", dim)
            return None if lookup is None else df["customer_id"].map(lookup)
        return None

    def _lookup(self, table: str, key: str, value: str) -> pd.Series | None:
        """``key → value`` from a table (the last row with a value wins for repeated keys)."""
        k = (table, key, value)
        if k not in self._maps:
            df = self.table(table)
            if df is None or key not in df.columns or value not in df.columns:
                self._maps[k] = None
            else:
                pairs = df.loc[df[key].notna() & df[value].notna(), [key, value]].drop_duplicates(key, keep="last")
                # an object index, as the keys' own: a text index would copy them all into Arrow
                self._maps[k] = pd.Series(pairs[value].to_numpy(), index=pd.Index(pairs[key].to_numpy(), dtype=object))
        return self._maps[k]

    # -- metrics: totals ---------------------------------------------------------------------------
    def evaluate(self, ref: Ref, p: Period) -> Eval:
        metric = self.resolve(ref)
        k = (id(metric), p)
        if k not in self._evals:
            miss = self.missing(metric)
            self._evals[k] = _missing_eval(miss) if miss else self._evaluate(metric, p)
        return self._evals[k]

    def _evaluate(self, metric: Metric, p: Period) -> Eval:
        if isinstance(metric, Simple):
            value = self.aggregate(metric.measure, p)
            notes: tuple[Note, ...] = ()
            if metric.note is not None:
                df, mask, _ = self.select(metric.measure, p)
                notes = tuple(metric.note(df.loc[mask], self))
            return Eval(value, "ok", notes=notes)
        if isinstance(metric, Ratio):
            num, den = self.evaluate(metric.num, p), self.evaluate(metric.den, p)
            notes = num.notes + tuple(n for n in den.notes if n not in num.notes)
            if not den.ok or not num.ok:
                return _no_data(notes=notes)
            value = finite(metric.scale * num.value / den.value) if den.value else None
            if value is None:
                return _no_data(notes=notes)
            detail = self._ratio_detail(metric, p, den.value) if metric.detail else None
            return Eval(value, "ok", notes=notes, detail=detail)
        if isinstance(metric, Derived):
            return self._derived(metric, p)
        if isinstance(metric, Distribution):
            counts = self._distribution_counts(metric, p, None)
            return _share_eval(counts, metric.order)
        if isinstance(metric, Funnel):
            counts = self._funnel_counts(metric, p, None)
            value = _funnel_value(counts, metric.steps)
            return Eval(value, "ok") if value is not None else _no_data()
        if isinstance(metric, Variants):
            choice = self._choose(metric)
            assert choice is not None  # evaluated only when not missing: an option is usable
            chosen, note = choice
            e = self.evaluate(chosen, p)
            if note:
                e = Eval(e.value, e.status, e.missing, e.reason, (Note(note),) + e.notes, e.detail)
            return e
        raise TypeError(metric)

    def _ratio_detail(self, metric: Ratio, p: Period, den: float) -> dict[str, float | None]:
        """The numerator split by ``metric.detail`` (a field of its rows), over the total denominator."""
        num = self.resolve(metric.num)
        assert isinstance(num, Simple) and metric.detail is not None  # asked only for a ratio with a detail
        row = self._panel_row(num.measure, p)
        if row is not None and num.measure.agg == "count" and self._own_column(num.measure.table, metric.detail) == metric.detail:
            # the month's counts by the field, from the panel (whose keys are the field's own values)
            if metric.detail not in self._panel_rows(num.measure.table).columns:
                return {}
            counts = self._from_panel(num.measure, row, metric.detail)
            assert isinstance(counts, pd.Series)  # the field is a column of the rows: always a breakdown
        else:
            df, mask, _ = self.select(num.measure, p)
            if metric.detail not in df.columns:
                return {}
            counts = _as_keys(df.loc[mask, metric.detail]).value_counts()
        return {str(k): finite(metric.scale * v / den) for k, v in sorted(counts.items()) if v > 0}

    def _derived(self, metric: Derived, p: Period) -> Eval:
        values: dict[str, float | None] = {}
        notes: list[Note] = []
        missing: list[str] = []
        empty: list[str] = []
        for name, ref in metric.inputs.items():
            if isinstance(ref, Fallback):
                e = self.evaluate(ref.ref, p) if not self.missing(ref.ref) else None
                if e is None or not e.ok:
                    values[name] = ref.default
                    notes.append(Note(ref.note))
                    continue
            else:
                e = self.evaluate(ref, p)
                if e.status == "missing_input":
                    missing.extend(e.missing)
                    continue
            notes.extend(n for n in e.notes if n not in notes)
            values[name] = finite(e.value) if e.ok else None
            if values[name] is None:
                empty.append(ref if isinstance(ref, str) else name)
        if missing:
            return _missing_eval(missing)
        out = metric.fn(values, p)
        if isinstance(out, NoData):
            return _no_data(out.code, tuple(notes), **out.params)
        value = finite(out)
        if value is None:
            return _no_data("kpi_no_data_inputs", tuple(notes), what=", ".join(empty) or "—") if empty else _no_data(notes=tuple(notes))
        return Eval(value, "ok", notes=tuple(notes))

    def _distribution_counts(self, metric: Distribution, p: Period, dim: str | None) -> pd.Series | pd.DataFrame | None:
        """Rows per category of ``metric.field`` (a Series), or per (key, category) (a frame, keys as
        rows); categories and keys without rows may be listed with 0 (the callers keep counts > 0)."""
        df, mask, _ = self.select(metric.measure, p)
        table = metric.measure.table
        k = ("field keys", table, metric.field)
        if table in SOURCES:
            cats = _as_keys(df[metric.field])
        else:  # the whole column's keys once; each period takes its rows' codes
            if k not in self._maps:
                self._maps[k] = _as_keys(df[metric.field])
            cats = self._maps[k]
        at = mask.to_numpy(dtype=bool)
        codes = cats.cat.codes.to_numpy()[at].astype(np.int64)
        names = cats.cat.categories
        if dim is None:
            return pd.Series(np.bincount(codes, minlength=len(names)), index=names)
        keys = self.dim_keys(table, df, dim)
        if keys is None:
            return None
        rows = keys.cat.categories
        cell = keys.cat.codes.to_numpy()[at].astype(np.int64) * len(names) + codes
        matrix = np.bincount(cell, minlength=len(rows) * len(names)).reshape(len(rows), len(names))
        return pd.DataFrame(matrix, index=rows, columns=names)

    def _funnel_counts(self, metric: Funnel, p: Period, dim: str | None) -> pd.Series | pd.DataFrame | None:
        df, mask, _ = self.select(metric.measure, p)
        if metric.measure.table in SOURCES:
            reached = metric.reached(df.loc[mask], self).astype("int64")
        else:  # a row's steps do not depend on the period: found once over the table, then taken
            k = ("reached", id(metric))
            if k not in self._maps:
                self._maps[k] = metric.reached(df, self).astype("int64")
            reached = self._maps[k].loc[mask.to_numpy(dtype=bool)]
        if dim is None:
            return reached.sum()
        keys = self.dim_keys(metric.measure.table, df, dim)
        if keys is None:
            return None
        return reached.groupby(keys[mask], observed=True).sum()

    # -- metrics: breakdowns -----------------------------------------------------------------------
    # Internally a breakdown is :class:`Dense`: one value per key of the dimension's key space (the
    # keys met in any table, numbered once per evaluator). Aligning a numerator with a denominator,
    # or a derived metric's inputs, is then array arithmetic on positions, not an index union and a
    # reindex per pair of pandas Series (most of a catalogue's time on a small team's data).
    def breakdown(self, ref: Ref, p: Period, dim: str) -> pd.Series | dict[str, Any] | None:
        """Values by key of ``dim`` (a float Series, NaN = no data; a dict of dicts for
        distributions and funnels), or None when the metric's rows do not carry ``dim`` or its
        inputs are missing."""
        metric = self.resolve(ref)
        k = (id(metric), p, dim)
        if k not in self._public:
            b = self.dense(metric, p, dim)
            self._public[k] = b.series(self.space(dim)) if isinstance(b, Dense) else b
        return self._public[k]

    def breakdown_items(self, ref: Ref, p: Period, dim: str) -> list[tuple[str, Any]] | None:
        """``(key, value)`` pairs of :meth:`breakdown` (same keys, same values), without a Series."""
        b = self.dense(self.resolve(ref), p, dim)
        if isinstance(b, Dense):
            return b.items(self.space(dim))
        return None if b is None else list(b.items())

    def space(self, dim: str) -> "KeySpace":
        if dim not in self._spaces:
            self._spaces[dim] = KeySpace()
        return self._spaces[dim]

    def dense(self, metric: Metric, p: Period, dim: str) -> "Dense | dict[str, Any] | None":
        """The breakdown of :meth:`breakdown` as the evaluator keeps it (computed once)."""
        k = (id(metric), p, dim)
        if k not in self._bys:
            self._bys[k] = None if self.missing(metric) else self._breakdown(metric, p, dim)
        return cast("Dense | dict[str, Any] | None", self._bys[k])

    def _breakdown(self, metric: Metric, p: Period, dim: str) -> "Dense | dict[str, Any] | None":
        if isinstance(metric, Simple):
            return self._aggregate_dense(metric.measure, p, dim)
        if isinstance(metric, Ratio):
            aligned = self._aligned([metric.num, metric.den], p, dim)
            if aligned is None:
                return None
            (num, den), has = aligned
            with np.errstate(divide="ignore", invalid="ignore"):
                out = metric.scale * num / np.where(den != 0, den, np.nan)
            out[~np.isfinite(out)] = np.nan
            return Dense(out, has)
        if isinstance(metric, Derived):
            return self._derived_breakdown(metric, p, dim)
        if isinstance(metric, Distribution):
            table = self._distribution_counts(metric, p, dim)
            if table is None:
                return None
            return {str(key): _share_eval(row, metric.order).value for key, row in table.iterrows() if row.sum() > 0}
        if isinstance(metric, Funnel):
            table = self._funnel_counts(metric, p, dim)
            if table is None:
                return None
            return {str(key): _funnel_value(row, metric.steps) for key, row in table.iterrows()}
        if isinstance(metric, Variants):
            choice = self._choose(metric)
            assert choice is not None  # broken down only when not missing: an option is usable
            chosen, _ = choice
            return self.dense(self.resolve(chosen), p, dim)
        raise TypeError(metric)

    def _aggregate_dense(self, m: Measure, p: Period, dim: str) -> "Dense | None":
        """:meth:`aggregate` by ``dim`` as a :class:`Dense` (a prepared month of a count or a sum is
        read from a panel computed for every month at once)."""
        row = self._panel_row(m, p)
        if row is not None:
            panel = self._panel_by(m, dim)
            if panel is None:
                return None
            n = len(self.space(dim))
            values, has = np.full(n, np.nan), np.zeros(n, dtype=bool)
            present = panel["present"][row]
            at = panel["ids"][present]
            values[at] = panel["values"][row][present]
            has[at] = True
            return Dense(values, has)
        s = self.aggregate(m, p, dim)
        if s is None:
            return None
        assert isinstance(s, pd.Series)  # a breakdown by dim
        return Dense.of(s, self.space(dim))

    def _panel_by(self, m: Measure, dim: str) -> dict[str, Any] | None:
        """The measure by (month, key) for every prepared month at once: ``values`` and ``present``
        (the key has rows that month) of shape months x keys of the table, ``keys`` those keys
        (the table's categories) and ``ids`` their positions in the dimension's key space.

        A count is one bincount; a sum one :func:`~kpis.engine.sums.group_sums` over (month, key),
        whose sum of a group depends only on the group's values in row order: bit for bit what
        the month's own sum by key gives (a bincount of the values, or pandas' group-by, is not);
        a distinct count one group-by over (month, key)."""
        k = ("panel by", id(m), dim)
        if k in self._maps:
            return cast("dict[str, Any] | None", self._maps[k])
        if m.agg in ("sum", "nunique"):
            self._maps[k] = self._panel_grouped(m, dim)
            return cast("dict[str, Any] | None", self._maps[k])
        df = self._panel_rows(m.table)
        keys = self.dim_keys(m.table, df, dim)
        if keys is None:
            self._maps[k] = None
            return None
        rows, month = self._pairs(m)
        assert self._range is not None  # panels exist only for prepared months
        n_months = self._range[1] - self._range[0] + 1
        cats = keys.cat.categories
        n_keys = len(cats)
        cell = month.astype(np.int64) * n_keys + keys.cat.codes.to_numpy().astype(np.int64)[rows]
        counts = np.bincount(cell, minlength=n_months * n_keys).reshape(n_months, n_keys)
        out = {"values": counts.astype("float64"), "present": counts > 0, "keys": cats,
               "ids": self.space(dim).ids([str(c) for c in cats])}
        self._maps[k] = out
        return out

    def _panel_grouped(self, m: Measure, dim: str) -> dict[str, Any] | None:
        """:meth:`_panel_by` of a sum or a distinct count, from the month-sorted values of :meth:`_panel`."""
        panel = self._panel(m, dim)
        if panel is None:
            return None
        n_months, cats = panel["n"], panel["dtype"].categories
        n_keys = len(cats)
        month = np.repeat(np.arange(n_months, dtype=np.int64), np.diff(panel["bounds"]))
        cell = month * n_keys + panel["codes"]  # breakdown keys have no missing code: (none) is a key
        if m.agg == "sum":
            values, present, _ = group_sums(panel["sorted"], cell, n_months * n_keys)
        else:
            distinct = pd.Series(panel["sorted"]).groupby(cell, sort=False).nunique()
            values = np.zeros(n_months * n_keys)
            values[distinct.index.to_numpy()] = distinct.to_numpy(dtype="float64")
            present = np.bincount(cell, minlength=n_months * n_keys) > 0
        return {"values": values.reshape(n_months, n_keys), "present": present.reshape(n_months, n_keys), "keys": cats,
                "ids": self.space(dim).ids([str(c) for c in cats])}

    def _aligned(self, refs: list[Ref], p: Period, dim: str) -> tuple[list[np.ndarray], np.ndarray] | None:
        """Breakdowns of several metrics on the union of their keys (values, and the union as a
        mask); a sum/count is 0 where a key has no rows, any other metric has no value there (NaN).
        None when one of them cannot be broken down by ``dim``."""
        parts = [self.dense(self.resolve(r), p, dim) for r in refs]  # sums, ratios, derived
        if any(b is None for b in parts):
            return None
        n = len(self.space(dim))
        has = np.zeros(n, dtype=bool)
        grown = [cast("Dense", b).grown(n) for b in parts]
        for b in grown:
            has |= b.has
        out = []
        for r, b in zip(refs, grown):
            fill = 0.0 if isinstance(self.resolve(r), Simple) else np.nan
            out.append(np.where(b.has, b.values, np.where(has, fill, np.nan)))
        return out, has

    def _derived_breakdown(self, metric: Derived, p: Period, dim: str) -> "Dense | None":
        names, refs, defaults = [], [], {}
        for name, ref in metric.inputs.items():
            if isinstance(ref, Fallback):
                defaults[name] = ref.default
                if self.missing(ref.ref) or self.dense(self.resolve(ref.ref), p, dim) is None:
                    continue
                ref = ref.ref
            names.append(name)
            refs.append(ref)
        aligned = self._aligned(refs, p, dim)
        if aligned is None:
            return None
        columns, has = aligned
        out = np.full(len(has), np.nan)
        for i in np.flatnonzero(has).tolist():  # one step per breakdown key (reps, products…), not per row
            vals = {n: finite(col[i]) for n, col in zip(names, columns)}
            for n, d in defaults.items():
                if vals.get(n) is None:
                    vals[n] = d
            r = metric.fn(vals, p)
            f = None if isinstance(r, NoData) else finite(r)
            out[i] = np.nan if f is None else f
        return Dense(out, has)


class KeySpace:
    """The keys of one dimension met so far, in every table of an evaluator: key text -> position.
    Append-only, so a position once given stays valid for every :class:`Dense` made before."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._pos: dict[str, int] = {}
        self._array: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def ids(self, keys: list[str]) -> np.ndarray:
        out = np.empty(len(keys), dtype=np.int64)
        for i, key in enumerate(keys):
            j = self._pos.get(key)
            if j is None:
                j = self._pos[key] = len(self.keys)
                self.keys.append(key)
            out[i] = j
        return out

    def array(self) -> np.ndarray:
        """The keys as an object array (made again only when keys were added since)."""
        if self._array is None or len(self._array) != len(self.keys):
            self._array = np.array(self.keys, dtype=object)
        return self._array


@dataclass
class Dense:
    """A breakdown over a :class:`KeySpace`: ``values`` (NaN: no value) of the keys where ``has``.
    Shorter than the space when keys were added after it was made (those keys: not in it)."""

    values: np.ndarray
    has: np.ndarray

    @classmethod
    def of(cls, s: pd.Series, space: KeySpace) -> "Dense":
        ids = space.ids([str(k) for k in s.index])
        n = len(space)
        values, has = np.full(n, np.nan), np.zeros(n, dtype=bool)
        values[ids] = s.to_numpy(dtype="float64")
        has[ids] = True
        return cls(values, has)

    def grown(self, n: int) -> "Dense":
        if len(self.has) >= n:
            return self
        extra = n - len(self.has)
        return Dense(np.concatenate([self.values, np.full(extra, np.nan)]),
                     np.concatenate([self.has, np.zeros(extra, dtype=bool)]))

    def items(self, space: KeySpace) -> list[tuple[str, Any]]:
        at = np.flatnonzero(self.has)
        return list(zip(space.array()[at].tolist(), self.values[at].tolist()))

    def series(self, space: KeySpace) -> pd.Series:
        at = np.flatnonzero(self.has)
        return pd.Series(self.values[at], index=pd.Index(space.array()[at], dtype=object), dtype="float64")


def _sum_by(values: np.ndarray, codes: np.ndarray, categories: pd.Index) -> pd.Series:
    """Σ ``values`` by key (:func:`~kpis.engine.sums.group_sums`): the keys that have rows, in order
    of appearance, as a group-by's."""
    sums, present, first = group_sums(values, codes, len(categories))
    at = np.flatnonzero(present)
    at = at[np.argsort(first[at], kind="stable")]
    return pd.Series(sums[at], index=categories.take(at), dtype="float64")


def _as_keys(s: pd.Series) -> pd.Series:
    """Breakdown keys as a categorical of strings, ``(none)`` for missing values (categorical: a
    million-row group-by works on integer codes)."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = as_category(s)
    if not pd.api.types.is_string_dtype(s.cat.categories) or s.cat.categories.dtype == object:
        s = s.cat.rename_categories([str(c) for c in s.cat.categories])
    if s.isna().any():
        if NONE_KEY not in s.cat.categories:
            s = s.cat.add_categories([NONE_KEY])
        s = s.fillna(NONE_KEY)
    return s


def _share_eval(counts: pd.Series, order: tuple[str, ...]) -> Eval:
    """Shares of the categories that have rows, in ``order`` then by count; no data when none."""
    counts = counts[counts > 0]
    total = float(counts.sum())
    if total <= 0:
        return _no_data()
    keys = sorted(counts.index, key=lambda k: (order.index(k) if k in order else len(order), k == NONE_KEY, -counts[k], k))
    value = {str(k): float(counts[k]) / total for k in keys}
    return Eval(value, "ok", detail={"counts": {str(k): int(counts[k]) for k in keys}, "total": int(total)})


def _funnel_value(counts: pd.Series, steps: tuple[str, ...]) -> dict[str, dict[str, Any]] | None:
    first = float(counts[steps[0]])
    if first <= 0:
        return None
    out, prev = {}, None
    for s in steps:
        c = float(counts[s])
        out[s] = {
            "count": int(c),
            "rate": None if prev is None else (c / prev if prev else None),
            "share": c / first,
        }
        prev = c
    return out


def metric_inputs(metric: Metric) -> list[str]:
    """Required ``table.field`` inputs of a metric (first option of a Variants), deduplicated."""
    from .registry import REGISTRY

    def walk(m: Any) -> list[str]:
        if isinstance(m, str):
            return walk(REGISTRY[m].metric)
        if isinstance(m, Fallback):
            return []
        if isinstance(m, Simple):
            return _measure_inputs(m.measure)
        if isinstance(m, Ratio):
            return walk(m.num) + walk(m.den)
        if isinstance(m, Derived):
            return [x for r in m.inputs.values() for x in walk(r)]
        if isinstance(m, Distribution):
            return _measure_inputs(m.measure) + [f"{m.measure.table}.{m.field}"]
        if isinstance(m, Funnel):
            return _measure_inputs(m.measure) + [" / ".join(f"{m.measure.table}.{f}" for f in m.step_fields)]
        if isinstance(m, Variants):
            return walk(m.options[0][0])
        raise TypeError(m)

    return list(dict.fromkeys(walk(metric)))


def _measure_inputs(m: Measure) -> list[str]:
    if m.table in SOURCES:
        return list(SOURCES[m.table].needs)
    return [f"{m.table}.{f}" for f in m.fields] + [" / ".join(f"{m.table}.{f}" for f in g) for g in m.any_of]


def _conform(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Coerce the columns of a canonical table to their schema dtypes (no copy when already right).

    Closed-vocabulary columns (status, activity type, outcome…) become ``category``: comparing a
    million activity types with ``"call"`` then compares small integer codes (hundreds of times
    faster than comparing strings)."""
    spec = TABLES.get(name)
    if spec is None:
        return df
    changes: dict[str, pd.Series] = {}
    for f in spec.fields + DERIVED.get(name, ()):
        if f.name not in df.columns:
            continue
        s = df[f.name]
        if f.kind in ("date", "datetime", "month"):
            t = s
            if not pd.api.types.is_datetime64_any_dtype(t):
                t = pd.to_datetime(t, errors="coerce", format="mixed")
            if getattr(t.dt, "tz", None) is not None:
                t = t.dt.tz_localize(None)
            if f.kind != "datetime" and not at_midnight(t):
                t = t.dt.normalize()
            if t is not s:
                changes[f.name] = t
        elif f.kind in ("money", "number", "rate") and s.dtype != "float64":
            changes[f.name] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif f.kind == "category" and not isinstance(s.dtype, pd.CategoricalDtype):
            changes[f.name] = as_category(s)
    return df.assign(**changes) if changes else df


# Breakdowns the team sheet carries for every table through the rep.
TEAM_DIMS = ("team", "location")


def metric_tables(metric: Metric | str | Fallback) -> set[str]:
    """Every table a metric may read (all options of a Variants, optional tables of sources): what
    the reader must load for it."""
    from .registry import REGISTRY

    if isinstance(metric, str):
        metric = REGISTRY[metric].metric
    if isinstance(metric, Fallback):
        return metric_tables(metric.ref)
    if isinstance(metric, (Simple, Distribution, Funnel)):
        t = metric.measure.table
        return set(SOURCES[t].tables) if t in SOURCES else {t}
    if isinstance(metric, Ratio):
        return metric_tables(metric.num) | metric_tables(metric.den)
    if isinstance(metric, Derived):
        return set().union(*(metric_tables(r) for r in metric.inputs.values()))
    if isinstance(metric, Variants):
        return set().union(*(metric_tables(m) for m, _ in metric.options))
    raise TypeError(metric)


def tables_needed(kpi_ids: list[str], dims: tuple[str, ...] = ()) -> set[str]:
    """Tables to read for these KPIs and breakdowns (team → team table; customer attributes →
    customers table, joined on customer_id)."""
    from .registry import REGISTRY

    out: set[str] = set()
    for k in kpi_ids:
        out |= metric_tables(REGISTRY[k].metric)
        target = REGISTRY[k].target
        if target is not None:
            out |= metric_tables(target)
    if set(dims) & set(TEAM_DIMS):
        out.add("team")
    if set(dims) & set(CUSTOMER_DIMS):
        out.add("customers")
    return out
