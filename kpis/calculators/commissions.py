"""Commission statements: one per rep and period, every figure traceable to the deals behind it.

``commission_statements(ds, period, config)`` computes, for each rep on a plan, the statement of the
plan period containing ``period`` -- and, because draws and clawbacks need history, every earlier
plan period from the first one with data (or the plan's ``start``), carrying balances forward.

For each payout period *t* of a plan and each rep:

1. **Lines** -- the rep's credit lines (:func:`kpis.credit.credit_lines`: splits, deal-type weights)
   of the deals won in *t*. The *window* is *t* itself, or, with ``attainment = "quarter_to_date"``,
   the quarter from its first month to *t*. Attainment = Σ credited in the window / the window's
   prorated quota (:func:`kpis.credit.prorated_quotas`, ramped when the plan says ``ramp``). The
   window's lines are walked in close-date order through the bands (:func:`tiers.walk`) with the gate
   and the cap (``cap × months in the window``); a line's commission is what the walk gives it minus
   what was already paid for it (non-zero for earlier deals of a quarter-to-date window only: those
   appear as *true-up* lines).
2. **SPIFFs** -- each SPIFF's amount for each deal won in *t* matching its filter, times the rep's
   split share (a split deal pays one SPIFF in total, shared like the revenue). Paid whatever the
   attainment (the gate applies to the rate commission only).
3. **Clawbacks** -- for a plan with ``clawback_days``: every deal already paid whose customer
   (``deals.customer_id``) churns in *t* (``customers.end_date`` in *t*) within ``clawback_days`` of
   the deal's close has its commission reversed: exactly what was paid for it (its line, rounded),
   i.e. at the rate originally paid. SPIFFs are not clawed back. A clawed-back deal no longer counts
   towards later quarter-to-date attainment.
4. **Balance and draw** -- ``earned = commission + spiffs − clawbacks``; ``balance_in`` is what the rep
   owes from earlier periods (negative earnings, recoverable draw advances)::

       recovered = min(balance_in, max(earned, 0))        # past balance deducted from earnings
       deferred  = max(−earned, 0)                        # negative earnings carried, not paid negative
       payable   = max(guarantee, earned − balance_in)    # guarantee = draw × days employed / days, or 0
       draw      = payable − (earned − recovered + deferred)        # the top-up paid under the draw
       balance_out = balance_in − recovered + deferred + (draw if the draw is recoverable else 0)

   so that, exactly, ``Σ lines + spiffs − clawbacks − recovered + deferred + draw = payable``.

Money is rounded to cents on the statement: a line's commission is the difference of the rounded
running totals (so lines add up to the rounded total), SPIFF and clawback lines are rounded one by
one, and balances are carried in cents -- every figure shown adds up exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..config import Config
from ..credit import QuotaRows, credit_lines, employed_fraction, employment_spans
from ..dataset import Dataset
from ..errors import Note
from ..jsonout import dumps
from ..money import round_cents, spread_cents
from ..periods import Period, add_months, month
from .errors import CalculatorError
from .plans import Plan, load_plans, plan_of, unknown_plans
from .tiers import rate_reached, walk



LINE_COLUMNS = ("kind", "deal_id", "account", "close_date", "amount", "share", "weight", "credited", "rate", "commission")
SPIFF_COLUMNS = ("spiff", "deal_id", "account", "close_date", "share", "amount")
CLAWBACK_COLUMNS = ("deal_id", "account", "customer_id", "close_date", "churn_date", "credited", "rate", "amount")


def _r2(x: Any) -> Any:
    """``x`` (a number, Series or array) rounded to the cent as a spreadsheet's ROUND does (half a cent
    away from zero, :func:`kpis.money.round_cents`); no "-0.0" on a statement."""
    return round_cents(x)


@dataclass
class RepStatement:
    rep: str
    plan: str
    period: Period
    credited: float  # Σ credited of the deals won in the period
    credited_to_date: float  # Σ credited of the attainment window (= credited unless quarter-to-date)
    quota: float | None  # the window's prorated quota
    attainment: float | None
    rate: float | None  # rate of the band the attainment reaches
    commission: float
    spiffs: float
    clawbacks: float
    earned: float
    balance_in: float
    recovered: float
    deferred: float
    draw: float
    balance_out: float
    payable: float
    lines: pd.DataFrame
    spiff_lines: pd.DataFrame
    clawback_lines: pd.DataFrame
    notes: list[Note] = field(default_factory=list)
    plan_title: str = ""  # what users read: the plan's ``title`` (kpis.toml), else its name

    @property
    def plan_name(self) -> str:
        """The plan as shown on statements: its title, else its id (``[plans.standard]`` → standard)."""
        return self.plan_title or self.plan

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        def money(x: Any) -> float | None:
            return None if x is None or (isinstance(x, float) and np.isnan(x)) else round(float(x), 2)

        return {
            "plan": self.plan,
            "plan_title": self.plan_name,
            "period": {**self.period.as_dict(), "label": self.period.label},
            "credited": money(self.credited),
            "credited_to_date": money(self.credited_to_date),
            "quota": money(self.quota),
            "attainment": None if self.attainment is None else float(self.attainment),
            "rate": None if self.rate is None else float(self.rate),
            "commission": money(self.commission),
            "spiffs": money(self.spiffs),
            "clawbacks": money(self.clawbacks),
            "earned": money(self.earned),
            "balance_in": money(self.balance_in),
            "recovered": money(self.recovered),
            "deferred": money(self.deferred),
            "draw": money(self.draw),
            "balance_out": money(self.balance_out),
            "payable": money(self.payable),
            "lines": _records(self.lines),
            "spiff_lines": _records(self.spiff_lines),
            "clawback_lines": _records(self.clawback_lines),
            "notes": [{"code": n.code, "message": n.message(lang)} for n in self.notes],
        }


@dataclass
class Statements:
    """The statements of one period, with the per-period history that produced their balances."""

    period: Period
    reps: dict[str, RepStatement]
    history: pd.DataFrame  # one row per (plan period, rep): the summary figures, balances carried
    warnings: list[Note] = field(default_factory=list)
    currency: str = "EUR"

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "period": {**self.period.as_dict(), "label": self.period.label},
            "currency": self.currency,
            "reps": {rep: st.to_dict(lang) for rep, st in self.reps.items()},
            "warnings": [{"code": n.code, "message": n.message(lang)} for n in self.warnings],
        }

    def to_json(self, lang: str = "en", indent: int | None = 2) -> str:
        return dumps(self.to_dict(lang), indent=indent)

    def summary(self) -> pd.DataFrame:
        """One row per rep: the statement's figures (no lines)."""
        cols = ["plan", "credited", "quota", "attainment", "commission", "spiffs", "clawbacks", "draw", "recovered", "deferred", "payable", "balance_out"]
        rows = [{"rep": r, **{c: getattr(s, c) for c in cols}} for r, s in self.reps.items()]
        return pd.DataFrame(rows, columns=["rep", *cols])

    @property
    def has_problems(self) -> bool:
        """Data problems a script should notice (exit code 1): warnings, or a rep without a quota."""
        return bool(self.warnings) or any(c == "calc_no_quota" for s in self.reps.values() for c, _ in s.notes)


