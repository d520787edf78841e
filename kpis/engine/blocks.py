"""The vocabulary the KPI declarations are written in: row filters, time windows, row expressions.

Each builder returns a declaration (:class:`Filter`, :class:`Window`, :class:`Expr`) naming the
columns it reads, so that missing inputs are found without running anything. Every function is
vectorised: a mask or a column over the whole table, never a loop over rows.

Time conventions of ``kpis.md``: periods are inclusive calendar dates and a date-time counts by its
date (:meth:`Period.contains`); date fields are normalised to midnight by the evaluator.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Callable

import numpy as np
import pandas as pd

from ..periods import Period, add_months
from .model import Expr, Filter, Window
from .months import FAR, month_number, month_numbers, span

if TYPE_CHECKING:
    from .evaluate import Evaluator
from .words import matches_any, stage_probabilities


def _b(s: pd.Series) -> pd.Series:
    """A clean bool Series (missing → False), whatever the comparison's dtype."""
    return s.fillna(False).astype(bool) if s.dtype != bool else s


def _nb(s: pd.Series) -> np.ndarray:
    return np.asarray(_b(s).to_numpy(dtype=bool))


# -- filters ---------------------------------------------------------------------------------------
def eq(col: str, value: str) -> Filter:
    return Filter(f"{col}={value}", (col,), lambda df, ev: _b(df[col].eq(value)))


def isin(col: str, values: tuple[str, ...]) -> Filter:
    return Filter(f"{col} in {values}", (col,), lambda df, ev: _b(df[col].isin(values)))


def notna(*cols: str) -> Filter:
    def fn(df: pd.DataFrame, ev: Evaluator) -> pd.Series:
        m = df[cols[0]].notna()
        for c in cols[1:]:
            m &= df[c].notna()
        return _b(m)

    return Filter(f"notna{cols}", cols, fn)


def positive(col: str) -> Filter:
    """A usable divisor: present and > 0."""
    return Filter(f"{col}>0", (col,), lambda df, ev: _b(df[col].gt(0)))


def between(col: str, lo: float, hi: float) -> Filter:
    return Filter(f"{lo}<={col}<={hi}", (col,), lambda df, ev: _b(df[col].between(lo, hi)))


def nonneg(expr: Expr) -> Filter:
    """Rows whose expression is present and ≥ 0 (a negative duration is a data error: left out)."""
    return Filter(f"{expr.key}>=0", expr.fields, lambda df, ev: _b(expr.fn(df, ev).ge(0)))


def referral() -> Filter:
    """Customers whose source is one of the configured referral words."""
    return Filter("source~referral", ("source",), lambda df, ev: matches_any(df["source"], ev.config.referral_sources))


# -- expressions -----------------------------------------------------------------------------------
def days_between(start: str, end: str) -> Expr:
    """Whole days from ``start`` to ``end`` (date-times taken by their date)."""
    return Expr(
        f"days({start},{end})",
        (start, end),
        lambda df, ev: (df[end].dt.normalize() - df[start].dt.normalize()).dt.days.astype("float64"),
    )


def hours_between(start: str, end: str) -> Expr:
    return Expr(
        f"hours({start},{end})",
        (start, end),
        lambda df, ev: (df[end] - df[start]).dt.total_seconds().astype("float64") / 3600.0,
    )


def expr(key: str, fields: tuple[str, ...], fn: Callable[[pd.DataFrame, Evaluator], pd.Series]) -> Expr:
    return Expr(key, fields, fn)


def win_probability(df: pd.DataFrame, ev: Evaluator) -> pd.Series:
    """The deal's probability if given, else its stage's (configuration, then defaults), else NaN."""
    p = df["probability"].astype("float64") if ev.available("deals", "probability") else pd.Series(np.nan, index=df.index)
    if ev.available("deals", "stage"):
        p = p.fillna(stage_probabilities(df["stage"], ev.config.stage_probability))
    return p.clip(0.0, 1.0)


WEIGHTED_AMOUNT = Expr(
    "amount*probability",
    ("amount",),
    lambda df, ev: df["amount"] * win_probability(df, ev).fillna(0.0),
    optional=("probability", "stage"),
)


# -- windows ---------------------------------------------------------------------------------------
# Each window with a month form (``months``) gives, per row, the months [lo, hi] that select it: the
# same rows as ``fn`` for every calendar month, computed once (tests/engine/test_one_pass.py checks).
def during(col: str) -> Window:
    """The row's ``col`` falls in P (inclusive, by date). Month form: the row's month."""

    def months(df: pd.DataFrame, ev: Evaluator) -> tuple[np.ndarray, np.ndarray]:
        m, ok = month_numbers(df[col])
        return span(m, m, ok)

    return Window(f"in({col})", (col,), lambda df, p, ev: _b(p.contains(df[col])), months)


def on_or_before_end(col: str) -> Window:
    def months(df: pd.DataFrame, ev: Evaluator) -> tuple[np.ndarray, np.ndarray]:
        m, ok = month_numbers(df[col])
        return span(m, np.full(len(m), FAR), ok)

    return Window(f"<=end({col})", (col,), lambda df, p, ev: _b(df[col] < p.end_exclusive_ts), months)


