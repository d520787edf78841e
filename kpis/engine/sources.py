"""Derived sources: frames built from several canonical tables for one period.

Some KPIs aggregate rows that no single table holds: credited revenue (deals × splits), prorated
quotas (targets × team), activities on the deals won in P, activities on the customers active in P.
Each source is declared with the inputs it reads (so ``missing_input`` stays automatic) and a pure
``build(ev, period) -> DataFrame`` already restricted to the period; measures then aggregate its
rows like any table's, and break them down by the columns it carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, cast

import numpy as np
import pandas as pd

from ..credit import QuotaRows, credit_lines, credited_by_rep
from ..periods import Period
from .blocks import ACTIVE_AT_END, during
from .months import month_numbers, month_of

if TYPE_CHECKING:
    from .evaluate import Evaluator

# Breakdown columns a deal or a customer passes on to the rows built from it.
DEAL_DIMS = ("rep", "product", "location", "source", "deal_type", "customer_id")
CUSTOMER_DIMS = ("customer_id", "rep", "segment", "location", "source")


# The month form of a source: its rows for every month of ``[first, last]`` (month numbers) at once,
# and the month of each row (0 = ``first``). Each row is in exactly one month, and a month's rows,
# in their order, are the rows ``build`` gives for that calendar month: a catalogue's months are then
# counted by one bincount (the evaluator's panels), not built thirteen times over a million rows.
MonthForm = Callable[["Evaluator", int, int], tuple[pd.DataFrame, np.ndarray]]


@dataclass(frozen=True)
class Source:
    name: str
    needs: tuple[str, ...]  # "table" or "table.field"
    build: Callable[["Evaluator", Period], pd.DataFrame]
    also_reads: tuple[str, ...] = ()  # optional tables it uses when present (splits, team)
    months: MonthForm | None = None

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n.split(".")[0] for n in self.needs + self.also_reads))


def _quota_frame(q: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"rep": q.index.astype(object), "quota": q.to_numpy(dtype="float64")})


def _quotas(ev: "Evaluator", p: Period) -> pd.DataFrame:
    """Quota per rep prorated for days employed in P (team hire/leave dates), no ramp: the targets
    table is taken as the quotas people actually carry. Both quota_attainment's denominator and
    revenue's target, so a report showing revenue, quota and attainment side by side agrees."""
    return _quota_frame(_quota_rows(ev, with_team=True).prorated(p))


def _next_quotas(ev: "Evaluator", p: Period) -> pd.DataFrame:
    """Σ quota of the next period (months cut by a custom range in proportion to their days)."""
    return _quota_frame(_quota_rows(ev, with_team=False).prorated(p.next()))


def _quota_rows(ev: "Evaluator", *, with_team: bool) -> QuotaRows:
    """The targets prepared for :func:`kpis.credit.prorated_quotas` of any period, once per evaluator."""
    k = ("quota rows", with_team)
    if k not in ev._maps:
        ev._maps[k] = QuotaRows.of(ev.table("targets"), ev.table("team") if with_team else None)
    return cast(QuotaRows, ev._maps[k])


def _won_deals(ev: "Evaluator") -> pd.DataFrame:
    """The won deals (in table order), once per evaluator: what :func:`credit_lines` keeps of the
    deals, so that each period's call filters them rather than the whole table."""
    k = ("won deals",)
    if k not in ev._maps:
        deals = ev.table("deals")
        assert deals is not None  # credit lines are computed only when the deals table exists
        ev._maps[k] = deals.loc[deals["status"].eq("won").fillna(False).astype(bool)]
    return ev._maps[k]


def _credit(ev: "Evaluator", p: Period) -> pd.DataFrame:
    """Credited revenue lines of the reps carrying a quota in P (splits, no deal-type weights). What
    the reps without a quota were credited is kept in ``attrs["credited_without_quota"]`` (rep ->
    amount) for the KPI's note: the team's attainment leaves it out."""
    lines = _lines_of(ev, p)
    quota_reps = set(ev.source("quotas", p)["rep"])
    inside = lines["rep"].isin(quota_reps)
    out = lines.loc[inside].reset_index(drop=True)
    outside = lines.loc[~inside & lines["rep"].notna()].groupby("rep")["credited"].sum()
    out.attrs["credited_without_quota"] = {str(r): float(v) for r, v in outside.items() if v > 0}
    return out


def _lines_of(ev: "Evaluator", p: Period) -> pd.DataFrame:
    """:func:`credit_lines` of P. A prepared month's are cut from the lines of all the prepared
    months, computed once: the same rows in the same order, since a deal's lines do not depend on
    the other deals and the lines are sorted by close date (none missing: each is in the span),
    deal, rep, then table order."""
    span = ev.prepared_span()
    if span is None or month_of(p) is None or not (span.start <= p.start and p.end <= span.end):
        return credit_lines(_won_deals(ev), ev.table("splits"), p)
    k = ("credit lines", span)
    if k not in ev._maps:
        lines = credit_lines(_won_deals(ev), ev.table("splits"), span)
        ev._maps[k] = (lines, lines["close_date"].to_numpy(dtype="datetime64[ns]"))
    lines, close = ev._maps[k]
    # sorted by close date first: the period's lines are one block, found by two binary searches
    lo, hi = np.searchsorted(close, [np.datetime64(p.start_ts), np.datetime64(p.end_exclusive_ts)])
    return lines.iloc[lo:hi].reset_index(drop=True)