# -- entry point -------------------------------------------------------------------------------
def commission_statements(ds: Dataset, period: Period, config: Config, *, plans: dict[str, Plan] | None = None) -> Statements:
    """Statements of every rep on a plan for ``period`` (see the module docstring)."""
    plans = load_plans(config) if plans is None else plans
    if not plans:
        raise CalculatorError("calc_no_plans", config.lang)
    missing = ds.missing("deals", "status", "close_date", "amount")
    if missing:
        raise CalculatorError("calc_missing_input", config.lang, what=", ".join(missing))  # labelled when said
    deals = ds.get("deals")
    team = ds.get("team")
    warnings: list[Note] = []

    # Who is on which plan: reps seen in deals (owners and split reps), targets or team.
    reps = pd.concat([_col(deals, "rep"), _col(ds.get("splits"), "rep"), _col(ds.get("targets"), "rep"), _col(team, "rep")]).dropna()
    assigned = plan_of(pd.Index(reps.unique()), team, plans, config, unknown="none")
    for rep, name in sorted(unknown_plans(team, plans).items()):
        warnings.append(Note("calc_unknown_plan", {"rep": rep, "plan": name, "known": ", ".join(sorted(plans))}))

    # Warnings about what the statements cover (the asked period; a quarterly plan asked for a month
    # covers the quarter to date): deals nobody is credited with, reps without a plan.
    to_date = [final.start for final, cut in (_plan_period_to(period, plan.period, config.fiscal_year_start)
                                               for plan in plans.values()) if cut]
    start = min([period.start, *to_date])
    covered = period if start == period.start else Period(start, period.end, "custom")
    lines_now = credit_lines(deals, ds.get("splits"), covered)
    no_rep = lines_now.loc[lines_now["rep"].isna()]
    if len(no_rep):
        ids = ", ".join(str(x) for x in no_rep["deal_id"].fillna("?").head(10))
        warnings.append(Note("calc_no_rep", {"count": len(no_rep), "deals": ids}))
    flagged = {n.params["rep"] for n in warnings if n.code == "calc_unknown_plan"}
    for rep in sorted(set(lines_now["rep"].dropna()) - set(assigned.dropna().index) - flagged):
        warnings.append(Note("calc_no_plan", {"rep": rep}))
    if not ds.has("targets", "rep", "period", "quota") and not any(p.quota for p in plans.values()):
        warnings.append(Note("calc_no_targets", {}))

    statements: dict[str, RepStatement] = {}
    history: list[pd.DataFrame] = []
    for name, plan in plans.items():
        members = set(assigned[assigned == name].index)
        if not members:
            continue
        st, hist, notes = _run_plan(plan, members, ds, period, config)
        statements.update(st)
        history.append(hist)
        warnings.extend(n for n in notes if n not in warnings)
    hist_df = pd.concat(history, ignore_index=True) if history else pd.DataFrame()
    return Statements(period, dict(sorted(statements.items())), hist_df, warnings, config.currency)


