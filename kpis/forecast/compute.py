"""Where a period will land, from the deals table: ``kpis forecast``, ``=KPI_FORECAST()``, the report's
forecast page and the commentary all read :func:`forecast`.

For a period P and an as-of date D (default: the data's date, :func:`kpis.engine.reference_date`):

* ``won`` = Σ amount of deals won with close_date in [P.start, min(D, P.end)] (0 when D < P.start);
* open deals = deals open at D (created on or before D, or without a creation date, and not won or
  lost by D: open now, or closed after D) whose expected_close_date falls in P;
  ``open_count`` counts them, ``open_amount`` = Σ their amounts (a missing amount counts 0);
* ``weighted`` = Σ amount × probability over those deals: the deal's own probability, else its
  stage's (``[stage_probability]`` of the configuration, then the usual defaults), else 0 (counted
  in ``unweighted_count``); ``forecast`` = won + weighted;
* ``run_rate`` = won / elapsed × days(P), elapsed = D − P.start + 1 calendar days, D capped at P.end
  (None before P starts);
* ``quota`` = ``--quota``, else ``[targets] revenue`` of the configuration, else Σ of the reps'
  quotas for P prorated for days employed (:func:`kpis.credit.prorated_quotas`, the report's revenue
  target); None when there is none;
* ``p_hit_quota`` = P(won + Σ amounts of the open deals that close ≥ quota), each open deal closing
  independently with its probability and its full amount; ``p10``/``p50``/``p90`` the percentiles
  of that final amount (:mod:`kpis.forecast.distribution`); ``method`` says exact or simulation;
* ``commit`` / ``best_case`` when deals carry a forecast category (Salesforce ``Commit``,
  ``Best Case``, ``Pipeline``, ``Omitted``; HubSpot's words; French translations): commit = won +
  Σ amount of the open deals in Commit; best_case = commit + Σ amount of those in Best Case
  (Salesforce's cumulative categories). None when the column is absent;
* ``pacing``: won by the same day of the previous period and of the same period last year
  (D shifted by the same number of days from their start, capped at their end), and their totals.

``by="rep"`` adds one such forecast per rep (``deals.rep``, no split: the forecast is about deals
closing, not about commission credit), each with its own prorated quota.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..config import Config
from ..dataset import Dataset
from ..periods import Period
from .distribution import MAX_SUPPORT, N_SIMULATIONS, SEED, outcome_distribution

PERCENTILES = (("p10", 0.10), ("p50", 0.50), ("p90", 0.90))

# Forecast category words (folded) → canonical category.
CATEGORY_WORDS: dict[str, str] = {
    "commit": "commit", "committed": "commit", "engagement": "commit", "engage": "commit", "valide": "commit",
    "prevision ferme": "commit", "ferme": "commit",
    "best case": "best_case", "bestcase": "best_case", "best": "best_case", "meilleur cas": "best_case",
    "meilleur scenario": "best_case", "probable": "best_case", "upside": "best_case",
    "pipeline": "pipeline", "pipe": "pipeline", "open": "pipeline",
    "omitted": "omitted", "omis": "omitted", "omise": "omitted", "exclu": "omitted", "not forecasted": "omitted",
    "non prevu": "omitted", "non prevue": "omitted", "hors prevision": "omitted",
    "closed": "closed", "closed won": "closed", "ferme gagne": "closed", "gagne": "closed",
}


@dataclass(frozen=True)
class Options:
    """How the distribution is computed (tests force a method or a smaller support)."""

    max_support: int = MAX_SUPPORT
    n_sims: int = N_SIMULATIONS
    seed: int = SEED
    method: str | None = None


def forecast(ds: Dataset, period: Period, config: Config | None = None, *, as_of: date | None = None,
             quota: float | None = None, by: str | None = None, options: Options = Options()) -> dict[str, Any]:
    """The forecast of ``period`` (see the module docstring) as a JSON-ready dict."""
    from ..engine import reference_date

    cfg = config or Config()
    day = as_of or reference_date(ds) or date.today()
    deals = _deals(ds)
    team_quota = quota if quota is not None else _team_quota(ds, period, cfg)
    out = {"period": period.label, "start": period.start.isoformat(), "end": period.end.isoformat(),
           "as_of": day.isoformat(), "currency": cfg.currency,
           **forecast_deals(deals, period, day, cfg.stage_probability, team_quota, options)}
    out["quota_source"] = "option" if quota is not None else ("config" if "revenue" in cfg.targets else
                                                              ("targets" if team_quota is not None else None))
    out["pacing"] = pacing(deals, period, day)
    if by == "rep":
        out["by"] = {"rep": _by_rep(ds, deals, period, day, cfg, options)}
    return out


def forecast_deals(deals: pd.DataFrame, period: Period, as_of: date, stage_probability: Mapping[str, float] | None,
                   quota: float | None, options: Options = Options()) -> dict[str, Any]:
    """The figures of the module docstring for a canonical deals frame (the pure core)."""
    won = won_between(deals, period.start, min(as_of, period.end)) if as_of >= period.start else 0.0
    rows = open_in_period(deals, period, as_of)
    amount = rows["amount"].astype("float64")
    prob = win_probabilities(rows, stage_probability)
    weighted = float((amount.fillna(0.0) * prob.fillna(0.0)).sum())
    dist = outcome_distribution(won, amount.to_numpy(), prob.fillna(0.0).to_numpy(), max_support=options.max_support,
                                n_sims=options.n_sims, seed=options.seed, method=options.method)  # type: ignore[arg-type]
    elapsed = (min(as_of, period.end) - period.start).days + 1
    out: dict[str, Any] = {
        "won": won,
        "open_count": int(len(rows)),
        "open_amount": float(amount.fillna(0.0).sum()),
        "weighted": weighted,
        "forecast": won + weighted,
        "run_rate": won / elapsed * period.days if elapsed > 0 else None,
        "quota": float(quota) if quota is not None else None,
        "p_hit_quota": dist.p_at_least(quota) if quota is not None else None,
        **{name: dist.percentile(q) for name, q in PERCENTILES},
        "method": dist.method,
        "unweighted_count": int(prob.isna().sum()),
        "days_elapsed": max(elapsed, 0),
        "days_in_period": period.days,
    }
    if dist.method == "simulation":
        out["simulations"], out["seed"] = dist.n_sims, dist.seed
    out.update(categories(rows, won))
    return out


# -- the pieces ------------------------------------------------------------------------------------
def _deals(ds: Dataset) -> pd.DataFrame:
    d = ds.get("deals")
    return d if d is not None else pd.DataFrame(columns=["status", "amount"])


def _col(df: pd.DataFrame, name: str, kind: str = "date") -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series(pd.NaT if kind == "date" else np.nan, index=df.index,
                     dtype="datetime64[ns]" if kind == "date" else ("float64" if kind == "number" else object))


def won_between(deals: pd.DataFrame, start: date, end: date) -> float:
    """Σ amount of deals won with close_date in [start, end] (missing amounts count 0)."""
    close = pd.to_datetime(_col(deals, "close_date"), errors="coerce")
    mask = _col(deals, "status", "text").eq("won") & (close >= pd.Timestamp(start)) & (close <= pd.Timestamp(end))
    return float(pd.to_numeric(_col(deals, "amount", "number"), errors="coerce")[mask.fillna(False).astype(bool)].fillna(0.0).sum())


def open_in_period(deals: pd.DataFrame, period: Period, as_of: date) -> pd.DataFrame:
    """Deals open at ``as_of`` whose expected_close_date falls in ``period`` (module docstring)."""
    day = pd.Timestamp(as_of)
    status = _col(deals, "status", "text")
    close = pd.to_datetime(_col(deals, "close_date"), errors="coerce")
    created = pd.to_datetime(_col(deals, "created_date"), errors="coerce")
    expected = pd.to_datetime(_col(deals, "expected_close_date"), errors="coerce")
    open_then = status.eq("open") | (status.isin(("won", "lost")) & (close > day))
    mask = open_then & (created.isna() | (created <= day)) & period.contains(expected)
    rows = deals.loc[mask.fillna(False).astype(bool)].copy()
    if "amount" not in rows.columns:
        rows["amount"] = np.nan
    return rows


def win_probabilities(rows: pd.DataFrame, stage_probability: Mapping[str, float] | None) -> pd.Series:
    """The deal's probability, else its stage's (configuration, then defaults), clipped to [0, 1];
    NaN when neither is known (such deals count at 0 and are counted)."""
    from ..engine.words import stage_probabilities

    p = pd.to_numeric(_col(rows, "probability", "number"), errors="coerce").astype("float64")
    if "stage" in rows.columns:
        p = p.fillna(stage_probabilities(rows["stage"], stage_probability))
    return p.clip(0.0, 1.0)


def category_of(values: pd.Series) -> pd.Series:
    """Canonical forecast category of each value (``commit``, ``best_case``, ``pipeline``,
    ``omitted``, ``closed``) or None for a word not known."""
    from ..text import fold

    table = {u: CATEGORY_WORDS.get(fold(u)) for u in values.dropna().unique()}
    return values.map(table)


def categories(rows: pd.DataFrame, won: float) -> dict[str, Any]:
    """``commit`` and ``best_case`` (None without a forecast category column)."""
    if "forecast_category" not in rows.columns:
        return {"commit": None, "best_case": None}
    cat = category_of(rows["forecast_category"])
    amount = rows["amount"].astype("float64").fillna(0.0)
    commit = won + float(amount[cat.eq("commit").fillna(False).astype(bool)].sum())
    best = commit + float(amount[cat.eq("best_case").fillna(False).astype(bool)].sum())
    return {"commit": commit, "best_case": best}


def pacing(deals: pd.DataFrame, period: Period, as_of: date) -> dict[str, Any]:
    """Won by the same day of the previous period and of the same period a year earlier."""
    offset = (min(as_of, period.end) - period.start).days
    out: dict[str, Any] = {}
    for key, other in (("previous", period.previous()), ("year_ago", period.year_ago())):
        if offset < 0:
            to_date, same_day = 0.0, None
        else:
            same_day = min(other.start + timedelta(days=offset), other.end)
            to_date = won_between(deals, other.start, same_day)
        out[key] = {"period": other.label, "as_of": same_day.isoformat() if same_day else None,
                    "won_to_date": to_date, "won_total": won_between(deals, other.start, other.end)}
    return out


def _team_quota(ds: Dataset, period: Period, cfg: Config) -> float | None:
    if "revenue" in cfg.targets:
        return float(cfg.targets["revenue"])
    q = _rep_quotas(ds, period)
    return float(q.sum()) if len(q) else None


def _rep_quotas(ds: Dataset, period: Period) -> pd.Series:
    from ..credit import prorated_quotas

    return prorated_quotas(ds.get("targets"), ds.get("team"), period, ramp=None)


def _by_rep(ds: Dataset, deals: pd.DataFrame, period: Period, as_of: date, cfg: Config, options: Options) -> dict[str, Any]:
    quotas = _rep_quotas(ds, period)
    reps = _col(deals, "rep", "text")
    names = sorted({str(r) for r in reps.dropna().unique()} | set(quotas.index.astype(str)), key=str.casefold)
    out: dict[str, Any] = {}
    for name in names:
        mine = deals.loc[reps.astype(object).eq(name).fillna(False).astype(bool)]
        q = quotas.get(name)
        out[name] = forecast_deals(mine, period, as_of, cfg.stage_probability, float(q) if q is not None else None, options)
    return out
