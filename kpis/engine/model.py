"""The metrics layer: measures, time windows, metric types and the KPI declaration.

In the manner of dbt MetricFlow, a KPI is *declared*, not coded:

* a :class:`Measure` is an aggregation (``count``, ``sum``, ``nunique``) of an expression over the
  rows of one table that pass a row filter (``where``) and a time window (``window``);
* a metric is :class:`Simple` (one measure), :class:`Ratio` (numerator metric / denominator metric:
  the breakdown of a ratio is the ratio of the breakdown's sums, by construction), :class:`Derived`
  (an expression of other metrics, evaluated on totals and on each breakdown key alike),
  :class:`Distribution` (shares of a count per category), :class:`Funnel` (a conversion chain) or
  :class:`Variants` (the first of several definitions whose inputs the workbook has, e.g. ARPA from
  MRR, else from revenue);
* a :class:`KpiDef` gives a metric its id, names, unit, direction and formula text in both languages.

Every input a measure reads is declared (``table.field``), so a KPI whose input the workbook lacks is
reported as ``missing_input`` naming it, automatically. Nothing here computes anything: the
:mod:`kpis.engine.evaluate` module walks these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Union

from ..errors import Note as Note  # the one "code + params" shape, kept importable from here

if TYPE_CHECKING:  # keep this module import-light: the registry is imported by the config loader
    import numpy as np
    import pandas as pd

    from ..periods import Period
    from .evaluate import Evaluator

Unit = Literal[
    "ratio", "money", "count", "days", "hours", "months", "score", "number", "distribution", "money_per_day"
]
Direction = Literal["higher", "lower", "none"]
Agg = Literal["count", "sum", "nunique"]

UNITS: tuple[str, ...] = (
    "ratio", "money", "count", "days", "hours", "months", "score", "number", "distribution", "money_per_day"
)
# Units whose change between two periods is a difference (percentage points, NPS points); the others
# change relatively (+12 %), distributions do not change as one number.
POINT_UNITS = frozenset({"ratio", "score"})


# -- row selection ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Filter:
    """A period-independent row filter: ``fn(frame, ev) -> bool Series``.

    ``key`` identifies it in the evaluator's mask cache (same key = same mask); ``fields`` are the
    columns it reads (all required).
    """

    key: str
    fields: tuple[str, ...]
    fn: Callable[["pd.DataFrame", "Evaluator"], "pd.Series"]

    def __and__(self, other: "Filter") -> "Filter":
        a, b = self, other
        return Filter(f"({a.key})&({b.key})", _union(a.fields, b.fields), lambda df, ev: a.fn(df, ev) & b.fn(df, ev))


@dataclass(frozen=True)
class Window:
    """Which rows a period selects: ``fn(frame, period, ev) -> bool Series`` (or float weights in
    [0, 1] for monthly tables cut by a custom period). ``fields`` are the columns it reads.

    ``months`` (optional) is the same window for every calendar month at once: ``months(frame, ev)
    -> (lo, hi)``, two int64 arrays of month numbers (:func:`kpis.engine.months.month_number`) such
    that a row is selected for month ``m`` exactly when ``lo <= m <= hi`` (``lo > hi``: never). It
    lets the evaluator compute a 13-month trend in one pass; a test checks it against ``fn``."""

    key: str
    fields: tuple[str, ...]
    fn: Callable[["pd.DataFrame", "Period", "Evaluator"], "pd.Series"]
    months: Callable[["pd.DataFrame", "Evaluator"], "tuple[np.ndarray, np.ndarray]"] | None = None


@dataclass(frozen=True)
class Expr:
    """A row expression: ``fn(frame, ev) -> Series`` reading ``fields`` (plus ``optional`` ones it
    checks for itself)."""

    key: str
    fields: tuple[str, ...]
    fn: Callable[["pd.DataFrame", "Evaluator"], "pd.Series"]
    optional: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Measure:
    """An aggregation of ``expr`` (a column name, an :class:`Expr`, or rows for ``count``) over
    ``table`` rows passing ``where`` and ``window``.

    ``table`` is a canonical table, or the name of a derived source (see :mod:`kpis.engine.sources`)
    whose frame is already restricted to the period (then ``window`` is None).
    ``any_of``: groups of fields of which at least one must be present (e.g. customer_id or account).
    """

    table: str
    agg: Agg = "count"
    expr: str | Expr | None = None
    where: Filter | None = None
    window: Window | None = None
    any_of: tuple[tuple[str, ...], ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Required columns of ``table``."""
        out: tuple[str, ...] = ()
        if isinstance(self.expr, str):
            out = (self.expr,)
        elif isinstance(self.expr, Expr):
            out = self.expr.fields
        if self.where is not None:
            out = _union(out, self.where.fields)
        if self.window is not None:
            out = _union(out, self.window.fields)
        return out