# -- one plan over its history ----------------------------------------------------------------
def plan_period(d: date, grain: str, fiscal_start: int = 1) -> Period:
    """The plan period (calendar month, or fiscal quarter) containing ``d``."""
    if grain == "month":
        return month(d.year, d.month)
    offset = (d.month - fiscal_start) % 3
    start = add_months(date(d.year, d.month, 1), -offset)
    return Period(start, add_months(start, 3) - timedelta(days=1), "quarter")


def _plan_period_to(asked: Period, grain: str, fiscal_start: int) -> tuple[Period, bool]:
    """The plan period holding ``asked``'s end, cut at that end, and whether it was cut (a month
    asked of a quarterly plan: the quarter to date)."""
    full = plan_period(asked.end, grain, fiscal_start)
    if full.end <= asked.end:
        return full, False
    return Period(full.start, asked.end, "custom"), True


def _final_period(plan: Plan, asked: Period, config: Config) -> tuple[Period, list[Note]]:
    if plan.period == "month" and asked.grain != "month":
        whole = plan_period(asked.start, "month")
        if whole != Period(asked.start, asked.end, "month"):
            raise CalculatorError("calc_grain_mismatch", config.lang, plan=plan.name, period=asked.label)
    final, cut = _plan_period_to(asked, plan.period, config.fiscal_year_start)
    if not cut:
        return final, []
    return final, [Note("calc_partial_period", {"grain": plan.period, "end": asked.end.isoformat()})]


