"""The report's forecast page and commentary: what :func:`kpis.report.context.build_context` adds for
them (kept here, apart from the rest of the context).

* ``commentary`` -- ``{"text", "sentences"}``: the team's sentences (:mod:`kpis.commentary`), shown
  at the top of the summary; each rep's context gets ``commentary`` (their sentences as one text);
* ``forecast`` -- the figures of :func:`kpis.forecast.forecast` for the period in progress at the data
  date (:func:`kpis.commentary.landing_period`), plus ``period_label``, ``as_of_text``,
  ``method_text``, ``sentence`` (the commentary's forecast sentence), the pacing figures flattened
  (``previous_won_to_date``, ``year_ago_won_to_date`` and their labels) and ``chart`` -- the three
  bars of the bullet chart (won + weighted; P10 offset, P10→P50, P50→P90; quota);
* ``forecast_by_rep`` -- one row per rep: won, weighted, forecast, quota, p_hit_quota, p10, p50, p90.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..config import Config
from ..dataset import Dataset
from ..i18n import message
from ..periods import Period
from .labels import long_date, period_label

REP_COLUMNS = ("won", "weighted", "forecast", "quota", "p_hit_quota", "p10", "p50", "p90")


def forecast_context(ds: Dataset, period: Period, cfg: Config, as_of: dt.date | None,
                     reps: Sequence[dict[str, Any]], evaluator: Any = None) -> dict[str, Any]:
    """The context keys of the module docstring; adds ``commentary`` to each rep dict of ``reps``
    (``evaluator``: the report's, its KPIs reused by the commentary)."""
    from ..commentary import build_commentary
    from ..forecast.messages import method_text

    lang = cfg.lang
    names = [r["name"] for r in reps]
    c = build_commentary(ds, period, cfg, lang=lang, as_of=as_of, reps=names, evaluator=evaluator)
    for r in reps:
        r["commentary"] = c.text(r["name"])
    fc = c.forecast
    figures = {k: v for k, v in fc.items() if k not in ("by", "pacing")}
    pacing = fc.get("pacing") or {}
    for key in ("previous", "year_ago"):
        pc = pacing.get(key) or {}
        figures[f"{key}_won_to_date"] = pc.get("won_to_date")
        figures[f"{key}_won_total"] = pc.get("won_total")
        figures[f"{key}_label"] = message(f"fc_pacing_{key}", lang, period=_label(pc.get("period"), c.forecast_period, key, lang))
    figures.update(
        period_label=period_label(c.forecast_period, lang),
        as_of_text=long_date(c.as_of, lang),
        method_text=method_text(fc, lang),
        sentence=c.forecast_sentence,
        chart=_chart(fc),
    )
    return {
        "commentary": {"text": c.text(), "sentences": list(c.summary)},
        "forecast": figures,
        "forecast_by_rep": _by_rep(fc, names),
    }


def _label(code: str | None, fp: Period, key: str, lang: str) -> str:
    other = fp.previous() if key == "previous" else fp.year_ago()
    return period_label(other, lang)


def _chart(fc: dict[str, Any]) -> dict[str, float]:
    """Stacked horizontal bars: row 1 won | weighted; row 2 (invisible) P10 | P50 − P10 | P90 − P50;
    row 3 quota."""
    p10, p50, p90 = (float(fc[k] or 0.0) for k in ("p10", "p50", "p90"))
    return {"won": float(fc["won"]), "weighted": float(fc["weighted"]), "p10": p10, "p10_p50": p50 - p10,
            "p50_p90": p90 - p50, "quota": float(fc["quota"] or 0.0)}


def _by_rep(fc: dict[str, Any], names: Sequence[str]) -> pd.DataFrame:
    by = (fc.get("by") or {}).get("rep") or {}
    rows = [{"rep": n, **{c: _f(by[n].get(c)) for c in REP_COLUMNS}} for n in names if n in by]
    return pd.DataFrame(rows, columns=["rep", *REP_COLUMNS]).astype({c: "float64" for c in REP_COLUMNS})


def _f(v: Any) -> float:
    return float(v) if isinstance(v, (int, float)) and v is not None and np.isfinite(v) else np.nan

