"""The report's context: everything a template can show, by name, for one period.

:func:`build_context` gathers the numbers -- all of them from :mod:`kpis.engine` (``compute``) and
:mod:`kpis.calculators` (commission statements); nothing here defines a KPI -- and lays them out
the way report sheets use them: scalar values (``kpi.win_rate``), KPI cards (``cards.win_rate``),
tables as DataFrames (``leaderboard``, ``pipeline_by_rep``, ``funnel``, ``trend``…), one context per
rep (``reps``), the data-quality report, and the words around them (period labels, dates, source).

Presentation rules (not KPI logic) taken here:

* a breakdown has no row for a key without rows: for a count or a sum (a *simple* KPI) that is 0,
  for a ratio it is "no data" (empty);
* rows without a value for the dimension (the engine's ``(none)`` key) are kept, labelled
  ``(non renseigné)`` / ``(blank)`` and put last, so a table's column sums equal the team total;
* the reps shown are those employed during the period (team table, managers left out) plus anyone
  the period's numbers name (deals, activities, leads, statements).

Every key is documented in ``docs/report.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any, Collection, Iterable, Sequence

import numpy as np
import pandas as pd

from ..config import Config
from ..dataset import Dataset
from ..engine import NONE_KEY, REGISTRY, Evaluator, Results, compute, reference_date
from ..engine.model import SECTIONS
from ..i18n import message, normalise_lang
from ..memory import release_free_memory
from ..periods import Period, last_n, month
from ..present import formats, views
from ..vocab import value_label
from .cards import card, rep_card
from .history_context import history_context
from .forecast_context import forecast_context
from .labels import long_date, period_label, previous_word, short_month_label
from .topn import topn_context

DIMENSIONS = ("rep", "source", "product", "segment")

# What each table and view shows: kpis.present.views (derived from the registry's sections).
LEADERBOARD = views.table_columns("leaderboard")
PIPELINE_BY_REP = views.table_columns("pipeline_by_rep")
PIPELINE_BY_PRODUCT = views.table_columns("pipeline_by_product")
ACTIVITIES_BY_REP = views.table_columns("activities_by_rep")
CUSTOMERS_BY_SEGMENT = views.table_columns("customers_by_segment")
ACQUISITION_BY_CHANNEL = views.table_columns("acquisition_by_channel")
REP_KPIS = views.rep_kpis()
TREND_KPIS = views.trend_kpis()
FUNNEL_STEPS = ("lead", "mql", "sql", "opportunity", "customer")
# The KPIs whose breakdown keys give the rows of a table by product, segment, channel.
PRODUCT_KEYS_FROM = ("open_pipeline_value", "revenue")
SEGMENT_KEYS_FROM = ("active_customers", "customers_at_start", "mrr")
CHANNEL_KEYS_FROM = ("leads_created", "revenue", "cost_per_lead", "new_customers")
# The breakdowns the context reads, by dimension (its tables' columns; the rep pages' KPIs; the
# quotas beside the leaderboard): only those are computed, not the 73 KPIs by 4 dimensions.
BREAKDOWNS: dict[str, frozenset[str]] = {
    "rep": frozenset({*LEADERBOARD, *PIPELINE_BY_REP, *ACTIVITIES_BY_REP, *REP_KPIS, "revenue"}),
    "product": frozenset({*PIPELINE_BY_PRODUCT, *PRODUCT_KEYS_FROM}),
    "segment": frozenset({*CUSTOMERS_BY_SEGMENT, *SEGMENT_KEYS_FROM}),
    "source": frozenset({*ACQUISITION_BY_CHANNEL, *CHANNEL_KEYS_FROM, "funnel"}),
}
STATEMENT_LINE_COLUMNS = ("kind", "deal_id", "account", "close_date", "amount", "share", "weight", "credited", "rate",
                          "commission")
STATEMENT_FIGURES = ("credited", "credited_to_date", "quota", "attainment", "rate", "commission", "spiffs", "clawbacks",
                     "earned", "balance_in", "recovered", "deferred", "draw", "balance_out", "payable")
TREND_MONTHS = 13
# Parts of the context that cost a computation of their own, built only for a template that reads
# them (``build_context(needs=...)``): the trend's 13 months, the reps' own pages (with the previous
# period by rep), the deals' history and watch list, the forecast and its commentary.
OPTIONAL_PARTS = ("trend", "reps", "history", "watch", "top", "commentary", "forecast", "forecast_by_rep",
                  "top.watch_deals", "top.movement_chart", "top.movement_chart_note")
# the pipeline history's parts (its page, the deals to watch, the top views cut from them)
_HISTORY_PARTS = frozenset({"history", "watch", "top.watch_deals", "top.movement_chart", "top.movement_chart_note"})


def build_context(
    ds: Dataset,
    period: Period,
    config: Config | None = None,
    *,
    lang: str | None = None,
    source: str | None = None,
    generated_at: dt.datetime | None = None,
    as_of: dt.date | None = None,
    trend_months: int = TREND_MONTHS,
    statements: Any = None,
    needs: Collection[str] | None = None,
) -> dict[str, Any]:
    """The context of the report of ``period`` (see the module docstring and ``docs/report.md``).

    ``lang`` defaults to the configuration's; ``source`` to the dataset's file name;
    ``generated_at`` to now (pass it for reproducible output); ``statements`` to
    :func:`kpis.calculators.commission_statements` of the period (pass them if already computed).
    ``needs``: the names the template reads among :data:`OPTIONAL_PARTS` (see
    :func:`kpis.render.mentions.mentioned`); the parts it does not read are not built (their keys
    are absent). None: every part.
    """
    cfg = dataclasses.replace(config or Config(), lang=normalise_lang(lang or (config.lang if config else "fr")))
    lang = cfg.lang
    end_month = month(period.end.year, period.end.month)
    trend = last_n(end_month, max(int(trend_months), 1))
    # One evaluator for every period of the report, told them all first: the calendar months among
    # them (the trend, and the period with its comparisons when they are months) in one pass.
    ev = Evaluator(ds, cfg, as_of or reference_date(ds))
    ev.prepare([period, period.previous(), period.year_ago(), *trend])
    wanted = set(OPTIONAL_PARTS if needs is None else needs)
    # The history first: its comparison with the stored states makes and drops tens of megabytes at
    # 400,000 rows, given back before the KPIs' one-pass arrays exist -- the report's peak memory is
    # then the larger of the two steps, not their sum.
    history = history_context(ds, period, cfg, lang=lang, as_of=ev.as_of) if wanted & _HISTORY_PARTS else None
    release_free_memory()
    with_forecast = bool(wanted & {"commentary", "forecast", "forecast_by_rep"})
    with_reps = "reps" in wanted or with_forecast  # the commentary is written for each rep
    results = compute(ds, period, config=cfg, by=DIMENSIONS, evaluator=ev, only=BREAKDOWNS)
    previous = compute(ds, period.previous(), config=cfg, kpis=list(REP_KPIS), by=["rep"], compare=False,
                       evaluator=ev) if with_reps else None
    series = [compute(ds, q, config=cfg, kpis=list(TREND_KPIS), compare=False, evaluator=ev)
              for q in trend] if "trend" in wanted else None
    release_free_memory()  # the KPIs' intermediate arrays, before the forecast's simulations
    if statements is None:
        statements, stmt_reason = commission_statements_or_reason(ds, period, cfg)
    else:
        stmt_reason = None
    generated_at = generated_at or dt.datetime.now().replace(microsecond=0)
    none = message("kpi_none_key", lang)

    reps = rep_names(ds, period, results, statements)
    earned = _statement_column(statements, "earned")
    leaderboard = by_table(results, LEADERBOARD, "rep", reps, none,
                           extra={"quota": _target_by(results, "revenue", "rep"), "commission": earned})
    order = leaderboard.loc[leaderboard["rep"] != none].sort_values("revenue", ascending=False, kind="stable")
    leaderboard = pd.concat([order, leaderboard.loc[leaderboard["rep"] == none]], ignore_index=True)

    ctx: dict[str, Any] = {
        "lang": lang,
        "currency": cfg.currency,
        "currency_symbol": formats.currency_symbol(cfg.currency),
        "company": str((cfg.report or {}).get("company", "") or ""),
        "title": message("report_title", lang),
        "period": _period_words(period, lang),
        "period_label": period_label(period, lang),
        "generated_at": generated_at,
        "generated_on": generated_at.date(),
        "generated_text": long_date(generated_at.date(), lang),
        "as_of": results.as_of,
        "as_of_text": long_date(results.as_of, lang) if results.as_of else "",
        "source": source if source is not None else (Path(ds.path).name if ds.path else ""),
        "sections": {s: names[0 if lang == "fr" else 1] for s, names in SECTIONS.items()},
        "kpi": {r.id: r.value for r in results},
        "cards": {r.id: card(r, lang, cfg.currency) for r in results},
        "kpi_table": kpi_table(results, lang, cfg.currency),
        "leaderboard": leaderboard,
        "pipeline_by_rep": by_table(results, PIPELINE_BY_REP, "rep", reps, none),
        "pipeline_by_product": by_table(results, PIPELINE_BY_PRODUCT, "product", None, none, keys_from=PRODUCT_KEYS_FROM),
        "lost_reasons": distribution_table(results["lost_reasons"], "reason", none),
        "activities_by_rep": by_table(results, ACTIVITIES_BY_REP, "rep", reps, none),
        "reps_table": by_table(results, REP_KPIS, "rep", reps, none),
        "touches_by_type": touches_table(results["touches_per_won_deal"], lang),
        "funnel": funnel_table(results["funnel"].value, lang),
        "funnel_by_source": funnel_by_table(results["funnel"], "source", none),
        "lifecycle": lifecycle_table(results["lifecycle_distribution"], lang, none),
        "customers_by_segment": by_table(results, CUSTOMERS_BY_SEGMENT, "segment", None, none, keys_from=SEGMENT_KEYS_FROM),
        "acquisition_by_channel": by_table(results, ACQUISITION_BY_CHANNEL, "source", None, none, keys_from=CHANNEL_KEYS_FROM).rename(columns={"source": "channel"}),
        "statements": statements_context(statements, stmt_reason, lang),
        **quality_context(ds, lang),
    }
    if series is not None:
        ctx["trend"] = trend_table(series, lang)
    if previous is not None:
        ctx["reps"] = [rep_context(name, results, previous, statements, stmt_reason, ds, lang, cfg.currency) for name in reps]
    if history is not None:
        ctx.update(history)  # "history", "watch"
    if with_forecast:
        ctx.update(forecast_context(ds, period, cfg, results.as_of, ctx["reps"], evaluator=ev))  # commentary, forecast page
    ctx.update(topn_context(ctx, ev, period, results, lang))  # "top": views that must stay on one page
    return ctx


# -- the period and its words --------------------------------------------------------------------------
def _period_words(p: Period, lang: str) -> dict[str, Any]:
    return {
        "code": p.label,
        "label": period_label(p, lang),
        "start": p.start,
        "end": p.end,
        "grain": p.grain,
        "previous_label": period_label(p.previous(), lang),
        "year_ago_label": period_label(p.year_ago(), lang),
        "previous_word": previous_word(p, lang),
        "year_ago_word": message("report_year_ago", lang),
    }


# -- tables from breakdowns ------------------------------------------------------------------------
def by_table(results: Results, ids: Sequence[str], dim: str, keys: Sequence[str] | None, none_label: str, *,
             extra: dict[str, dict[str, Any] | None] | None = None, keys_from: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per key of ``dim``, one column per KPI id (plus ``extra`` columns given as
    ``{key: value}``). Keys: ``keys`` (plus ``(none)`` when a KPI has it), or the union of the
    breakdown keys of ``keys_from`` (else of every id), sorted, ``(none)`` last."""
    extra = extra or {}
    maps = {k: _breakdown(results, k, dim) for k in ids if k in REGISTRY}
    found: list[str] = []
    for k in (keys_from or ids):
        for key in (maps.get(k) or extra.get(k) or {}):
            if key not in found:
                found.append(key)
    if keys is None:
        rows = sorted((k for k in found if k != NONE_KEY), key=str.casefold)
    else:
        rows = list(keys)
    if any(NONE_KEY in (m or {}) and _num(m.get(NONE_KEY)) for m in maps.values()):
        rows.append(NONE_KEY)
    data: dict[str, Any] = {dim: [none_label if k == NONE_KEY else k for k in rows]}
    for k in ids:
        if k in maps:
            data[k] = _column(results, k, maps[k], rows)
        else:
            values = extra.get(k) or {}
            data[k] = [_float(values.get(key)) for key in rows]
    return pd.DataFrame(data, columns=[dim, *ids]).astype({k: "float64" for k in ids})