def _run_plan(plan: Plan, members: set[str], ds: Dataset, asked: Period,
              config: Config) -> tuple[dict[str, RepStatement], pd.DataFrame, list[Note]]:
    final, notes = _final_period(plan, asked, config)
    deals, team = ds.get("deals"), ds.get("team")
    first_close = _first_close(deals)
    if plan.start is not None:
        first = plan_period(plan.start, plan.period, config.fiscal_year_start)
    elif first_close is not None and first_close < final.start:
        first = plan_period(first_close, plan.period, config.fiscal_year_start)
    else:
        first = plan_period(final.start, plan.period, config.fiscal_year_start)
    periods: list[Period] = []
    p = first
    while p.start < final.start:
        periods.append(p)
        p = p.next()
    periods.append(final)

    span = Period(periods[0].start, final.end, "custom")
    lines = credit_lines(deals, ds.get("splits"), span, weights=plan.deal_type_weights)
    lines = lines.loc[lines["rep"].isin(members)].reset_index(drop=True)
    starts = pd.DatetimeIndex([pd.Timestamp(p.start) for p in periods])
    lines["pidx"] = np.searchsorted(starts.values.astype("datetime64[ns]"), lines["close_date"].to_numpy().astype("datetime64[ns]"), side="right") - 1
    lines["paid"] = 0.0
    lines["clawed"] = False

    targets = _plan_targets(ds.get("targets"), plan, members, span)
    spans = employment_spans(team)  # the team grouped once, for the quotas and the draws of every period
    quota_rows = QuotaRows.of(targets, team, spans) if targets is not None else None  # for every period below
    churn, claw_note = _churn_dates(ds, plan, lines)
    churn_of = _churn_of_lines(lines, churn)  # each line's customer's churn date, found once for every period
    spiff_hits = [sp.mask(lines).to_numpy(dtype=bool) for sp in plan.spiffs]  # a line's own fields: once
    if claw_note:
        notes.append(claw_note)

    froms, rates = plan.froms, plan.rate_values
    balance = pd.Series(dtype="float64")
    hist_rows: list[pd.DataFrame] = []
    result: dict[str, RepStatement] = {}
    window_first = 0
    for i, t in enumerate(periods):
        if plan.attainment == "quarter_to_date":
            q_start = plan_period(t.start, "quarter", config.fiscal_year_start).start
            window_first = next(j for j, pp in enumerate(periods) if pp.start >= q_start or j == i)
        else:
            window_first = i
        window = Period(periods[window_first].start, t.end, "custom")
        n_window = i - window_first + 1

        # 1. walk the window's lines through the bands
        wmask = (lines["pidx"] >= window_first) & (lines["pidx"] <= i) & ~lines["clawed"]
        w = lines.loc[wmask]
        quota = quota_rows.prorated(window, ramp=plan.ramp) if quota_rows is not None else pd.Series(dtype="float64")
        quota = quota.loc[quota.index.isin(members)]
        cap = None if plan.cap is None else plan.cap * n_window
        res = walk(w, group="rep", quota=quota, froms=froms, rates=rates, mode=plan.tiers, gate=plan.gate, cap=cap)
        delta = _r2(res["commission_cents"] - lines.loc[w.index, "paid"])
        lines.loc[w.index, "paid"] = res["commission_cents"]
        w = w.assign(commission=delta, rate=(res["commission"] / w["credited"]).where(w["credited"] != 0),
                     kind=np.where(w["pidx"] == i, "deal", "true_up"))
        commission = w.groupby("rep")["commission"].sum()
        capped = set()
        if cap is not None and len(w):
            last = res["cumulative"].groupby(w["rep"]).last()
            capped = set(last[last >= cap - 0.005].index)
        credited_w = w.groupby("rep")["credited"].sum()
        credited_t = w.loc[w["pidx"] == i].groupby("rep")["credited"].sum()

        # 2. SPIFFs on the deals won in t
        spiff_lines = _spiff_lines(lines, lines["pidx"].to_numpy() == i, plan, spiff_hits)
        spiffs = spiff_lines.groupby("rep")["amount"].sum() if len(spiff_lines) else pd.Series(dtype="float64")

        # 3. clawbacks of deals whose customer churns in t
        claw_lines = _clawback_lines(lines, i, t, plan, churn_of)
        if len(claw_lines):
            lines.loc[claw_lines.index, "clawed"] = True
        clawbacks = claw_lines.groupby("rep")["amount"].sum() if len(claw_lines) else pd.Series(dtype="float64")

        # 4. balance and draw
        rep_set = set(w["rep"]) | set(quota.index) | set(balance[balance > 0].index) | set(spiffs.index) | set(clawbacks.index)
        guarantee = pd.Series(dtype="float64")
        if plan.draw is not None and plan.draw.amount > 0:
            cand = set(rep_set)
            if team is not None and "rep" in team.columns:
                cand |= set(team.loc[team["rep"].isin(members), "rep"])
            idx = pd.Series(sorted(cand), dtype=object)
            frac = employed_fraction(team, idx, t, spans).to_numpy()
            guarantee = pd.Series(_r2(plan.draw.amount * frac), index=idx.to_numpy(), dtype="float64")
            rep_set |= set(idx[frac > 0])
        reps_t = pd.Index(sorted(rep_set), name="rep")

        def on_reps(values: pd.Series) -> np.ndarray:  # a figure by rep on this period's reps, 0 when absent
            out: np.ndarray = values.reindex(reps_t).fillna(0.0).to_numpy(dtype="float64")
            return out

        # the figures as arrays (one frame built at the end, not a column inserted at a time)
        credited_to_date = on_reps(credited_w)
        quota_t = quota.reindex(reps_t).to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):  # no quota: NaN; a zero quota: inf, as pandas divides
            attainment = credited_to_date / quota_t
        commission_t, spiffs_t, clawbacks_t = _r2(on_reps(commission)), _r2(on_reps(spiffs)), _r2(on_reps(clawbacks))
        earned = _r2(commission_t + spiffs_t - clawbacks_t)
        balance_in = on_reps(balance)
        recovered = _r2(np.minimum(balance_in, np.maximum(earned, 0.0)))
        deferred = _r2(np.maximum(-earned, 0.0))
        payable = _r2(np.maximum(on_reps(guarantee), earned - balance_in))
        draw = _r2(payable - (earned - recovered + deferred))
        recoverable = plan.draw is not None and plan.draw.recoverable
        balance_out = _r2(balance_in - recovered + deferred + (draw if recoverable else 0.0))
        fig = pd.DataFrame({"credited": on_reps(credited_t), "credited_to_date": credited_to_date, "quota": quota_t,
                            "attainment": attainment, "commission": commission_t, "spiffs": spiffs_t,
                            "clawbacks": clawbacks_t, "earned": earned, "balance_in": balance_in, "recovered": recovered,
                            "deferred": deferred, "payable": payable, "draw": draw, "balance_out": balance_out},
                           index=reps_t)
        balance = fig["balance_out"]
        hist_rows.append(fig.reset_index().assign(plan=plan.name, period=t.label, start=t.start, end=t.end))

        if i == len(periods) - 1:
            for rep, row in fig.iterrows():  # one iteration per rep (tens), not per deal
                result[rep] = _statement(rep, row, plan, t, w, spiff_lines, claw_lines, notes, rep in capped)
    hist = pd.concat(hist_rows, ignore_index=True) if hist_rows else pd.DataFrame()
    plan_notes = [n for n in notes if n.code == "calc_no_clawback_input"]
    return result, hist, plan_notes