def _attainment(ev: "Evaluator", p: Period) -> pd.DataFrame:
    """One row per rep with a quota in P: credited, quota, at_quota (attainment ≥ 100 %)."""
    q = ev.source("quotas", p).set_index("rep")["quota"]
    credited = credited_by_rep(ev.source("credit_lines", p)).reindex(q.index).fillna(0.0)
    att = credited / q
    return pd.DataFrame({"rep": q.index.astype(object), "credited": credited.to_numpy(), "quota": q.to_numpy(),
                         "at_quota": (att >= 1 - 1e-9).to_numpy()})


def _touches(ev: "Evaluator", p: Period) -> pd.DataFrame:
    """Activities (of any date) linked by deal_id to the won deals closed in P, carrying the deal's
    breakdown columns (the deal's rep, not the activity's: both sides of the ratio then agree)."""
    deals, pos = ev.link("activities", "deal_id", "deals", "deal_id")
    won = (deals["status"].eq("won") & p.contains(deals["close_date"])).fillna(False).to_numpy(dtype=bool)
    return _touch_rows(ev, deals, pos, _linked_rows(pos, won))


def _touches_months(ev: "Evaluator", first: int, last: int) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`_touches` of every month of ``[first, last]``: an activity's month is its won deal's
    close month (by date, as ``Period.contains`` counts it)."""
    deals, pos = ev.link("activities", "deal_id", "deals", "deal_id")
    month, dated = month_numbers(deals["close_date"])
    won = deals["status"].eq("won").fillna(False).to_numpy(dtype=bool) & dated & (first <= month) & (month <= last)
    rows = _linked_rows(pos, won)
    return _touch_rows(ev, deals, pos, rows), month[pos[rows]] - first


def _linked_rows(pos: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Rows (ascending) linked to a kept row of the other table (``pos``: :meth:`Evaluator.link`)."""
    rows = np.flatnonzero(pos >= 0)
    return np.asarray(rows[keep[pos[rows]]])


def _touch_rows(ev: "Evaluator", deals: pd.DataFrame, pos: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    acts = ev.table("activities")
    assert acts is not None  # the source needs activities (checked by the evaluator)
    out = acts.iloc[rows][[c for c in ("deal_id", "type") if c in acts.columns]].reset_index(drop=True)
    keep = [c for c in DEAL_DIMS if c in deals.columns]
    return pd.concat([out, deals.iloc[pos[rows]][keep].reset_index(drop=True)], axis=1)


def _engaged(ev: "Evaluator", p: Period) -> pd.DataFrame:
    """Activities dated in P whose customer_id is a customer active at P.end, carrying the customer's
    breakdown columns (customer's rep, segment, location, source)."""
    cust, pos = ev.link("activities", "customer_id", "customers", "customer_id")
    active = ACTIVE_AT_END.fn(cust, p, ev).to_numpy(dtype=bool)
    in_p = ev.window_mask("activities", during("date"), p).to_numpy(dtype=bool)
    rows = np.flatnonzero(in_p & (pos >= 0))
    rows = rows[active[pos[rows]]]
    return _customer_rows(cust, pos, rows)


def _engaged_months(ev: "Evaluator", first: int, last: int) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`_engaged` of every month of ``[first, last]``: an activity's month is its date's, and
    its customer must be active at the end of that month (the window's month form, as the
    customers' own KPIs count it)."""
    cust, pos = ev.link("activities", "customer_id", "customers", "customer_id")
    month, _ = ev.spans("activities", during("date"))  # [m, m] for a dated activity, empty otherwise
    rows = np.flatnonzero((first <= month) & (month <= last) & (pos >= 0))
    assert ACTIVE_AT_END.months is not None  # the customers' windows have a month form
    lo, hi = ACTIVE_AT_END.months(cust, ev)
    at, linked = month[rows], pos[rows]
    rows = rows[(lo[linked] <= at) & (at <= hi[linked])]
    return _customer_rows(cust, pos, rows), (month[rows] - first).astype(np.int64)


def _customer_rows(cust: pd.DataFrame, pos: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    keep = [c for c in CUSTOMER_DIMS if c in cust.columns]
    return cust.iloc[pos[rows]][keep].reset_index(drop=True)


_QUOTA_NEEDS = ("targets.rep", "targets.period", "targets.quota")
_CREDIT_NEEDS = ("deals.status", "deals.close_date", "deals.amount", "deals.rep") + _QUOTA_NEEDS

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("quotas", _QUOTA_NEEDS, _quotas, ("team",)),
        Source("next_quotas", _QUOTA_NEEDS, _next_quotas),
        Source("credit_lines", _CREDIT_NEEDS, _credit, ("splits", "team")),
        Source("rep_attainment", _CREDIT_NEEDS, _attainment, ("splits", "team")),
        Source("touches", ("activities.deal_id", "deals.deal_id", "deals.status", "deals.close_date"), _touches,
               months=_touches_months),
        Source("engaged", ("activities.date", "activities.customer_id", "customers.customer_id", "customers.start_date"), _engaged,
               months=_engaged_months),
    )
}
