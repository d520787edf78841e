"""Who is credited with which revenue, and against which quota: the two inputs of attainment.

Used by the KPI engine (``quota_attainment``, ``reps_at_quota_rate``) and by the commission
calculator, so that both give the same credited revenue and the same prorated quota.

``credit_lines`` -- one row per (won deal closed in the period, credited rep)::

    credited = amount × share × weight

* ``share`` comes from the ``splits`` table (one row per deal and rep). A deal without split rows is
  credited 100 % to ``deals.rep``. The shares of a split deal are *normalised* to sum to exactly 1
  (``share / Σ shares of the deal``): splits always credit exactly 100 % of a deal -- a sheet saying
  60 % / 30 % credits 66.7 % / 33.3 %, never 90 %. Several split rows for the same (deal, rep) are
  added up. Split rows whose shares sum to 0 (or are all negative) are ignored: the deal falls back to
  ``deals.rep``.
* A deal id carried by several won deals (the reader says ``duplicate_id``; two deals numbered alike)
  cannot tell which of them a split belongs to: the split applies only to those of them whose own
  ``deals.rep`` is one of the split's reps (the rep cell "Alice 50% / Bruno 50%" leaves Alice there);
  the others are credited to their own rep. The reader says it (``split_duplicate_id``).
* ``weight`` comes from the deal's ``deal_type`` through ``weights`` (e.g. ``{"renewal": 0.5}``);
  a type not listed, or a deal without a type, weighs 1.
* A won deal without an amount is kept with ``amount`` NaN and ``credited`` 0 (it still counts as a
  deal for SPIFFs). A deal without a rep and without splits is kept with ``rep`` missing: callers that
  group by rep drop it (nobody is credited), callers that list lines can show it.

``prorated_quotas`` -- the quota each rep carries for the period::

    quota(rep) = Σ over the calendar months m touched by the period of
                 quota(rep, m) × days(employed ∩ period ∩ m) / days(m) × ramp(rep, m)

* ``employed`` is ``[hire_date, leave_date]`` (both inclusive) from the ``team`` table; a missing
  hire date means "employed since ever", a missing leave date "still employed"; a rep absent from
  ``team`` (or no ``team`` table) is employed throughout.
* A quarter is the sum of its three months; a custom period cutting a month takes that month's
  quota in proportion to the days it covers.
* ``ramp`` (optional, e.g. ``[0.25, 0.5, 0.75]``) multiplies the quota of a new hire's first months.
  **Convention: the calendar month containing hire_date is month 1 of employment**, the next
  calendar month is month 2, and so on; ``ramp[n-1]`` applies to month ``n`` and months beyond the
  list are at 100 %. A rep without a hire date is never ramped. The month-1 proration (days employed)
  and the ramp multiply: a rep hired on the 16th of a 30-day month with ramp 25 % carries
  ``quota × 15/30 × 0.25``. Pass ``ramp=None`` when the targets table already holds ramped quotas
  (otherwise they would be ramped twice).
* Several target rows for the same rep and month are added up.
* Reps whose prorated quota is 0 (not employed in the period, or a zero quota) are left out: they have
  no quota in the period, so they count neither in attainment nor in "reps at quota".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from .periods import Period

# Deal columns carried onto credit lines when present (useful downstream: filters, SPIFFs, clawbacks).
_CARRIED = ("close_date", "product", "deal_type", "source", "location", "customer_id", "created_date")
_LINE_COLUMNS = ("deal_id", "account", "rep", "amount", "share", "weight", "credited")


def won_in_period(deals: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Won deals (``status == "won"``) whose close_date falls in ``period``."""
    if deals is None or "status" not in deals.columns or "close_date" not in deals.columns:
        return deals.iloc[0:0] if deals is not None else pd.DataFrame()
    mask = deals["status"].eq("won").fillna(False).astype(bool) & period.contains(deals["close_date"]).fillna(False).astype(bool)
    return deals.loc[mask]