def _breakdown(results: Results, kpi_id: str, dim: str) -> dict[str, Any] | None:
    r = results.kpis.get(kpi_id)
    if r is None or r.by is None:
        return None
    return r.by.get(dim)


def _column(results: Results, kpi_id: str, values: dict[str, Any] | None, rows: Sequence[str]) -> list[float]:
    """A KPI's breakdown values on ``rows``: a key without rows is 0 for counts and sums, empty for
    ratios; everything is empty when the KPI's inputs are missing."""
    r = results[kpi_id]
    if values is None or r.status == "missing_input":
        return [np.nan] * len(rows)
    zero = 0.0 if REGISTRY[kpi_id].kind == "simple" else np.nan
    return [_float(values[k]) if k in values else zero for k in rows]


def _target_by(results: Results, kpi_id: str, dim: str) -> dict[str, Any] | None:
    r = results.kpis.get(kpi_id)
    if r is None or not r.target_by:
        return None
    return r.target_by.get(dim)


def distribution_table(r, column: str, none_label: str) -> pd.DataFrame:
    """A distribution KPI (lost reasons) as rows: category, count, share (largest first)."""
    shares = r.value if isinstance(r.value, dict) else {}
    counts = (r.detail or {}).get("counts", {}) if isinstance(r.detail, dict) else {}
    keys = list(shares)
    return pd.DataFrame({
        column: [none_label if k == NONE_KEY else k for k in keys],
        "count": [_float(counts.get(k)) for k in keys],
        "share": [_float(shares[k]) for k in keys],
    }, columns=[column, "count", "share"]).astype({"count": "float64", "share": "float64"})