def _statement(rep: str, row: pd.Series, plan: Plan, t: Period, w: pd.DataFrame, spiff_lines: pd.DataFrame,
               claw_lines: pd.DataFrame, plan_notes: list[Note], capped: bool) -> RepStatement:
    mine = w.loc[(w["rep"] == rep) & ((w["kind"] == "deal") | (w["commission"] != 0))]
    lines = mine.reindex(columns=LINE_COLUMNS).reset_index(drop=True)
    sp = spiff_lines.loc[spiff_lines["rep"] == rep].reindex(columns=SPIFF_COLUMNS).reset_index(drop=True) if len(spiff_lines) else pd.DataFrame(columns=SPIFF_COLUMNS)
    cb = claw_lines.loc[claw_lines["rep"] == rep].reindex(columns=CLAWBACK_COLUMNS).reset_index(drop=True) if len(claw_lines) else pd.DataFrame(columns=CLAWBACK_COLUMNS)
    quota = None if pd.isna(row["quota"]) else float(row["quota"])
    att = None if quota is None else float(row["attainment"])
    notes: list[Note] = [n for n in plan_notes if n.code != "calc_no_clawback_input"]
    if quota is None and row["credited_to_date"] > 0:
        notes.append(Note("calc_no_quota", {"credited": round(float(row["credited_to_date"]), 2)}))
    if att is not None and plan.gate is not None and att + 1e-9 < plan.gate and row["credited_to_date"] > 0:
        notes.append(Note("calc_gated", {"attainment": f"{att:.1%}", "gate": f"{plan.gate:.0%}"}))
    if capped:
        notes.append(Note("calc_capped", {"cap": plan.cap}))
    rate = None if att is None else float(rate_reached(att, plan.froms, plan.rate_values))
    f = {k: float(row[k]) for k in ("credited", "credited_to_date", "commission", "spiffs", "clawbacks", "earned", "balance_in",
                                     "recovered", "deferred", "draw", "balance_out", "payable")}
    return RepStatement(rep=rep, plan=plan.name, plan_title=plan.title or plan.name, period=t, quota=quota, attainment=att, rate=rate,
                        lines=lines, spiff_lines=sp, clawback_lines=cb, notes=notes, **f)


