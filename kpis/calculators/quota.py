"""The quota planner: a target for a period split into quotas per rep, and the reverse funnel.

``plan_quotas(ds, period, target, method=..., config=...)``:

1. **Who** -- the reps of the team table employed at some point in the period whose role carries a
   revenue quota (``AE`` or no role; managers, SDRs and BDRs are left out), else (no team table) the
   reps with a won deal in the trailing 12 months or a row in the targets table; or the ``reps`` given.
2. **Capacity** -- ``capacity(rep) = mean over the period's months of (days employed / days of the
   month × ramp factor)``, with :func:`kpis.credit.prorated_quotas`' conventions (the month containing
   hire_date is month 1; default ramp ``Config.ramp`` = 25 % / 50 % / 75 %). A full-capacity rep has 1.
3. **Full quotas** (what each rep would carry at full capacity):

   * ``equal`` -- ``target / number of reps``;
   * ``history`` -- ``target × weight / Σ weights`` with ``weight`` = the rep's credited revenue over
     the 12 months before the period, annualised when the rep was employed only part of them
     (``revenue / share of the 12 months employed``); a rep with no revenue in them (a new hire) gets
     the median weight of the others;
   * ``growth`` -- bottom-up: ``monthly run-rate × months of the period × (1 + growth)`` with the same
     12-month run-rate (median run-rate for reps without history). Not scaled to the target: the point
     of a bottom-up plan is to show what history supports; ``gap`` = target − Σ quotas says what is
     missing (the target may be omitted).

4. **Quota** = full quota × capacity. The ramp and proration shortfall ``Σ full × (1 − capacity)`` is,
   for ``equal`` and ``history``, **redistributed to the reps at full capacity in proportion to their
   full quotas, so that Σ quotas = target** (the team still owes the whole target; a new hire carries
   exactly their ramp share of a normal quota). With no rep at full capacity it is spread over all reps
   in proportion to full quota × capacity. ``redistribute=False`` keeps the shortfall unassigned
   (``gap`` shows it). ``growth`` plans are never redistributed.

The reverse funnel (:func:`reverse_funnel`) per rep, from the rep's rates over the ``Config.history_months``
(6) months before the period -- the team's rates when the rep closed fewer than
``Config.min_history_deals`` deals (won + lost) in them, or when one of the rep's rates has no data::

    deals needed         = ⌈quota / average_deal_size⌉
    pipeline needed      = quota / win_rate
    opportunities needed = ⌈deals needed / win_rate⌉
    meetings needed      = ⌈opportunities needed / (new_opportunities / meetings)⌉
    calls needed         = ⌈meetings needed / (meetings / calls)⌉

The rates are KPIs of the registry (``average_deal_size``, ``win_rate``) or ratios of registry KPIs
(``new_opportunities / meetings``, ``meetings / calls``), computed by the KPI engine broken down by
rep: the planner never re-implements a KPI formula. A rate without data leaves the steps after it empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

import numpy as np
import pandas as pd

from ..config import Config
from ..credit import credit_lines, employed_fraction, prorated_quotas
from ..dataset import Dataset
from ..errors import Note
from ..money import round_cents, spread_cents
from ..periods import Period, month
from .errors import CalculatorError

Method = Literal["equal", "history", "growth"]
METHODS: tuple[str, ...] = ("equal", "history", "growth")
NON_QUOTA_ROLES = ("manager", "SDR", "BDR")
RATE_COLUMNS = ("average_deal_size", "win_rate", "opportunities_per_meeting", "meetings_per_call")
FUNNEL_COLUMNS = ("deals_needed", "pipeline_needed", "opportunities_needed", "meetings_needed", "calls_needed")


@dataclass
class QuotaPlan:
    period: Period
    method: str
    target: float | None
    growth: float | None
    table: pd.DataFrame  # rep, capacity, basis, full_quota, quota, rates..., rates_from, funnel steps
    history_window: Period
    rates_window: Period
    notes: list[Note] = field(default_factory=list)

    @property
    def total(self) -> float:
        return float(self.table["quota"].sum())

    @property
    def gap(self) -> float | None:
        return None if self.target is None else round(self.target - self.total, 2)

    def to_dict(self) -> dict[str, Any]:
        recs = self.table.astype(object).where(self.table.notna(), None).to_dict(orient="records")
        for r in recs:
            for k, v in r.items():
                if isinstance(v, np.generic):
                    r[k] = v.item()
        return {
            "period": {**self.period.as_dict(), "label": self.period.label},
            "method": self.method,
            "target": self.target,
            "growth": self.growth,
            "total": round(self.total, 2),
            "gap": self.gap,
            "history_window": self.history_window.as_dict(),
            "rates_window": self.rates_window.as_dict(),
            "reps": {r.pop("rep"): r for r in recs},
        }


def months_before(period: Period, n: int) -> Period:
    """The ``n`` whole calendar months just before the month ``period`` starts in."""
    return month(period.start.year, period.start.month).previous().trailing(n)


def plan_quotas(
    ds: Dataset,
    period: Period,
    target: float | None,
    *,
    method: Method = "equal",
    growth: float = 0.0,
    config: Config | None = None,
    ramp: Sequence[float] | None = None,
    redistribute: bool = True,
    reps: Sequence[str] | None = None,
    funnel: bool = True,
) -> QuotaPlan:
    """Quotas per rep for ``period`` and their reverse funnel; see the module docstring.

    ``ramp`` defaults to ``config.ramp``; pass ``[]`` for no ramp. ``target`` is required except for
    the ``growth`` method.
    """
    config = config or Config()
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    if target is None and method != "growth":
        raise ValueError("a target is required for the equal and history methods")
    if target is not None and (not math.isfinite(target) or target < 0):
        raise ValueError("the target must be a positive amount")
    ramp = list(config.ramp) if ramp is None else list(ramp)
    team = ds.get("team")
    history = months_before(period, 12)
    rates_window = months_before(period, config.history_months)
    who = pd.Index(sorted(set(reps)) if reps is not None else _quota_reps(ds, period, history), name="rep", dtype=object)
    if len(who) == 0:
        raise CalculatorError("calc_missing_input", config.lang, what="team.rep / deals.rep")

    # capacity: prorated_quotas on a quota of 1 per month gives Σ (days fraction × ramp) over months
    months = period.month_periods()
    ones = pd.DataFrame({"rep": np.repeat(np.asarray(who, dtype=object), len(months)),
                         "period": np.tile(pd.to_datetime([m.start.replace(day=1) for m in months]), len(who)),
                         "quota": 1.0})
    n_months = sum(m.days / _month_days(m) for m in months)  # a custom period cutting months: fractional
    capacity = (prorated_quotas(ones, team, period, ramp=ramp or None).reindex(who).fillna(0.0) / n_months).clip(0, 1)

    guesses: list[Note] = []
    run_rate = None
    outside_team = reps is None and team is not None
    credited = _credited_over(ds, history) if method in ("history", "growth") or outside_team else None
    if method in ("history", "growth"):
        run_rate, imputed, median = _run_rate(credited, history, who, team)
        if imputed:  # a new hire, a rep without revenue: the others' median stands for theirs, said
            guesses.append(Note("calc_quota_median_basis", {"reps": ", ".join(imputed), "median": round(median, 2),
                                                            "months": round(history.months)}))
    if outside_team and credited is not None:
        # reps who sold but whom the plan leaves out (not in the team table, or in a role without quota)
        outside = credited[(~credited.index.isin(who)) & (credited > 0)].sort_index()
        if len(outside):
            guesses.append(Note("calc_quota_not_in_team", {"reps": ", ".join(outside.index),
                                                           "revenue": round(float(outside.sum()), 2),
                                                           "months": round(history.months)}))
    if method == "equal":
        assert target is not None  # checked above
        basis = pd.Series(1.0, index=who)
        full = pd.Series(target / len(who), index=who)
    elif method == "history":
        assert target is not None and run_rate is not None
        basis = run_rate
        full = target * basis / basis.sum() if basis.sum() > 0 else pd.Series(target / len(who), index=who)
    else:
        assert run_rate is not None
        basis = run_rate
        full = run_rate * n_months * (1.0 + growth)
    quota = full * capacity
    if method != "growth" and redistribute and target is not None:
        quota = _redistribute(full, capacity, quota, target)

    table = pd.DataFrame({"rep": who, "capacity": capacity.to_numpy(), "basis": basis.reindex(who).to_numpy(),
                          "full_quota": _cents_adding_up(full.reindex(who)), "quota": _cents_adding_up(quota.reindex(who))})
    notes: list[Note] = []
    if funnel:
        rates, from_, notes = funnel_rates(ds, rates_window, who, config)
        table = table.merge(rates, left_on="rep", right_index=True, how="left")
        table["rates_from"] = table["rep"].map(from_)
        steps = reverse_funnel(table.set_index("rep")["quota"], rates)
        table = table.merge(steps, left_on="rep", right_index=True, how="left")
    return QuotaPlan(period, method, target, growth if method == "growth" else None, table.reset_index(drop=True),
                     history, rates_window, guesses + notes)


def _cents_adding_up(q: pd.Series) -> np.ndarray:
    """Quotas in whole cents whose sum is their exact sum rounded (the target when they share one:
    10,000 over three reps is 3,333.34 + 3,333.33 + 3,333.33, not a gap of 0.01)."""
    v = q.to_numpy(dtype="float64")
    if len(v) and np.isfinite(v).all() and (v >= 0).all() and v.sum() > 0:
        return spread_cents(float(v.sum()), v)
    return np.asarray(round_cents(v), dtype="float64")


def _month_days(m: Period) -> int:
    return month(m.start.year, m.start.month).days


def _quota_reps(ds: Dataset, period: Period, history: Period) -> list[str]:
    team = ds.get("team")
    if team is not None and "rep" in team.columns and team["rep"].notna().any():
        t = team.loc[team["rep"].notna()]
        if "role" in t.columns:
            t = t.loc[~t["role"].isin(NON_QUOTA_ROLES).fillna(False).astype(bool)]
        reps = pd.Series(t["rep"].unique(), dtype=object)
        frac = employed_fraction(team, reps, period)
        return sorted(reps[frac.to_numpy() > 0])
    found: set[str] = set()
    deals = ds.get("deals")
    if deals is not None and {"rep", "status", "close_date"} <= set(deals.columns):
        found |= set(credit_lines(deals, ds.get("splits"), history)["rep"].dropna())
    targets = ds.get("targets")
    if targets is not None and "rep" in targets.columns:
        found |= set(targets["rep"].dropna())
    return sorted(found)


def _credited_over(ds: Dataset, history: Period) -> pd.Series | None:
    """Credited revenue per rep over ``history`` (splits applied), or None without the deals' inputs."""
    deals = ds.get("deals")
    if deals is None or ds.missing("deals", "status", "close_date", "amount"):
        return None
    return credit_lines(deals, ds.get("splits"), history).groupby("rep")["credited"].sum()