# -- metric types ----------------------------------------------------------------------------------
NoteFn = Callable[["pd.DataFrame", "Evaluator"], "list[Note]"]


@dataclass(frozen=True, eq=False)
class Simple:
    """One measure. ``note`` may inspect the selected rows and return notes (e.g. deals counted
    without a probability)."""

    measure: Measure
    note: NoteFn | None = None


@dataclass(frozen=True, eq=False)
class Ratio:
    """``scale × num / den``; a zero (or empty) denominator gives no data. ``detail``: a field of the
    numerator's rows by which the ratio is also given against the *total* denominator (touches per
    won deal, per activity type)."""

    num: "Ref"
    den: "Ref"
    scale: float = 1.0
    detail: str | None = None


class NoData:
    """Returned by a :class:`Derived` expression: no value, for the reason given."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Fallback:
    """An input of a derived metric that takes ``default`` (with ``note``) when it has no value or
    its inputs are missing -- e.g. margin_rate = 1 in CLV when no deal has a cost."""

    ref: "Ref"
    default: float
    note: str


DerivedFn = Callable[[Mapping[str, "float | None"], "Period"], "float | None | NoData"]


@dataclass(frozen=True, eq=False)
class Derived:
    """``fn(values, period)`` of other metrics (``inputs``: name → KPI id, metric or Fallback),
    applied to the totals and to each breakdown key."""

    inputs: Mapping[str, "Ref | Fallback"]
    fn: DerivedFn


@dataclass(frozen=True, eq=False)
class Distribution:
    """Share of ``measure``'s count per value of ``field`` (missing values under ``(none)``)."""

    measure: Measure
    field: str
    order: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Funnel:
    """Conversion chain over ``measure``'s rows: for each step, the rows that reached it (``reached``
    gives one bool column per step, in order, each row's from that row alone: the evaluator finds
    them once for the whole table and takes each period's rows)."""

    measure: Measure
    steps: tuple[str, ...]
    reached: Callable[["pd.DataFrame", "Evaluator"], "pd.DataFrame"]
    step_fields: tuple[str, ...] = ()  # at least one must be present


@dataclass(frozen=True, eq=False)
class Variants:
    """The first option whose inputs are all present; each option may carry a note code saying which
    definition was used. When none is usable, the first option's missing inputs are reported."""

    options: tuple[tuple["Metric", str | None], ...]


Metric = Union[Simple, Ratio, Derived, Distribution, Funnel, Variants]
Ref = Union[str, Metric]  # a KPI id of the registry, or an inline (unnamed) metric


# -- the KPI declaration ---------------------------------------------------------------------------
SECTIONS: dict[str, tuple[str, str]] = {
    "deals": ("Affaires et chiffre d'affaires", "Deals and revenue"),
    "pipeline": ("Pipeline", "Pipeline"),
    "activities": ("Activités", "Activities"),
    "leads": ("Prospects et entonnoir", "Leads and funnel"),
    "customers": ("Clients et revenu récurrent", "Customers and recurring revenue"),
    "acquisition": ("Coût d'acquisition et retour", "Acquisition cost and return"),
    "team": ("Équipe", "Team"),
}


@dataclass(frozen=True, eq=False)
class KpiDef:
    """One KPI of ``kpis.md``: identity, words in both languages, and its metric."""

    id: str
    section: str
    name_fr: str
    name_en: str
    unit: Unit
    direction: Direction
    metric: Metric
    formula_fr: str
    formula_en: str
    description_fr: str = ""
    description_en: str = ""
    # The value to compare with when the data holds one (revenue: Σ quotas of the period); a
    # ``[targets]`` entry of the configuration takes precedence.
    target: Metric | None = None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fr

    def formula(self, lang: str) -> str:
        """The formula as users read it: ids written in it (``deals_won``, ``close_date``) become words."""
        from ..vocab import plain_words

        return plain_words(self.formula_en if lang == "en" else self.formula_fr, lang)

    def description(self, lang: str) -> str:
        from ..vocab import plain_words

        return plain_words(self.description_en if lang == "en" else self.description_fr, lang)

    @property
    def kind(self) -> str:
        """The metric type, as the catalogue shows it (simple, ratio, derived…)."""
        return metric_kind(self.metric)


def metric_kind(metric: Metric) -> str:
    if isinstance(metric, Variants):
        return " / ".join(metric_kind(m) for m, _ in metric.options)
    return type(metric).__name__.lower()


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return a + tuple(x for x in b if x not in a)