# -- pieces ------------------------------------------------------------------------------------
def _col(df: pd.DataFrame | None, name: str) -> pd.Series:
    if df is None or name not in df.columns:
        return pd.Series(dtype=object)
    return df[name].astype(object)


def _first_close(deals: pd.DataFrame) -> date | None:
    """Close date of the first won deal in the data: where a plan's history starts by default."""
    won = deals.loc[deals["status"].eq("won").fillna(False).astype(bool) & deals["close_date"].notna()]
    if won.empty:
        return None
    first: date = pd.Timestamp(won["close_date"].min()).date()
    return first


def _plan_targets(targets: pd.DataFrame | None, plan: Plan, members: set[str], span: Period) -> pd.DataFrame | None:
    """The targets of the plan's reps, completed with the plan's fallback monthly ``quota``."""
    t = None
    if targets is not None and {"rep", "period", "quota"} <= set(targets.columns):
        t = targets.loc[targets["rep"].isin(members), ["rep", "period", "quota"]]
    if plan.quota is None:
        return t
    months = pd.date_range(pd.Timestamp(span.start).to_period("M").start_time, span.end_ts, freq="MS")
    grid = pd.MultiIndex.from_product([sorted(members), months], names=["rep", "period"]).to_frame(index=False)
    if t is not None and len(t):
        have = t.assign(period=pd.to_datetime(t["period"]).dt.to_period("M").dt.start_time)[["rep", "period"]].drop_duplicates()
        grid = grid.merge(have, on=["rep", "period"], how="left", indicator=True)
        grid = grid.loc[grid["_merge"] == "left_only", ["rep", "period"]]
    grid = grid.assign(quota=plan.quota)
    return pd.concat([t, grid], ignore_index=True) if t is not None else grid


def _churn_dates(ds: Dataset, plan: Plan, lines: pd.DataFrame) -> tuple[pd.Series | None, Note | None]:
    """customer_id → churn date (end_date), or None with a note when clawbacks cannot be computed."""
    if plan.clawback_days is None:
        return None, None
    missing = ds.missing("customers", "customer_id", "end_date") + (["deals.customer_id"] if "customer_id" not in lines.columns else [])
    if missing:
        return None, Note("calc_no_clawback_input", {"what": ", ".join(missing)})
    c = ds.tables["customers"]  # present: checked by ds.missing above
    c = c.loc[c["customer_id"].notna() & c["end_date"].notna(), ["customer_id", "end_date"]]
    # A customer listed twice: the earliest churn counts.
    return c.assign(customer_id=c["customer_id"].astype(str)).groupby("customer_id")["end_date"].min(), None