def _run_rate(credited: pd.Series | None, history: Period, who: pd.Index,
              team: pd.DataFrame | None) -> tuple[pd.Series, list[str], float]:
    """Monthly credited revenue over ``history`` per rep (``credited``: :func:`_credited_over`),
    annualised for partial employment; reps without revenue get the median of the others (0 when
    nobody has any). Returns the rates, the reps given the median and the median."""
    if credited is None:
        return pd.Series(0.0, index=who), [], 0.0
    revenue = credited.reindex(who).fillna(0.0)
    employed = employed_fraction(team, pd.Series(who, index=who), history).clip(lower=1e-9)
    rate = revenue / employed / history.months
    positive = rate[rate > 0]
    median = float(positive.median()) if len(positive) else 0.0
    imputed = [str(r) for r in rate.index[~(rate > 0)]] if len(positive) else []
    return rate.where(rate > 0, median).astype("float64"), imputed, median


def _redistribute(full: pd.Series, capacity: pd.Series, quota: pd.Series, target: float) -> pd.Series:
    shortfall = target - quota.sum()
    if shortfall <= 1e-9:
        return quota
    at_full = capacity >= 1 - 1e-9
    if at_full.any() and full[at_full].sum() > 0:
        extra = shortfall * full.where(at_full, 0.0) / full[at_full].sum()
        return quota + extra
    base = full * capacity
    return quota + shortfall * base / base.sum() if base.sum() > 0 else quota