def touches_table(r, lang: str) -> pd.DataFrame:
    """Touches per won deal by activity type (the engine's detail of ``touches_per_won_deal``)."""
    detail = r.detail if isinstance(r.detail, dict) else {}
    keys = list(detail)
    return pd.DataFrame({
        "type": keys,
        "label": [message(f"report_type_{k}", lang) if k in ("call", "email", "meeting", "visit", "demo") else k for k in keys],
        "touches_per_won_deal": [_float(detail[k]) for k in keys],
    }, columns=["type", "label", "touches_per_won_deal"]).astype({"touches_per_won_deal": "float64"})


def funnel_table(value: Any, lang: str) -> pd.DataFrame:
    """The funnel of the period: one row per step, with the count reaching it, the step's
    conversion from the previous step, and its share of the leads created."""
    steps = value if isinstance(value, dict) else {}
    keys = [s for s in FUNNEL_STEPS if s in steps] + [s for s in steps if s not in FUNNEL_STEPS]
    return pd.DataFrame({
        "step": keys,
        "label": [message(f"report_step_{s}", lang) if s in FUNNEL_STEPS else s for s in keys],
        "count": [_float(steps[s].get("count")) for s in keys],
        "rate": [_float(steps[s].get("rate")) for s in keys],
        "share": [_float(steps[s].get("share")) for s in keys],
    }, columns=["step", "label", "count", "rate", "share"]).astype({"count": "float64", "rate": "float64", "share": "float64"})


