"""Top N + "others": the report's breakdown tables that must stay on one page, whatever the team's size.

A breakdown by rep, product, source or segment has one row per key: 3 for a small team, 100 for a
large one. The views that share a page with other things (pipeline, activities, products, channels,
segments, sources, lost reasons, deals to watch) show the ``n`` largest keys by one column, then one
row « Autres (23 commerciaux) » / "Others (23 reps)" for the rest, so that the table's column sums
still equal the team total. Full lists stay where a list is the point (leaderboard, commissions).

The others row of a KPI column is the KPI computed over the others' rows, from the engine's own
breakdowns (:meth:`kpis.engine.Evaluator.breakdown`):

* a count or a sum (a *simple* KPI): the sum over the others' keys;
* a ratio: Σ numerator / Σ denominator over those keys (never an average of the rows' ratios);
  a derived KPI: its formula applied to its inputs over those keys (forecast = won + weighted,
  ROI = (revenue × margin − spend) / spend);
* a distinct count (``nunique``) or anything else that does not add up: empty.

Columns that are not KPIs are summed when they are counts or amounts (``count``, ``amount``, the
funnel's steps) and recomputed or left empty otherwise (the funnel's ``customer_share`` =
customers / leads; a share of a distribution is additive).

The rows without a value for the dimension (the ``(non renseigné)`` / ``(blank)`` row) stay their own
row, after the top ones and before « Autres ». Charts get the top rows only (an "others" bar 20
times as long as the others would flatten them), largest first, with a note saying how many keys are
left out. Everything lands under ``top`` in the context (``docs/report.md``).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from ..engine import NONE_KEY, REGISTRY
from ..engine.model import Derived, Fallback, NoData, Ratio, Simple, Variants
from ..i18n import message, register

#: Rows of a breakdown table that shares its page (then one "others" row).
TABLE_N = 12
#: Bars of the leaderboard's chart: one printed page of bars, readable names.
CHART_N = 30
#: Bars of the summary's chart (half a page beside the revenue trend).
SUMMARY_N = 10
#: Reps beyond which the leaderboard's chart prints on its own page (beside the table it would be cut).
OWN_PAGE_AFTER = 10
#: Deals listed on the "deals to watch" page (largest amounts first), then one row for the rest.
WATCH_N = 40

register({
    "top_others": {"fr": "Autres ({n} {what})", "en": "Others ({n} {what})"},
    "top_what_rep": {"fr": "commerciaux", "en": "reps"},
    "top_what_product": {"fr": "produits", "en": "products"},
    "top_what_source": {"fr": "sources", "en": "sources"},
    "top_what_segment": {"fr": "segments", "en": "segments"},
    "top_what_reason": {"fr": "motifs", "en": "reasons"},
    "top_what_deal": {"fr": "affaires", "en": "deals"},
    "top_chart_note": {"fr": "Les {n} premiers sur {total} ({by}) ; {where}.", "en": "The first {n} of {total} ({by}); {where}."},
    "top_by_revenue": {"fr": "par CA", "en": "by revenue"},
    "top_by_activities": {"fr": "par nombre d'activités", "en": "by number of activities"},
    "top_by_movement": {"fr": "par montant entré et sorti", "en": "by amount in and out"},
    "top_where_leaderboard": {"fr": "tous sont dans le tableau du classement",
                              "en": "all of them are in the leaderboard table"},
    "top_where_rep_sheets": {"fr": "chaque commercial a les siens sur sa feuille",
                             "en": "each rep's own are on their sheet"},
    "top_where_movement": {"fr": "tous sont dans le tableau ci-dessus", "en": "all of them are in the table above"},
})

# context key -> (dimension word, key column, sort column, extra columns: how to fill the others row)
TABLES: dict[str, tuple[str, str, str]] = {
    "pipeline_by_rep": ("rep", "rep", "open_pipeline_value"),
    "activities_by_rep": ("rep", "rep", "activities_total"),
    "pipeline_by_product": ("product", "product", "open_pipeline_value"),
    "customers_by_segment": ("segment", "segment", "active_customers"),
    "acquisition_by_channel": ("source", "channel", "leads_created"),
    "funnel_by_source": ("source", "source", "lead"),
    "lost_reasons": ("reason", "reason", "count"),
}
#: Columns that are not KPIs but add up (counts, amounts, shares of one whole, funnel steps).
ADDITIVE = frozenset({"count", "share", "amount", "lead", "mql", "sql", "opportunity", "customer", "deals"})
#: Columns recomputed from other columns of the others row.
RECOMPUTED: dict[str, Callable[[dict[str, Any]], float]] = {
    "customer_share": lambda row: row["customer"] / row["lead"] if row.get("lead") else np.nan,
}


def topn_context(ctx: dict[str, Any], ev: Any, period: Any, results: Any, lang: str) -> dict[str, Any]:
    """``{"top": {...}}``: each table of :data:`TABLES` cut to :data:`TABLE_N` rows + others, the
    charts' data (``reps_chart``, ``reps_summary``, ``activities_chart``) and their notes, and the
    deals to watch cut to :data:`WATCH_N` + others (``watch_deals``)."""
    none = message("kpi_none_key", lang)
    top: dict[str, Any] = {}
    for key, (what, column, sort) in TABLES.items():
        frame = ctx.get(key)
        if not isinstance(frame, pd.DataFrame) or column not in frame.columns:
            continue
        dim = None if what == "reason" else what

        def group_value(kpi_id: str, keys: list[str], dim: str | None = dim) -> float:
            if dim is None or kpi_id not in REGISTRY or results[kpi_id].status == "missing_input":
                return np.nan
            return kpi_over(ev, kpi_id, period, dim, keys)

        def label_others(n: int, what: str = what) -> str:
            return others_label(what, lang, n)

        top[key] = top_rows(frame, column, sort, TABLE_N, none, label_others, group_value,
                            keys_of=_raw_keys(frame, column, none))
    board = ctx.get("leaderboard")
    if isinstance(board, pd.DataFrame) and "rep" in board.columns:
        reps = board.loc[board["rep"] != none, ["rep", "revenue", "quota"]]
        reps = reps.sort_values("revenue", ascending=False, kind="stable", na_position="last")
        top["reps_chart"] = reps.head(CHART_N).reset_index(drop=True)
        top["reps_summary"] = reps.head(SUMMARY_N).reset_index(drop=True)
        top["reps_chart_own_page"] = len(reps) > OWN_PAGE_AFTER
        top["reps_chart_note"] = chart_note(len(reps), CHART_N, "revenue", "leaderboard", lang)
        top["reps_summary_note"] = chart_note(len(reps), SUMMARY_N, "revenue", "leaderboard", lang)
    acts = ctx.get("activities_by_rep")
    if isinstance(acts, pd.DataFrame) and "rep" in acts.columns:
        rows = acts.loc[acts["rep"] != none].sort_values("activities_total", ascending=False, kind="stable",
                                                          na_position="last")
        top["activities_chart"] = rows.head(TABLE_N).reset_index(drop=True)
        top["activities_chart_note"] = chart_note(len(rows), TABLE_N, "activities", "rep_sheets", lang)
    history = ctx.get("history")
    by_rep = history.get("by_rep") if isinstance(history, dict) else None
    if isinstance(by_rep, pd.DataFrame) and "inflow" in by_rep.columns:
        moved = by_rep[["inflow", "won_out", "lost_out", "other_out"]].abs().sum(axis=1)
        rows = by_rep.loc[moved.sort_values(ascending=False, kind="stable").index]
        top["movement_chart"] = rows.head(CHART_N).reset_index(drop=True)
        top["movement_chart_note"] = chart_note(len(rows), CHART_N, "movement", "movement", lang)
    watch = ctx.get("watch")
    if isinstance(watch, dict) and isinstance(watch.get("deals"), pd.DataFrame):
        top["watch_deals"] = watch_rows(watch["deals"], WATCH_N, lang)
    return {"top": top}


def others_label(what: str, lang: str, n: int) -> str:
    """« Autres (1 050 affaires) » / "Others (1,050 deals)"."""
    count = f"{n:,}".replace(",", "\u202f" if lang == "fr" else ",")
    return message("top_others", lang, n=count, what=message(f"top_what_{what}", lang))


def chart_note(total: int, n: int, by: str, where: str, lang: str) -> str:
    """Empty when every key is drawn; else how many are and where the rest is."""
    if total <= n:
        return ""
    return message("top_chart_note", lang, n=n, total=total, by=message(f"top_by_{by}", lang),
                   where=message(f"top_where_{where}", lang))


def _raw_keys(frame: pd.DataFrame, column: str, none_label: str) -> dict[str, str]:
    """Label shown → breakdown key of the engine (the blank row is labelled, its key is ``(none)``)."""
    return {str(v): (NONE_KEY if v == none_label else str(v)) for v in frame[column]}


def top_rows(frame: pd.DataFrame, column: str, sort: str, n: int, none_label: str, label: Callable[[int], str],
             group_value: Callable[[str, list[str]], float], *,
             keys_of: dict[str, str] | None = None) -> pd.DataFrame:
    """The ``n`` rows with the largest ``sort`` (ties: the frame's order), then the blank row if any,
    then one row labelled ``label(how many keys it holds)`` for the rest.

    Others row: a KPI column is ``group_value(kpi_id, keys)`` (the KPI over those keys), a column of
    :data:`ADDITIVE` is summed (NaN when every value is NaN), a column of :data:`RECOMPUTED` is
    recomputed from the row, anything else is empty. ``frame`` unchanged when it has ``n + 1`` rows
    or fewer (an "others" row for one key would hide it for nothing) -- but sorted all the same."""
    blank = frame[column] == none_label
    body = frame.loc[~blank].sort_values(sort, ascending=False, kind="stable", na_position="last") \
        if sort in frame.columns else frame.loc[~blank]
    tail = frame.loc[blank]
    if len(body) <= n + 1:
        return pd.concat([body, tail]).reset_index(drop=True).astype(frame.dtypes.to_dict())
    head, rest = body.iloc[:n], body.iloc[n:]
    keys = [(keys_of or {}).get(str(k), str(k)) for k in rest[column]]
    row: dict[str, Any] = {column: label(len(rest))}
    for c in frame.columns:
        if c == column:
            continue
        if c in ADDITIVE:
            values = pd.to_numeric(rest[c], errors="coerce")
            row[c] = float(values.sum()) if values.notna().any() else np.nan
        elif c in REGISTRY:
            row[c] = group_value(c, keys)
        else:
            row[c] = np.nan
    for c, fn in RECOMPUTED.items():
        if c in frame.columns:
            row[c] = fn(row)
    others = pd.DataFrame([row], columns=frame.columns)
    out = pd.concat([head, tail, others], ignore_index=True)
    return out.astype({c: t for c, t in frame.dtypes.items() if t == "float64"})


def watch_rows(deals: pd.DataFrame, n: int, lang: str) -> pd.DataFrame:
    """The ``n`` deals to watch with the largest amounts (then the most reasons), in the list's order, then
    one row for the rest:
    how many, their amount, and per reason how many of them have it."""
    if len(deals) <= n + 1:
        return deals.reset_index(drop=True)
    rank = pd.DataFrame({
        "amount": pd.to_numeric(deals["amount"], errors="coerce").fillna(-np.inf),
        "reasons": sum((deals[c].astype(str).str.len() > 0).astype(int) for c in deals.columns if c.startswith("is_")),
    })
    order = rank.sort_values(["amount", "reasons"], ascending=False, kind="stable").index
    head, rest = deals.loc[sorted(order[:n])], deals.loc[order[n:]]  # the list's order (team, rep) kept
    row: dict[str, Any] = {c: None for c in deals.columns}
    row["rep"] = others_label("deal", lang, len(rest))
    row["amount"] = float(pd.to_numeric(rest["amount"], errors="coerce").fillna(0).sum())
    for c in deals.columns:
        if c.startswith("is_"):
            row[c] = int((rest[c].astype(str).str.len() > 0).sum())
    return pd.concat([head.astype(object), pd.DataFrame([row], columns=deals.columns, dtype=object)],
                     ignore_index=True)


# -- a KPI over a group of keys ----------------------------------------------------------------------
def kpi_over(ev: Any, ref: Any, period: Any, dim: str, keys: Sequence[str]) -> float:
    """The KPI (or metric) ``ref`` over the rows whose ``dim`` key is in ``keys``, from the
    evaluator's breakdowns: sums add up, ratios divide the sums, derived metrics apply their formula
    to their inputs over the group. NaN when it cannot be known that way (a distinct count, a
    breakdown the rows cannot carry, a zero denominator)."""
    metric = ev.resolve(ref)
    if ev.missing(metric):
        return np.nan
    if isinstance(metric, Simple):
        if metric.measure.agg not in ("count", "sum"):
            return np.nan  # a customer counted under two reps is one customer: no sum
        by = ev.breakdown(metric, period, dim)
        if by is None:
            return np.nan
        return float(pd.Series(by).reindex(list(keys)).fillna(0.0).sum())
    if isinstance(metric, Ratio):
        num, den = kpi_over(ev, metric.num, period, dim, keys), kpi_over(ev, metric.den, period, dim, keys)
        if not np.isfinite(num) or not np.isfinite(den) or den == 0:
            return np.nan
        return float(metric.scale * num / den)
    if isinstance(metric, Derived):
        values: dict[str, float | None] = {}
        for name, r in metric.inputs.items():
            if isinstance(r, Fallback):
                v = kpi_over(ev, r.ref, period, dim, keys) if not ev.missing(r.ref) else np.nan
                values[name] = float(v) if np.isfinite(v) else r.default
            else:
                v = kpi_over(ev, r, period, dim, keys)
                values[name] = float(v) if np.isfinite(v) else None
        out = metric.fn(values, period)
        if isinstance(out, NoData) or out is None or not np.isfinite(out):
            return np.nan
        return float(out)
    if isinstance(metric, Variants):
        chosen = ev._choose(metric)
        return np.nan if chosen is None else kpi_over(ev, chosen[0], period, dim, keys)
    return np.nan