def _spiff_lines(lines: pd.DataFrame, at: np.ndarray, plan: Plan, hits: list[np.ndarray]) -> pd.DataFrame:
    """Each SPIFF's amount for the lines ``at`` (the deals won in the period) it matches (``hits``:
    each SPIFF's :meth:`Spiff.mask` over every line), times the line's share."""
    if not plan.spiffs or not at.any():
        return pd.DataFrame(columns=[*SPIFF_COLUMNS, "rep"])
    parts = []
    for sp, hit_rows in zip(plan.spiffs, hits):  # a handful of SPIFFs, each vectorised over the deals
        hit = lines.loc[at & hit_rows]
        if len(hit):
            parts.append(hit.assign(spiff=sp.name, amount=_spiff_shares(sp.amount, hit))[[*SPIFF_COLUMNS, "rep"]])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*SPIFF_COLUMNS, "rep"])


def _spiff_shares(amount: float, hit: pd.DataFrame) -> np.ndarray:
    """A SPIFF's amount for each line of the deals it matches: the deal's SPIFF (``amount`` × the
    deal's shares on these lines) split over its reps in whole cents that add up to it -- a 100 SPIFF
    on a deal shared three ways pays 33.34 + 33.33 + 33.33, not 99.99."""
    out = np.zeros(len(hit))
    share = hit["share"].to_numpy(dtype="float64")
    ids = hit["deal_id"].astype(object).to_numpy()
    key = np.array([f"#{k}" if v is None or v != v else f"={v}" for k, v in enumerate(ids)], dtype=object)
    for _, at in pd.Series(np.arange(len(hit))).groupby(key, sort=False):
        pos = at.to_numpy()
        s = share[pos]
        out[pos] = spread_cents(amount * s.sum(), s) if (s > 0).all() else round_cents(amount * s)
    return out


def _churn_of_lines(lines: pd.DataFrame, churn: pd.Series | None) -> tuple[pd.Series, pd.Series] | None:
    """Each line's customer's churn date and the days from the deal's close to it (NaT/NaN: the
    customer did not churn), or None when no clawback can apply."""
    if churn is None or churn.empty or "customer_id" not in lines.columns:
        return None
    has = lines["customer_id"].notna()
    end = lines.loc[has, "customer_id"].astype(str).map(churn).reindex(lines.index)
    return end, (end - lines["close_date"]).dt.days


def _clawback_lines(lines: pd.DataFrame, i: int, t: Period, plan: Plan,
                    churn_of: tuple[pd.Series, pd.Series] | None) -> pd.DataFrame:
    """Lines already paid (period ``i`` or before, not clawed back yet) whose customer churns in ``t``
    within the plan's ``clawback_days`` of the deal's close: their commission, reversed."""
    if churn_of is None:
        return pd.DataFrame(columns=[*CLAWBACK_COLUMNS, "rep"])
    end, days = churn_of
    assert plan.clawback_days is not None  # churn dates are looked up only for a plan with clawbacks
    hit = (lines["pidx"] <= i) & ~lines["clawed"] & lines["customer_id"].notna() \
        & t.contains(end).fillna(False).astype(bool) & days.between(0, plan.clawback_days)
    if not hit.any():
        return pd.DataFrame(columns=[*CLAWBACK_COLUMNS, "rep"])
    hit_lines = lines.loc[hit]
    out = hit_lines.assign(churn_date=end.loc[hit_lines.index], amount=hit_lines["paid"],
                           rate=(hit_lines["paid"] / hit_lines["credited"]).where(hit_lines["credited"] != 0))
    return out[[*CLAWBACK_COLUMNS, "rep"]]


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    if df is None or df.empty:
        return []
    out = df.astype(object).where(df.notna(), None)
    recs: list[dict[str, Any]] = out.to_dict(orient="records")
    for r in recs:
        for k, v in r.items():
            if isinstance(v, pd.Timestamp):
                r[k] = v.date().isoformat()
            elif isinstance(v, (np.floating, float)):
                r[k] = round(float(v), 2) if k in ("commission", "amount", "credited") else float(v)
            elif isinstance(v, np.generic):
                r[k] = v.item()
    return recs