def funnel_by_table(r, dim: str, none_label: str) -> pd.DataFrame:
    """The funnel broken down (by source): the count at each step per key, and the share of leads
    that became customers."""
    by = (r.by or {}).get(dim) or {}
    keys = sorted((k for k in by if k != NONE_KEY), key=str.casefold) + ([NONE_KEY] if NONE_KEY in by else [])
    data: dict[str, Any] = {dim: [none_label if k == NONE_KEY else k for k in keys]}
    for s in FUNNEL_STEPS:
        data[s] = [_float((by[k].get(s) or {}).get("count")) for k in keys]
    data["customer_share"] = [_float((by[k].get("customer") or {}).get("share")) for k in keys]
    cols = [dim, *FUNNEL_STEPS, "customer_share"]
    return pd.DataFrame(data, columns=cols).astype({c: "float64" for c in cols[1:]})


def lifecycle_table(r, lang: str, none_label: str) -> pd.DataFrame:
    shares = r.value if isinstance(r.value, dict) else {}
    counts = (r.detail or {}).get("counts", {}) if isinstance(r.detail, dict) else {}
    keys = list(shares)
    return pd.DataFrame({
        "stage": keys,
        "label": [none_label if k == NONE_KEY else (message(f"report_step_{k}", lang) if k in (*FUNNEL_STEPS, "disqualified") else k) for k in keys],
        "count": [_float(counts.get(k)) for k in keys],
        "share": [_float(shares[k]) for k in keys],
    }, columns=["stage", "label", "count", "share"]).astype({"count": "float64", "share": "float64"})