def credit_lines(
    deals: pd.DataFrame,
    splits: pd.DataFrame | None,
    period: Period,
    *,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per (won deal closed in ``period``, credited rep); see the module docstring.

    Columns: ``deal_id, account, rep, amount, share, weight, credited`` then, when the deals table has
    them, ``close_date, product, deal_type, source, location, customer_id, created_date``. Rows are
    sorted by close_date, deal_id, rep (the order a statement walks them). ``Σ share`` of each deal is 1.
    """
    won = won_in_period(deals, period).reset_index(drop=True)
    won = won.assign(_deal=np.arange(len(won)))  # a row key: deal_id may be missing or repeated
    for col in ("deal_id", "account", "rep", "amount"):
        if col not in won.columns:
            won[col] = pd.Series(np.nan if col == "amount" else None, index=won.index, dtype="float64" if col == "amount" else object)
    carried = [c for c in _CARRIED if c in won.columns]

    shares = _split_shares(splits, won, ids_of_several_won(deals))
    split_deals = shares["_deal"].unique() if len(shares) else np.array([], dtype=int)
    solo = won.loc[~won["_deal"].isin(split_deals), ["_deal", "rep"]].assign(share=1.0)
    credit = pd.concat([shares, solo], ignore_index=True) if len(shares) else solo

    lines = credit.merge(won.drop(columns=["rep"]), on="_deal", how="left", validate="many_to_one")
    lines["amount"] = pd.to_numeric(lines["amount"], errors="coerce").astype("float64")
    lines["weight"] = _weights(lines.get("deal_type"), weights, len(lines))
    lines["credited"] = lines["amount"].fillna(0.0) * lines["share"] * lines["weight"]
    sort = [c for c in ("close_date", "deal_id", "rep") if c in lines.columns] + ["_deal"]
    lines = lines.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)
    return lines[list(_LINE_COLUMNS) + carried]


def ids_of_several_won(deals: pd.DataFrame | None) -> set[str]:
    """Deal ids carried by more than one won deal of the whole table (not of one period: a split must
    go to the same rows whichever period is asked)."""
    if deals is None or not {"deal_id", "status"} <= set(deals.columns):
        return set()
    ids = deals.loc[deals["status"].eq("won").fillna(False).astype(bool) & deals["deal_id"].notna(), "deal_id"]
    codes, texts = text_codes(ids.to_numpy(dtype=object))  # counted as text, as the credit joins them
    return set(texts[np.bincount(codes, minlength=len(texts)) > 1].tolist())


def text_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values (none missing) as text, factorized: each row's code and the distinct texts -- what
    ``astype(str)`` then a factorize give. Text is factorized as it is; numbers among the values
    are made text first (12 and "12" are one text; 12 and 12.0, which a factorize of the values
    would merge, stay "12" and "12.0")."""
    if pd.api.types.infer_dtype(values, skipna=False) != "string":
        values = np.array([str(v) for v in values], dtype=object)
    codes, texts = pd.factorize(values)
    return codes, np.asarray(texts, dtype=object)


def _split_shares(splits: pd.DataFrame | None, won: pd.DataFrame, several: Collection[str] = frozenset()) -> pd.DataFrame:
    """Normalised split shares keyed by the won-deal row key ``_deal``: columns _deal, rep, share. A
    deal id of ``several`` won deals takes its split only on the rows whose rep is one of its reps."""
    empty = pd.DataFrame({"_deal": pd.Series(dtype="int64"), "rep": pd.Series(dtype=object), "share": pd.Series(dtype="float64")})
    if splits is None or len(splits) == 0 or not {"deal_id", "rep", "share"} <= set(splits.columns) or len(won) == 0:
        return empty
    s = splits.loc[splits["deal_id"].notna() & splits["rep"].notna(), ["deal_id", "rep", "share"]].copy()
    s["share"] = pd.to_numeric(s["share"], errors="coerce").astype("float64")
    s = s.loc[s["share"].notna() & (s["share"] > 0)]
    if s.empty:
        return empty
    s["deal_id"] = s["deal_id"].astype(str)
    s = s.groupby(["deal_id", "rep"], as_index=False, sort=False)["share"].sum()
    s["share"] = s["share"] / s.groupby("deal_id")["share"].transform("sum")
    keys = won.loc[won["deal_id"].notna(), ["_deal", "deal_id", "rep"]].assign(deal_id=lambda d: d["deal_id"].astype(str))
    if several:
        in_split = keys.merge(s[["deal_id", "rep"]], on=["deal_id", "rep"], how="left", indicator=True)["_merge"].eq("both")
        keys = keys.loc[~keys["deal_id"].isin(list(several)).to_numpy() | in_split.to_numpy()]
    out = keys.drop(columns=["rep"]).merge(s, on="deal_id", how="inner")[["_deal", "rep", "share"]]
    return out


def _weights(deal_type: pd.Series | None, weights: Mapping[str, float] | None, n: int) -> pd.Series:
    if deal_type is None or not weights:
        return pd.Series(np.ones(n), dtype="float64")
    w = deal_type.astype(object).map(lambda t: weights.get(t, 1.0) if isinstance(t, str) else 1.0)
    return w.astype("float64").reset_index(drop=True)


def credited_by_rep(lines: pd.DataFrame) -> pd.Series:
    """Σ credited per rep (reps with at least one line; lines without a rep are dropped)."""
    return lines.groupby("rep", dropna=True)["credited"].sum().rename("credited")


def prorated_quotas(
    targets: pd.DataFrame,
    team: pd.DataFrame | None,
    period: Period,
    *,
    ramp: Sequence[float] | None = None,
) -> pd.Series:
    """Quota per rep for ``period``, prorated for days employed (and ramped); see the module docstring.

    Returns a float Series indexed by ``rep`` (named ``quota``), reps with a positive quota only,
    sorted by rep. (Many periods of the same targets: :class:`QuotaRows`, prepared once.)
    """
    return QuotaRows.of(targets, team).prorated(period, ramp=ramp)


@dataclass(frozen=True)
class QuotaRows:
    """The targets' rows ready for :func:`prorated_quotas` of any period: each row's month, quota and
    rep's employment span as arrays (a commission plan asks for every month of its history: the
    targets are parsed and the team grouped once, not once per month)."""

    rep: pd.Series | None  # the rows' reps (None: no usable targets)
    quota: np.ndarray  # float64, missing = 0
    m_start: np.ndarray  # datetime64[ns]: first day of the row's month
    m_end: np.ndarray  # datetime64[ns]: last day of the row's month
    month_days: np.ndarray  # int64: days in the row's month
    hire: np.ndarray  # datetime64[ns], NaT = employed since ever
    leave: np.ndarray  # datetime64[ns], NaT = still employed
    months_since_hire: np.ndarray  # float64: 1 in the month of hire, NaN without a hire date

    @classmethod
    def of(cls, targets: pd.DataFrame | None, team: pd.DataFrame | None,
           spans: tuple[pd.Series, pd.Series] | None = None) -> "QuotaRows":
        """``spans``: the team's :func:`employment_spans`, when already computed."""
        nat = np.array([], dtype="datetime64[ns]")
        if targets is None or len(targets) == 0 or not {"rep", "period", "quota"} <= set(targets.columns):
            return cls(None, np.array([]), nat, nat, np.array([], dtype=np.int64), nat, nat, np.array([]))
        t = targets.loc[targets["rep"].notna() & targets["period"].notna(), ["rep", "period", "quota"]]
        quota = pd.to_numeric(t["quota"], errors="coerce").astype("float64").fillna(0.0)
        m_start = pd.to_datetime(t["period"]).dt.to_period("M").dt.start_time.dt.normalize()
        m_end = m_start + pd.offsets.MonthEnd(0)
        hire, leave = employment(team, t["rep"], spans)
        since = (m_start.dt.year - hire.dt.year) * 12 + (m_start.dt.month - hire.dt.month) + 1
        return cls(t["rep"], quota.to_numpy(), _ns(m_start), _ns(m_end), m_end.dt.day.to_numpy().astype(np.int64),
                   _ns(hire), _ns(leave), since.to_numpy(dtype="float64", na_value=np.nan))

    def prorated(self, period: Period, *, ramp: Sequence[float] | None = None) -> pd.Series:
        """:func:`prorated_quotas` of ``period``: the days of each row's month inside the period and
        the rep's employment, over the days of the month (times the ramp), summed by rep."""
        empty = pd.Series(dtype="float64", name="quota", index=pd.Index([], name="rep", dtype=object))
        if self.rep is None:
            return empty
        lo, hi = np.datetime64(period.start_ts.asm8, "ns"), np.datetime64(period.end_ts.asm8, "ns")
        keep = (self.m_end >= lo) & (self.m_start <= hi)
        if not keep.any():
            return empty
        m_start, m_end = self.m_start[keep], self.m_end[keep]
        hire, leave = self.hire[keep], self.leave[keep]
        # the latest of the month's start, the period's and the hire (NaT: no bound), the earliest end
        start = np.maximum(np.maximum(m_start, lo), np.where(np.isnat(hire), m_start, hire))
        end = np.minimum(np.minimum(m_end, hi), np.where(np.isnat(leave), m_end, leave))
        days = np.clip((end - start) // np.timedelta64(1, "D") + 1, 0, None)
        factor = days / self.month_days[keep]
        if ramp:
            table = np.asarray(list(ramp) + [1.0], dtype="float64")
            n = self.months_since_hire[keep]
            idx = np.clip(np.where(np.isnan(n), len(table), n), 1, len(table)).astype(int) - 1
            factor = factor * table[idx]
        rep = self.rep.loc[keep]
        q = pd.Series(self.quota[keep] * factor, index=rep.index).groupby(rep).sum()
        q = q.loc[q > 0].rename("quota").astype("float64")
        q.index.name = "rep"
        return q.sort_index()


def _ns(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype="datetime64[ns]")


def employment(team: pd.DataFrame | None, reps: pd.Series,
               spans: tuple[pd.Series, pd.Series] | None = None) -> tuple[pd.Series, pd.Series]:
    """hire_date and leave_date aligned on ``reps`` (NaT = open-ended). One span per rep: the earliest
    hire and, unless one of the rep's rows is still open, the latest leave. ``spans``: the team's
    :func:`employment_spans`, when already computed."""
    nat = pd.Series(pd.NaT, index=reps.index, dtype="datetime64[ns]")
    spans = employment_spans(team) if spans is None else spans
    if spans is None:
        return nat, nat.copy()
    hire_by, leave_by = spans
    h = reps.map(hire_by).astype("datetime64[ns]")
    lv = reps.map(leave_by).astype("datetime64[ns]")
    return h, lv


def employment_spans(team: pd.DataFrame | None) -> tuple[pd.Series, pd.Series] | None:
    """Each rep's hire and leave dates (see :func:`employment`), indexed by rep; None without a team."""
    if team is None or "rep" not in team.columns or len(team) == 0:
        return None
    tm = team.loc[team["rep"].notna()]
    hire = pd.to_datetime(tm["hire_date"]) if "hire_date" in tm.columns else pd.Series(pd.NaT, index=tm.index, dtype="datetime64[ns]")
    leave = pd.to_datetime(tm["leave_date"]) if "leave_date" in tm.columns else pd.Series(pd.NaT, index=tm.index, dtype="datetime64[ns]")
    frame = pd.DataFrame({"rep": tm["rep"], "hire": hire.dt.normalize(), "leave": leave.dt.normalize(),
                          "no_hire": hire.isna(), "no_leave": leave.isna()})
    g = frame.groupby("rep")
    # A rep row without a hire date means "employed since ever": min() would skip it, so detect it.
    hire_by = g["hire"].min().where(~g["no_hire"].any())
    leave_by = g["leave"].max().where(~g["no_leave"].any())
    return hire_by, leave_by


def employed_fraction(team: pd.DataFrame | None, reps: pd.Series, period: Period,
                      spans: tuple[pd.Series, pd.Series] | None = None) -> pd.Series:
    """Fraction of the period's days each rep (values of ``reps``) was employed, aligned on ``reps``
    (``spans``: the team's :func:`employment_spans`, when already computed)."""
    hire, leave = employment(team, reps, spans)
    start = pd.concat([pd.Series(period.start_ts, index=reps.index), hire], axis=1).max(axis=1)
    end = pd.concat([pd.Series(period.end_ts, index=reps.index), leave], axis=1).min(axis=1)
    return (((end - start).dt.days + 1).clip(lower=0) / period.days).astype("float64")