# -- reverse funnel ---------------------------------------------------------------------------
def reverse_funnel(quota: pd.Series, rates: pd.DataFrame) -> pd.DataFrame:
    """Funnel steps per rep from ``quota`` (index rep) and ``rates`` (index rep, columns
    ``RATE_COLUMNS``); see the module docstring. A missing or zero rate leaves later steps empty."""
    r = rates.reindex(quota.index)

    def safe(x: pd.Series) -> pd.Series:
        return x.astype("float64").where(x > 0)

    deals = _ceil(quota / safe(r["average_deal_size"]))
    win = safe(r["win_rate"])
    out = pd.DataFrame(index=quota.index)
    out["deals_needed"] = deals
    out["pipeline_needed"] = (quota / win).round(2)
    out["opportunities_needed"] = _ceil(deals / win)
    out["meetings_needed"] = _ceil(out["opportunities_needed"] / safe(r["opportunities_per_meeting"]))
    out["calls_needed"] = _ceil(out["meetings_needed"] / safe(r["meetings_per_call"]))
    return out


def _ceil(x: pd.Series) -> pd.Series:
    # 10 / 0.1 is 100.00000000000001 in floating point: don't turn it into 101.
    return np.ceil(x.astype("float64") - 1e-9).astype("Int64")


def funnel_rates(ds: Dataset, window: Period, who: pd.Index, config: Config) -> tuple[pd.DataFrame, pd.Series, list[Note]]:
    """Rates per rep over ``window`` from the KPI engine, team rates where the rep lacks history.

    ``average_deal_size`` and ``win_rate`` are registry KPIs; opportunities per meeting and meetings per
    call are quotients of registry KPIs (``new_opportunities / meetings``, ``meetings / calls``) -- a
    ratio of sums, for the rep or for the team. Returns (rates indexed by rep with ``RATE_COLUMNS``,
    "rep"/"team" per rep, notes).
    """
    from ..engine import compute  # late: the engine imports the whole registry

    ids = ("average_deal_size", "win_rate", "new_opportunities", "meetings", "calls", "deals_won", "deals_lost")
    res = compute(ds, window, config=config, kpis=list(ids), by=["rep"], compare=False)

    def team(kpi: str) -> float:
        v = res[kpi].value
        return float(v) if isinstance(v, (int, float)) else np.nan  # these KPIs are numbers

    def by_rep(kpi: str) -> pd.Series:
        b = (res[kpi].by or {}).get("rep") or {}
        return pd.Series({k: (np.nan if v is None else float(v)) for k, v in b.items()}, dtype="float64").reindex(who)

    def quotient(num: pd.Series | float, den: pd.Series | float) -> pd.Series | float:
        if isinstance(den, pd.Series):
            return num / den.where(den > 0)
        return num / den if den and den > 0 else np.nan

    team_rates = {
        "average_deal_size": team("average_deal_size"),
        "win_rate": team("win_rate"),
        "opportunities_per_meeting": quotient(team("new_opportunities"), team("meetings")),
        "meetings_per_call": quotient(team("meetings"), team("calls")),
    }
    rep = pd.DataFrame({
        "average_deal_size": by_rep("average_deal_size"),
        "win_rate": by_rep("win_rate"),
        "opportunities_per_meeting": quotient(by_rep("new_opportunities").fillna(0.0), by_rep("meetings")),
        "meetings_per_call": quotient(by_rep("meetings").fillna(0.0), by_rep("calls")),
    }, index=who)
    closed = by_rep("deals_won").fillna(0.0) + by_rep("deals_lost").fillna(0.0)
    own = (closed >= config.min_history_deals) & rep.notna().all(axis=1)
    team_frame = pd.DataFrame([team_rates] * len(who), index=who, dtype="float64")
    rates = rep.where(own, team_frame)
    rates.index.name = "rep"
    notes = [Note("calc_few_history", {"rep": r, "min": config.min_history_deals, "months": config.history_months}) for r in who[~own.to_numpy()]]
    return rates, pd.Series(np.where(own, "rep", "team"), index=who), notes
