"""Sentences a manager can paste into an e-mail, built from the report's own numbers (no external
service): for the team (the summary page) and for each rep (their page).

Team, in this order:

1. revenue of the period, its change against the previous period and its share of the target;
2. win rate (change in points), deals won, average deal size, sales cycle;
3. what drove the change: the two reps, the product and the source whose revenue moved most in the
   direction of the team's change (revenue of the period − revenue of the previous period, by key);
4. the best performer (highest quota attainment; highest revenue when nobody has a quota) and the
   two reps furthest below quota (attainment under 100 %, lowest first);
5. where the period will land (:mod:`kpis.forecast`): the period in progress at the as-of date --
   the report's period when it is not over, else the following one (a monthly report of October
   made on 13 November forecasts November);
6. how many deals need attention: the report's "Deals to watch" list (:mod:`.attention`), so the
   two counts agree; no sentence when that page has no list.

Each rep: their revenue against their previous period and quota, their win rate and deals won, the
products that drove their change, their rank on attainment, their forecast, their deals needing
attention. Numbers are the engine's, written as the report's cells show them (:mod:`.numbers`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence

import pandas as pd

from ..config import Config
from ..dataset import Dataset
from ..i18n import message, normalise_lang
from ..periods import Period, month
from . import numbers as N
from .attention import Attention, attention_of

TEAM_KPIS = ("revenue", "quota_attainment", "win_rate", "deals_won", "average_deal_size", "sales_cycle_days")
DRIVER_DIMS = ("rep", "product", "source")


@dataclass
class Commentary:
    lang: str
    period: Period
    as_of: date
    forecast_period: Period
    forecast: dict[str, Any]
    summary: list[str] = field(default_factory=list)
    reps: dict[str, list[str]] = field(default_factory=dict)
    attention: int = 0
    forecast_sentence: str = ""

    def text(self, rep: str | None = None) -> str:
        """The sentences as one paragraph (the team's, or a rep's)."""
        return " ".join(self.summary if rep is None else self.reps.get(rep, []))

    def to_json(self) -> dict[str, Any]:
        return {"lang": self.lang, "period": self.period.label, "as_of": self.as_of.isoformat(),
                "forecast_period": self.forecast_period.label, "summary": self.summary, "reps": self.reps,
                "attention": self.attention}


def landing_period(period: Period, as_of: date) -> Period:
    """The period whose landing is forecast: ``period`` while it is not over at ``as_of``, else the
    next period of the same length that holds ``as_of`` (the month of ``as_of`` when far off)."""
    if as_of <= period.end:
        return period
    p = period
    for _ in range(24):
        p = p.next()
        if p.start <= as_of <= p.end:
            return p
    return month(as_of.year, as_of.month)


def build_commentary(ds: Dataset, period: Period, config: Config | None = None, *, lang: str | None = None,
                     as_of: date | None = None, reps: Sequence[str] | None = None,
                     evaluator: Any = None) -> Commentary:
    """The team's and every rep's sentences (module docstring). ``evaluator``: the report's own
    (:class:`kpis.engine.Evaluator` of the same dataset, configuration and date), whose KPIs are
    then not computed again."""
    from ..engine import Evaluator, compute, reference_date
    from ..forecast import forecast
    from ..report.labels import long_date, period_label

    cfg = dataclasses.replace(config or Config(), lang=normalise_lang(lang or (config.lang if config else "fr")))
    lg, cur = cfg.lang, cfg.currency
    day = as_of or reference_date(ds) or date.today()
    same = evaluator is not None and evaluator.ds is ds and evaluator.as_of == day and evaluator.config == cfg
    ev = evaluator if same else Evaluator(ds, cfg, day)
    res = compute(ds, period, config=cfg, kpis=list(TEAM_KPIS), by=DRIVER_DIMS, evaluator=ev)
    prev = compute(ds, period.previous(), config=cfg, kpis=list(TEAM_KPIS), by=DRIVER_DIMS, compare=False, evaluator=ev)
    fp = landing_period(period, day)
    fc = forecast(ds, fp, cfg, as_of=day, by="rep")
    deals = ds.get("deals")
    attention = attention_of(ds, cfg, day, lg)
    words = {"period": period_label(period, lg), "prev_label": period_label(period.previous(), lg),
             "fp": period_label(fp, lg), "as_of": long_date(day, lg)}
    out = Commentary(lg, period, day, fp, fc, attention=attention.count if attention is not None else 0)

    # -- the team --------------------------------------------------------------------------------
    rev = res["revenue"]
    s = out.summary
    s.append(_revenue_sentence("cm_revenue", {}, rev.value, rev.previous, rev.change, rev.target,
                               res["quota_attainment"].value, words, lg, cur))
    s.append(_kpis_sentence(res["win_rate"].value, res["win_rate"].change, res["deals_won"].value,
                            res["average_deal_size"].value, res["sales_cycle_days"].value, lg, cur))
    drivers = _drivers_sentence(res, prev, rev.value, rev.previous, lg, cur)
    if drivers:
        s.append(drivers)
    s.extend(_performers(res, lg, cur))
    out.forecast_sentence = _forecast_sentence(fc, words, lg, cur)
    s.append(out.forecast_sentence)
    if attention is not None:
        s.append(_attention_sentence(attention, lg))

    # -- each rep --------------------------------------------------------------------------------
    names = list(reps) if reps is not None else _rep_names(res, fc)
    attainment = _by(res, "quota_attainment", "rep")
    ranked = sorted(((v, k) for k, v in attainment.items() if _num(v)), key=lambda t: -t[0])
    for name in names:
        out.reps[name] = _rep_sentences(name, res, prev, fc, ranked, words, lg, cur, deals,
                                        attention.of(name) if attention is not None else None,
                                        period)
    return out


# -- sentences ---------------------------------------------------------------------------------------
def _revenue_sentence(code: str, extra: dict, value, previous, change, target, attain, words, lg, cur,
                      credited: float | None = None) -> str:
    """``credited``: a rep's revenue credited after splits, said beside the attainment when it is not
    the revenue of the deals the rep owns (the attainment divides the credited amount)."""
    if not _num(value):
        return message("cm_no_revenue", lg, period=words["period"])
    vs_prev = ""
    if _num(previous) and _num(change):
        vs_prev = message("cm_vs_prev", lg, change=N.change(change, "relative", "money", lg),
                          prev_label=words["prev_label"], prev=N.money(previous, lg, cur))
    vs_target = ""
    if _num(target) and target:
        a = N.pct(attain if _num(attain) else value / target, lg)
        if credited is not None and abs(credited - float(value)) >= 0.005:
            vs_target = message("cm_vs_target_credited", lg, credited=N.money(credited, lg, cur), attain=a,
                                target=N.money(target, lg, cur))
        else:
            vs_target = message("cm_vs_target", lg, attain=a, target=N.money(target, lg, cur))
    period = _cap(words["period"]) if code == "cm_revenue" else words["period"]
    return message(code, lg, period=period, revenue=N.money(value, lg, cur), vs_prev=vs_prev,
                   vs_target=vs_target, **extra)


def _kpis_sentence(win_rate, win_change, won, avg, cycle, lg, cur) -> str:
    one = won == 1 or (lg == "fr" and not won)  # « 0 vente » in French, "0 deals" in English
    return message("cm_kpis_one" if one else "cm_kpis", lg,
                   win_rate=N.pct(win_rate, lg) if _num(win_rate) else "—",
                   win_change=f" ({N.change(win_change, 'points', 'ratio', lg)})" if _num(win_change) else "",
                   won=N.count(won or 0, lg), avg=N.money(avg, lg, cur) if _num(avg) else "—",
                   cycle=message("cm_cycle", lg, cycle=N.days(cycle, lg)) if _num(cycle) else "")


def _contributions(now: dict[str, Any], before: dict[str, Any]) -> dict[str, float]:
    keys = set(now) | set(before)
    return {k: float(now.get(k) or 0.0) - float(before.get(k) or 0.0) for k in keys if k != "(none)"}


def _top(contrib: dict[str, float], up: bool, n: int) -> list[tuple[str, float]]:
    items = [(k, v) for k, v in contrib.items() if (v > 0 if up else v < 0)]
    return sorted(items, key=lambda t: (-abs(t[1]), t[0]))[:n]


def _drivers_sentence(res, prev, value, previous, lg, cur) -> str | None:
    if not (_num(value) and _num(previous)) or value == previous:
        return None
    up = value > previous
    parts: list[str] = []
    for dim, n, code in (("rep", 2, None), ("product", 1, "cm_by_product"), ("source", 1, "cm_by_source")):
        top = _top(_contributions(_by(res, "revenue", dim), _by(prev, "revenue", dim)), up, n)
        if not top:
            continue
        items = N.join([f"{k} ({N.signed_money(v, lg, cur)})" for k, v in top], lg)
        parts.append(items if code is None else message(code, lg, items=items))
    if not parts:
        return None
    return message("cm_up" if up else "cm_down", lg, items=" ; ".join(parts) if lg == "fr" else "; ".join(parts))


def _performers(res, lg, cur) -> list[str]:
    """The best performer on quota attainment (every rep tied with it named, not the first
    alphabetically), then the furthest below quota among the others; on revenue without quotas."""
    attain = {k: v for k, v in _by(res, "quota_attainment", "rep").items() if _num(v) and k != "(none)"}
    revenue = _by(res, "revenue", "rep")
    if not attain:
        best = sorted(((v, k) for k, v in revenue.items() if _num(v) and k != "(none)"), key=lambda t: (-t[0], t[1]))
        if not best:
            return []
        tied = [k for v, k in best if v == best[0][0]]
        if len(tied) > 1:
            return [message("cm_best_revenue_tied", lg, names=N.join(tied, lg), revenue=N.money(best[0][0], lg, cur))]
        return [message("cm_best_revenue", lg, name=best[0][1], revenue=N.money(best[0][0], lg, cur))]
    order = sorted(attain.items(), key=lambda t: (-t[1], t[0]))
    name, a = order[0]
    if a <= 0:  # nobody has credited revenue against quota: no "best performer" at 0 %
        return [message("cm_none_above_zero", lg)]
    tied = [k for k, v in order if v == a]
    if len(tied) > 1:
        out = [message("cm_best_tied", lg, names=N.join(tied, lg), attain=N.pct(a, lg))]
    else:
        credited = _credited(res, name)
        shown = credited if credited is not None else (revenue.get(name) or 0.0)
        out = [message("cm_best", lg, name=name, attain=N.pct(a, lg), revenue=N.money(shown, lg, cur))]
    below = sorted(((v, k) for k, v in attain.items() if v < 1.0 and k not in tied), key=lambda t: (t[0], t[1]))[:2]
    if below:
        out.append(message("cm_below", lg, items=N.join([f"{k} ({N.pct(v, lg)})" for v, k in below], lg)))
    elif all(v >= 1.0 for v in attain.values()):
        out.append(message("cm_all_at_quota", lg))
    return out


def _credited(res, name: str) -> float | None:
    """The revenue credited to ``name`` (splits applied: what its attainment divides), from the
    attainment and the prorated quota it was taken against; None without them."""
    a = _by(res, "quota_attainment", "rep").get(name)
    q = ((res["revenue"].target_by or {}).get("rep", {}) or {}).get(name) if "revenue" in res.kpis else None
    if _num(a) and _num(q) and q:
        return float(a) * float(q)
    return None


def _forecast_sentence(fc: dict[str, Any], words: dict[str, str], lg: str, cur: str, label: str | None = None) -> str:
    if not fc["won"] and not fc["open_count"]:
        return message("cm_forecast_none", lg, period=_cap(label or words["fp"]), as_of=words["as_of"])
    quota = ""
    if fc.get("quota") is not None and fc.get("p_hit_quota") is not None:
        quota = message("cm_forecast_quota", lg, quota=N.money(fc["quota"], lg, cur), p_hit=N.pct(fc["p_hit_quota"], lg))
    text = message("cm_forecast", lg, period=_cap(label or words["fp"]), as_of=words["as_of"],
                   forecast=N.money(fc["forecast"], lg, cur), won=N.money(fc["won"], lg, cur),
                   weighted=N.money(fc["weighted"], lg, cur), quota=quota, p10=N.money(fc["p10"], lg, cur),
                   p90=N.money(fc["p90"], lg, cur))
    n = int(fc.get("unweighted_count") or 0)
    if n:  # counted at 0 %: the forecast is lower than the pipeline says, and the reader should know
        text += " " + message("cm_forecast_unweighted_one" if n == 1 else "cm_forecast_unweighted", lg, n=N.count(n, lg))
    return text


def _attention_sentence(att: Attention, lg: str) -> str:
    """How many deals are to watch, and why (the reasons that occur among them)."""
    n = att.count
    if not n:
        return message("cm_attention_none", lg)
    why = N.join([message(f"cm_why_{r}", lg) for r in att.present()], lg, either=True)
    return message("cm_attention_one", lg, why=why) if n == 1 else message("cm_attention", lg, n=N.count(n, lg), why=why)


def _rep_sentences(name, res, prev, fc, ranked, words, lg, cur, deals, attention, period) -> list[str]:
    rev_now = _by(res, "revenue", "rep").get(name)
    rev_before = _by(prev, "revenue", "rep").get(name)
    value = float(rev_now) if _num(rev_now) else 0.0
    before = float(rev_before) if _num(rev_before) else 0.0
    from ..engine.results import change_between

    change, _ = change_between(value, before, "money")
    quota = (res["revenue"].target_by or {}).get("rep", {}) or {}
    attain = _by(res, "quota_attainment", "rep").get(name)
    out = [_revenue_sentence("cm_rep_revenue", {"name": name}, value, before if rev_before is not None else None, change,
                             quota.get(name), attain, words, lg, cur, credited=_credited(res, name))]
    wr_now, wr_before = _by(res, "win_rate", "rep").get(name), _by(prev, "win_rate", "rep").get(name)
    wr_change = wr_now - wr_before if _num(wr_now) and _num(wr_before) else None
    out.append(_kpis_sentence(wr_now, wr_change, _by(res, "deals_won", "rep").get(name) or 0,
                              _by(res, "average_deal_size", "rep").get(name), _by(res, "sales_cycle_days", "rep").get(name), lg, cur))
    if value != before:
        top = _top(_product_contrib(deals, name, period), value > before, 2)
        if top:
            items = N.join([f"{k} ({N.signed_money(v, lg, cur)})" for k, v in top], lg)
            out.append(message("cm_rep_up" if value > before else "cm_rep_down", lg, items=items))
    mine_a = next((v for v, k in ranked if k == name), None)
    if mine_a is not None and len(ranked) > 1:  # a rank among one says nothing ("1st of 1 reps")
        rank = 1 + sum(1 for v, _ in ranked if v > mine_a)  # ties share the better rank
        tied = sum(1 for v, _ in ranked if v == mine_a) > 1
        out.append(message("cm_rank_tied" if tied else "cm_rank", lg, rank=_cap(N.ordinal(rank, lg)) if not tied
                           else N.ordinal(rank, lg), n=len(ranked)))
    mine = ((fc.get("by") or {}).get("rep") or {}).get(name)
    if mine is not None:
        out.append(_forecast_sentence(mine, words, lg, cur))
    if attention is not None:
        out.append(_attention_sentence(attention, lg))
    return out


def _product_contrib(deals: pd.DataFrame | None, name: str, period: Period) -> dict[str, float]:
    """Revenue by product of the rep's won deals, this period minus the previous one."""
    if deals is None or not {"rep", "product", "amount", "status", "close_date"} <= set(deals.columns):
        return {}
    mine = deals.loc[deals["rep"].astype(object).eq(name).fillna(False).astype(bool) & deals["status"].eq("won")]

    def by_product(p: Period) -> dict[str, Any]:
        rows = mine.loc[p.contains(mine["close_date"]).fillna(False).astype(bool)]
        return rows.groupby("product")["amount"].sum().to_dict()

    return _contributions(by_product(period), by_product(period.previous()))


# -- helpers -----------------------------------------------------------------------------------------
def _by(res, kpi_id: str, dim: str) -> dict[str, Any]:
    r = res.kpis.get(kpi_id)
    if r is None or not r.by:
        return {}
    return r.by.get(dim) or {}


def _rep_names(res, fc) -> list[str]:
    names = {k for k in _by(res, "revenue", "rep") if k != "(none)"}
    names |= set(((fc.get("by") or {}).get("rep") or {}))
    return sorted(names, key=str.casefold)


def _num(x: Any) -> bool:
    import math

    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]