def trend_table(series: Sequence[Results], lang: str) -> pd.DataFrame:
    """One row per month (oldest first), one column per KPI of :data:`TREND_KPIS`, plus the
    revenue target (``revenue_target``, Σ quotas of the month) -- the data of the trend charts."""
    rows = []
    for res in series:
        row: dict[str, Any] = {"month": short_month_label(res.period.start, lang), "month_label": period_label(res.period, lang),
                               "month_start": res.period.start}
        for k in TREND_KPIS:
            v = res[k].value if k in res.kpis else None
            row[k] = _float(v)
        row["revenue_target"] = _float(res["revenue"].target) if "revenue" in res.kpis else np.nan
        rows.append(row)
    cols = ["month", "month_label", "month_start", *TREND_KPIS, "revenue_target"]
    return pd.DataFrame(rows, columns=cols).astype({c: "float64" for c in cols[3:]})


def kpi_table(results: Results, lang: str, currency: str) -> pd.DataFrame:
    """Every KPI as text, in the catalogue's order: section, id, name, value, previous, change,
    target, status (for templates that list them all; numbers are in ``cards``)."""
    rows = []
    for r in results:
        c = card(r, lang, currency)
        rows.append({
            "section": SECTIONS[REGISTRY[r.id].section][0 if lang == "fr" else 1],
            "id": r.id, "name": c["label"], "value": c["value_text"], "previous": c["previous_text"],
            "change": c["change_text"], "target": c["target_text"],
            "status": message(f"kpi_status_{r.status}", lang) if r.status != "missing_input" else (r.reason or ""),
        })
    return pd.DataFrame(rows, columns=["section", "id", "name", "value", "previous", "change", "target", "status"])


def build_statements_context(ds: Dataset, statements: Any, period: Period, config: Config | None = None, *,
                             lang: str | None = None, source: str | None = None,
                             generated_at: dt.datetime | None = None) -> dict[str, Any]:
    """The context of the commission statements workbook (``kpis commissions -o``): the period's
    words, the team summary (``statements``) and one entry per rep with a statement (``reps``)."""
    cfg = config or Config()
    lang = normalise_lang(lang or cfg.lang)
    generated_at = generated_at or dt.datetime.now().replace(microsecond=0)
    as_of = reference_date(ds)
    reps = [{"name": rep, **_team_info(ds, rep, lang), **rep_statement_context(st, lang, None)}
            for rep, st in statements.reps.items()]
    return {
        "lang": lang,
        "currency": cfg.currency,
        "currency_symbol": formats.currency_symbol(cfg.currency),
        "company": str((cfg.report or {}).get("company", "") or ""),
        "title": message("stmt_title", lang),
        "period": _period_words(period, lang),
        "period_label": period_label(period, lang),
        "generated_at": generated_at,
        "generated_on": generated_at.date(),
        "generated_text": long_date(generated_at.date(), lang),
        "as_of": as_of,
        "as_of_text": long_date(as_of, lang) if as_of else "",
        "source": source if source is not None else (Path(ds.path).name if ds.path else ""),
        "statements": statements_context(statements, None, lang),
        "reps": reps,
    }


# -- reps ------------------------------------------------------------------------------------------
def rep_names(ds: Dataset, period: Period, results: Results, statements: Any = None) -> list[str]:
    """Reps employed during the period (team table; managers left out) and reps named by the
    period's numbers or commission statements, sorted by name."""
    names: set[str] = set()
    for k in REP_KPIS:
        by = _breakdown(results, k, "rep")
        if by:
            names.update(key for key, v in by.items() if key != NONE_KEY and _num(v) and v != 0)
    team = ds.get("team")
    if team is not None and "rep" in team.columns and len(team):
        from ..credit import employed_fraction

        t = team.loc[team["rep"].notna()]
        employed = employed_fraction(t, t["rep"], period) > 0
        if "role" in t.columns:
            employed &= ~t["role"].astype("string").str.strip().str.casefold().eq("manager").fillna(False).astype(bool)
        names.update(t.loc[employed.to_numpy(), "rep"].astype(str))
    if statements is not None:
        names.update(statements.reps)
    return sorted(names, key=str.casefold)