def open_at(df: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Deals open at the end of ``day``: created on or before it and not won/lost by then (open now,
    or won/lost with a close_date after it). A closed deal without a close date counts as closed."""
    created = df["created_date"] <= day
    still_open = df["status"].eq("open") | (df["status"].isin(("won", "lost")) & (df["close_date"] > day))
    return _b(created & still_open)


OPEN_FIELDS = ("created_date", "status", "close_date")


def _open_months(df: pd.DataFrame, ev: Evaluator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Month form of :func:`open_at` at each month's end: from the month created to the month
    before the close (open ones: for ever)."""
    created, c_ok = month_numbers(df["created_date"])
    close, e_ok = month_numbers(df["close_date"])
    is_open = _nb(df["status"].eq("open"))
    closed = _nb(df["status"].isin(("won", "lost"))) & e_ok
    return span(created, np.where(is_open, FAR, close - 1), c_ok & (is_open | closed))


OPEN_AT_END = Window("open@end", OPEN_FIELDS, lambda df, p, ev: open_at(df, p.end_ts), _open_months)


def open_at_end_closing_in_next() -> Window:
    """Open at P.end with expected_close_date in the next period (pipeline coverage)."""

    def fn(df: pd.DataFrame, p: Period, ev: Evaluator) -> pd.Series:
        return open_at(df, p.end_ts) & _b(p.next().contains(df["expected_close_date"]))

    def months(df: pd.DataFrame, ev: Evaluator) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = _open_months(df)
        before, ok = month_numbers(df["expected_close_date"])
        before = before - 1  # the month whose next month holds the expected close
        return span(before, before, ok & (lo <= before) & (before <= hi))

    return Window("open@end&exp in next", OPEN_FIELDS + ("expected_close_date",), fn, months)


def worked() -> Window:
    """Opportunities worked in P: created on or before P.end and not closed before P.start."""

    def fn(df: pd.DataFrame, p: Period, ev: Evaluator) -> pd.Series:
        not_closed_before = df["status"].eq("open") | (df["close_date"] >= p.start_ts)
        return _b((df["created_date"] <= p.end_ts) & not_closed_before)

    def months(df: pd.DataFrame, ev: Evaluator) -> tuple[np.ndarray, np.ndarray]:
        created, c_ok = month_numbers(df["created_date"])
        close, e_ok = month_numbers(df["close_date"])
        is_open = _nb(df["status"].eq("open"))
        return span(created, np.where(is_open, FAR, close), c_ok & (is_open | e_ok))

    return Window("worked", OPEN_FIELDS, fn, months)


def trailing_year(col: str) -> Window:
    """``col`` in the 12 months ending P.end: (P.end − 12 months, P.end]. Month form: the row's
    month and the 11 after -- and a 12th for a 29 February, which the window of the next February
    (a year after a leap day: from 29 February) still holds."""

    def fn(df: pd.DataFrame, p: Period, ev: Evaluator) -> pd.Series:
        start = pd.Timestamp(add_months(p.end, -12) + timedelta(days=1))
        return _b((df[col] >= start) & (df[col] < p.end_exclusive_ts))

    def months(df: pd.DataFrame, ev: Evaluator) -> tuple[np.ndarray, np.ndarray]:
        m, ok = month_numbers(df[col])
        leap_day = _nb((df[col].dt.month == 2) & (df[col].dt.day == 29))
        return span(m, m + 11 + leap_day, ok)

    return Window(f"12m({col})", (col,), fn, months)


def as_of_split(p: Period, ev: Evaluator) -> tuple[pd.Timestamp | None, pd.Timestamp]:
    """For the forecast: the last day already known in P (None if P is all future) and the day from
    which P is still to come."""
    as_of = pd.Timestamp(ev.as_of)
    if as_of < p.start_ts:
        return None, p.start_ts
    known = min(as_of, p.end_ts)
    return known, known + pd.Timedelta(days=1)


def _ns(s: pd.Series) -> np.ndarray:
    return np.asarray(s.to_numpy(dtype="datetime64[ns]"))


def closed_so_far() -> Window:
    def fn(df: pd.DataFrame, p: Period, ev: Evaluator) -> pd.Series:
        known, _ = as_of_split(p, ev)
        if known is None:
            return pd.Series(False, index=df.index)
        return _b((df["close_date"] >= p.start_ts) & (df["close_date"] <= known))

    def months(df: pd.DataFrame, ev: Evaluator) -> tuple[np.ndarray, np.ndarray]:
        # months before the data's month: the whole month; its month: up to the data date
        a = month_number(ev.as_of)
        m, ok = month_numbers(df["close_date"])
        by_then = _ns(df["close_date"]) <= np.datetime64(pd.Timestamp(ev.as_of).to_datetime64(), "ns")
        return span(m, m, ok & ((m < a) | ((m == a) & by_then)))

    return Window("closed<=as_of", ("close_date",), fn, months)


def open_closing_in_rest() -> Window:
    """Open at the data date, expected to close in the rest of P."""

    def fn(df: pd.DataFrame, p: Period, ev: Evaluator) -> pd.Series:
        known, rest = as_of_split(p, ev)
        if rest > p.end_ts:
            return pd.Series(False, index=df.index)
        at = known if known is not None else pd.Timestamp(ev.as_of)
        exp = df["expected_close_date"]
        return open_at(df, at) & _b((exp >= rest) & (exp <= p.end_ts))

    def months(df: pd.DataFrame, ev: Evaluator) -> tuple[np.ndarray, np.ndarray]:
        # open at the data date and expected in a later month, or later in the data's month
        a = month_number(ev.as_of)
        m, ok = month_numbers(df["expected_close_date"])
        after = _ns(df["expected_close_date"]) >= (pd.Timestamp(ev.as_of) + pd.Timedelta(days=1)).to_datetime64()
        keep = ok & _nb(open_at(df, pd.Timestamp(ev.as_of))) & ((m > a) | ((m == a) & after))
        return span(m, m, keep)

    return Window("open@as_of&exp in rest", OPEN_FIELDS + ("expected_close_date",), fn, months)


# Customers (kpis.md, "Customers and recurring revenue"). Without an end_date column nobody has left:
# the counts still work, churn and retention (which need it) are missing_input.
def _end(df: pd.DataFrame) -> pd.Series:
    return df["end_date"] if "end_date" in df.columns else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")


def _at_start(df: pd.DataFrame, p: Period, ev: Evaluator) -> pd.Series:
    end = _end(df)
    return _b((df["start_date"] < p.start_ts) & (end.isna() | (end >= p.start_ts)))


def _customer_months(first: int, last: int) -> Callable[[pd.DataFrame, Evaluator], tuple[np.ndarray, np.ndarray]]:
    """Month form of the customer windows: from the start month (+ ``first``) to the end month
    (+ ``last``; no end date: for ever)."""

    def months(df: pd.DataFrame, ev: Evaluator) -> tuple[np.ndarray, np.ndarray]:
        start, s_ok = month_numbers(df["start_date"])
        end, e_ok = month_numbers(_end(df))
        return span(start + first, np.where(e_ok, end + last, FAR), s_ok)

    return months


def _churned_months(df: pd.DataFrame, ev: Evaluator) -> tuple[np.ndarray, np.ndarray]:
    start, s_ok = month_numbers(df["start_date"])
    end, e_ok = month_numbers(df["end_date"])
    return span(end, end, s_ok & e_ok & (start < end))


AT_START = Window("cust@start", ("start_date",), _at_start, _customer_months(1, 0))
ACTIVE_AT_END = Window(
    "cust@end", ("start_date",),
    lambda df, p, ev: _b((df["start_date"] <= p.end_ts) & (_end(df).isna() | (_end(df) > p.end_ts))),
    _customer_months(0, -1),
)
CHURNED = Window(
    "cust churned", ("start_date", "end_date"),
    lambda df, p, ev: _at_start(df, p, ev) & _b(p.contains(df["end_date"])),
    _churned_months,
)
RETAINED = Window(
    "cust retained", ("start_date", "end_date"),
    lambda df, p, ev: _at_start(df, p, ev) & _b(df["end_date"].isna() | (df["end_date"] > p.end_ts)),
    _customer_months(1, -1),
)


def month_overlap(col: str) -> Window:
    """Monthly rows (spend): the share of the row's month that P covers -- 1 for the months of a
    month/quarter/year, a fraction for a month cut by a custom range, 0 outside."""

    def fn(df: pd.DataFrame, p: Period, ev: Evaluator) -> pd.Series:
        m_start = df[col].dt.to_period("M").dt.start_time.dt.normalize()
        m_end = m_start + pd.offsets.MonthEnd(0)
        lo = m_start.where(m_start > p.start_ts, p.start_ts)
        hi = m_end.where(m_end < p.end_ts, p.end_ts)
        days = ((hi - lo).dt.days + 1).clip(lower=0)
        return (days / m_end.dt.day).fillna(0.0).astype("float64")

    # a calendar month covers its own month's rows whole (weight 1) and no other row's: the month
    # form of "the row's date falls in P"
    return Window(f"month({col})", (col,), fn, during(col).months)


def headcount_mean() -> Window:
    """Weight ½ for being employed at P.start and ½ for being employed at P.end, so that the count of
    team rows is the mean of the two headcounts. Employed on day d: hired on or before d (a missing
    hire date: always) and leave_date empty, ≥ P.start (at the start) or > P.end (at the end)."""

    def fn(df: pd.DataFrame, p: Period, ev: Evaluator) -> pd.Series:
        hire = df["hire_date"] if "hire_date" in df.columns else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
        leave = df["leave_date"]
        at_start = (hire.isna() | (hire <= p.start_ts)) & (leave.isna() | (leave >= p.start_ts))
        at_end = (hire.isna() | (hire <= p.end_ts)) & (leave.isna() | (leave > p.end_ts))
        return 0.5 * _b(at_start).astype("float64") + 0.5 * _b(at_end).astype("float64")

    return Window("headcount", ("leave_date",), fn)