def rep_context(name: str, results: Results, previous: Results, statements: Any, stmt_reason: str | None,
                ds: Dataset, lang: str, currency: str) -> dict[str, Any]:
    """One rep's own numbers: their KPIs (value, previous period, change, quota, team value) and
    their commission statement."""
    kpi: dict[str, Any] = {}
    cards: dict[str, Any] = {}
    quota = (_target_by(results, "revenue", "rep") or {}).get(name)
    for k in REP_KPIS:
        value = _rep_value(results, k, name)
        before = _rep_value(previous, k, name)
        kpi[k] = value
        cards[k] = rep_card(k, value, before, quota if k == "revenue" else None, results[k].value, lang, currency)
    info = _team_info(ds, name, lang)
    st = statements.reps.get(name) if statements is not None else None
    out = {
        "name": name,
        **info,
        "quota": _float_or_none(quota),
        "kpi": kpi,
        "cards": cards,
        **rep_statement_context(st, lang, stmt_reason if statements is None else message("report_no_plan_for_rep", lang)),
    }
    return out


def _rep_value(results: Results, kpi_id: str, name: str) -> Any:
    r = results[kpi_id]
    if r.status == "missing_input" or r.by is None or r.by.get("rep") is None:
        return None
    by = r.by["rep"]
    if name in by:
        return _float_or_none(by[name])
    return 0.0 if REGISTRY[kpi_id].kind == "simple" else None


def _team_info(ds: Dataset, name: str, lang: str = "fr") -> dict[str, Any]:
    """The rep's line of the team table; the role in the user's words (``AE`` → Chargé d'affaires)."""
    cols = ("role", "team", "location", "manager", "hire_date", "plan")
    team = ds.get("team")
    out: dict[str, Any] = {c: None for c in cols}
    if team is None or "rep" not in team.columns:
        return out
    rows = team.loc[team["rep"].astype(str) == name]
    if rows.empty:
        return out
    row = rows.iloc[-1]
    for c in cols:
        if c in rows.columns:
            v = row[c]
            out[c] = None if pd.isna(v) else (v.date() if isinstance(v, pd.Timestamp) else v)
    if out["role"] is not None:
        out["role"] = value_label("role", out["role"], lang)
    return out


# -- commission statements ---------------------------------------------------------------------------
def commission_statements_or_reason(ds: Dataset, period: Period, cfg: Config) -> tuple[Any, str | None]:
    """The period's statements, or None and why not (no plan configured, a missing input, a period
    the plans do not pay on). A configuration mistake in a plan is raised, not hidden."""
    from ..calculators import CalculatorError, commission_statements
    from ..errors import user_message

    try:
        return commission_statements(ds, period, cfg), None
    except CalculatorError as e:
        return None, user_message(e, cfg.lang)


def _statement_column(statements: Any, figure: str) -> dict[str, float] | None:
    if statements is None:
        return None
    return {rep: getattr(s, figure) for rep, s in statements.reps.items()}


def statements_context(statements: Any, reason: str | None, lang: str) -> dict[str, Any]:
    """Team view of the statements: a summary row per rep and the calculator's warnings."""
    cols = ["rep", "plan", "credited", "quota", "attainment", "commission", "spiffs", "clawbacks", "earned",
            "recovered", "deferred", "draw", "payable", "balance_out"]
    if statements is None:
        return {"available": False, "reason": message("report_no_statement", lang, reason=reason or ""),
                "summary": pd.DataFrame(columns=cols), "warnings": [], "period_label": ""}
    rows = [{"rep": rep, "plan": s.plan_name, **{c: _float(getattr(s, c)) for c in cols[2:]}} for rep, s in statements.reps.items()]
    return {
        "available": True,
        "reason": "",
        "summary": pd.DataFrame(rows, columns=cols).astype({c: "float64" for c in cols[2:]}),
        "warnings": [n.message(lang) for n in statements.warnings],  # ids shown as labels
        "period_label": statements.period.label,
    }


def rep_statement_context(st: Any, lang: str, reason: str | None) -> dict[str, Any]:
    """A rep's statement: its figures (``statement``), its lines as one table whose ``commission``
    column adds up to what the rep earned (deal lines, SPIFFs, clawbacks negative) and whose
    ``credited`` column adds up to the credited revenue of the attainment window (deal and true-up
    lines), and its notes."""
    if st is None:  # every key present (templates may name them inside {% if r.has_statement %})
        empty = {c: None for c in (*STATEMENT_FIGURES, "plan", "period_label", "period_start", "period_end")}
        return {"has_statement": False, "statement": empty, "statement_lines": _lines_frame([]),
                "statement_notes": [message("report_no_statement", lang, reason=reason or "")]}
    figures = {c: _float_or_none(getattr(st, c)) for c in STATEMENT_FIGURES}
    figures.update(plan=st.plan_name, period_label=st.period.label, period_start=st.period.start, period_end=st.period.end)
    parts = []
    if len(st.lines):
        lines = st.lines.reindex(columns=list(STATEMENT_LINE_COLUMNS)).copy()
        lines["kind"] = [message(f"stmt_kind_{k}", lang) if isinstance(k, str) else k for k in lines["kind"]]
        parts.append(lines)
    if len(st.spiff_lines):
        sp = st.spiff_lines
        parts.append(pd.DataFrame({
            "kind": [message("report_line_spiff", lang, name=n) for n in sp["spiff"]],
            "deal_id": sp["deal_id"], "account": sp["account"], "close_date": sp["close_date"],
            "share": sp["share"], "commission": sp["amount"],
        }))
    if len(st.clawback_lines):
        cb = st.clawback_lines
        parts.append(pd.DataFrame({
            # no credited revenue on a clawback line: the deal was credited in its own period
            "kind": message("report_line_clawback", lang), "deal_id": cb["deal_id"], "account": cb["account"],
            "close_date": cb["close_date"], "rate": cb["rate"], "commission": -cb["amount"].astype("float64"),
        }))
    return {
        "has_statement": True,
        "statement": figures,
        "statement_lines": _lines_frame(parts),
        "statement_notes": [n.message(lang) for n in st.notes],
    }


def _lines_frame(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    cols = list(STATEMENT_LINE_COLUMNS)
    parts = [p.reindex(columns=cols) for p in parts if len(p)]
    if not parts:
        frame = pd.DataFrame(columns=cols)
    else:
        frame = pd.concat([p.astype(object) for p in parts], ignore_index=True)
    for c in ("amount", "share", "weight", "credited", "rate", "commission"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    frame["close_date"] = pd.to_datetime(frame["close_date"], errors="coerce")
    frame["deal_id"] = frame["deal_id"].astype(object).where(frame["deal_id"].notna(), None)
    frame["deal_id"] = [str(v) if v is not None else None for v in frame["deal_id"]]
    return frame


# -- data quality ------------------------------------------------------------------------------------
def quality_context(ds: Dataset, lang: str) -> dict[str, Any]:
    """The reader's data-quality report: the problems (errors and warnings: rows skipped, values
    converted or left empty, rows ignored), what was recognised (info), and the tables read."""
    q = ds.quality.to_frame(lang)
    cols = ["sheet", "row", "column", "value", "action", "severity", "reason"]
    if len(q):
        q = q.assign(
            value=[_display(v) for v in q["value"]],
            action=[message(f"report_action_{a}", lang) for a in q["action"]],
            severity_key=q["severity"],
            severity=[message(f"report_severity_{s}", lang) for s in q["severity"]],
            order=q["severity"].map({"error": 0, "warning": 1, "info": 2}),
        )
        q = q.sort_values(["order"], kind="stable")
        problems = q.loc[q["severity_key"] != "info", cols].reset_index(drop=True)
        info = q.loc[q["severity_key"] == "info", cols].reset_index(drop=True)
    else:
        problems = info = pd.DataFrame(columns=cols)
    tables = [
        {"table": name, "label": message(f"report_table_{name}", lang), "source": ds.sources.get(name, ""),
         "rows": float(len(df))}
        for name, df in ds.tables.items()
    ]
    return {
        "quality": problems,
        "quality_info": info,
        "tables_read": pd.DataFrame(tables, columns=["table", "label", "source", "rows"]),
        "quality_summary": {
            "problems": int(len(problems)),
            "rows_skipped": int(ds.quality.rows_skipped),
            "tables": len(ds.tables),
            "text": message("report_no_quality_issue", lang) if not len(problems) else "",
        },
    }


def _display(v: Any) -> Any:
    """A found value as text (the report shows it as the workbook had it)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# -- small helpers -----------------------------------------------------------------------------------
def _num(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) and np.isfinite(x)


def _float(x: Any) -> float:
    return float(x) if _num(x) else np.nan


def _float_or_none(x: Any) -> float | None:
    return float(x) if _num(x) else None
