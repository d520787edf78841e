"""Deals to watch: the open deals of the current state with reason codes (issue 13, ``docs/history.md``).

Reasons, checked on the date ``as_of``:

* ``overdue``: expected close date before ``as_of``;
* ``stale``: no activity linked to the deal (``activities.deal_id``, done or not, but not merely
  scheduled, dated on or before ``as_of``) for ``stale_days`` days or more; the deal's created date
  counts as its first activity. Not checked (and said so) when the activities carry no deal id;
* ``pushed``: expected close date moved later ``pushed_min`` times or more over the history
  (:func:`kpis.history.movement.push_counts`);
* ``stuck``: in its current stage for longer than ``stuck_factor`` × the median time deals spend in
  that stage. Both from the history (:func:`stage_times`): a deal entered its stage on the date of
  the first snapshot showing it there (its created date for its first stage); the median is taken
  over the finished stays in that stage, and only when there are at least :data:`MIN_STAYS` of them;
* ``no_amount``: amount missing or zero.

Pure functions: the caller passes the current deals, the activities and the history states.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Sequence

import pandas as pd

from .movement import _status, push_counts

REASONS: tuple[str, ...] = ("overdue", "stale", "pushed", "stuck", "no_amount")
MIN_STAYS = 3


@dataclass
class Alerts:
    """The deals to watch (``rows``: deal_id, rep, account, amount, reasons and the figures behind
    them) and what could not be checked (``unchecked``: reason -> message code)."""

    rows: pd.DataFrame
    unchecked: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> list[dict]:
        out = []
        for r in self.rows.itertuples(index=False):
            amount = None if pd.isna(r.amount) else float(r.amount)
            out.append({"deal_id": r.deal_id, "rep": None if pd.isna(r.rep) else r.rep,
                        "account": None if pd.isna(r.account) else r.account, "amount": amount,
                        "reasons": list(r.reasons)})
        return out


def stage_times(states: Sequence[tuple[dt.date, pd.DataFrame]]) -> pd.DataFrame:
    """Stays of deals in stages over dated states (oldest first): one row per stay with ``deal_id``,
    ``stage`` (case-folded key), ``entered`` (date), ``left`` (date of the first state in another
    stage, NaT while the deal is still there), ``censored`` (True when the stay began before the
    history did: its real entry date is unknown)."""
    frames = []
    for day, df in states:
        if df is None or df.empty or "stage" not in df.columns:
            continue
        d = df.drop_duplicates("deal_id", keep="first")
        f = pd.DataFrame({"deal_id": d["deal_id"].astype(str).to_numpy(),
                          "stage": d["stage"].astype(str).str.strip().str.casefold().to_numpy(),
                          "created": pd.to_datetime(d["created_date"], errors="coerce").to_numpy()
                          if "created_date" in d.columns else pd.NaT})
        f["day"] = pd.Timestamp(day)
        frames.append(f)
    if not frames:
        return pd.DataFrame({"deal_id": pd.Series(dtype=object), "stage": pd.Series(dtype=object),
                             "entered": pd.Series(dtype="datetime64[ns]"), "left": pd.Series(dtype="datetime64[ns]"),
                             "censored": pd.Series(dtype=bool)})
    first_day = min(f["day"].iloc[0] for f in frames)
    s = pd.concat(frames, ignore_index=True).sort_values(["deal_id", "day"], kind="stable")
    new_run = s["deal_id"].ne(s["deal_id"].shift()) | s["stage"].ne(s["stage"].shift())
    s["run"] = new_run.cumsum()
    runs = s.groupby("run", sort=False).agg(deal_id=("deal_id", "first"), stage=("stage", "first"),
                                            entered=("day", "first"), created=("created", "first"))
    first_run = runs["deal_id"].ne(runs["deal_id"].shift())
    nxt = runs["entered"].shift(-1).where(runs["deal_id"].eq(runs["deal_id"].shift(-1)))
    runs["left"] = nxt
    # A deal's first stay starts at its created date when known (not later than the first sighting).
    use_created = first_run & runs["created"].notna() & (runs["created"] <= runs["entered"])
    runs.loc[use_created, "entered"] = runs.loc[use_created, "created"]
    runs["censored"] = first_run & ~use_created & runs["entered"].eq(first_day)
    return runs[["deal_id", "stage", "entered", "left", "censored"]].reset_index(drop=True)


def median_stage_days(stays: pd.DataFrame) -> pd.Series:
    """Median days of the finished, uncensored stays per stage key (stages with fewer than
    :data:`MIN_STAYS` such stays are left out: too few to judge)."""
    done = stays[stays["left"].notna() & ~stays["censored"].astype(bool)]
    days = (pd.to_datetime(done["left"]) - pd.to_datetime(done["entered"])).dt.days
    g = days.groupby(done["stage"])
    n = g.size()
    return g.median()[n >= MIN_STAYS]


def deals_to_watch(deals: pd.DataFrame, as_of: dt.date, *, activities: pd.DataFrame | None = None,
                   states: Sequence[tuple[dt.date, pd.DataFrame]] = (), stale_days: int = 14,
                   pushed_min: int = 3, stuck_factor: float = 1.5) -> Alerts:
    """The open deals of ``deals`` (the current state, in the shape of ``store.frame_of``) with at
    least one reason; ``states`` are the dated history states up to ``as_of``, oldest first (the
    current state is appended as dated ``as_of`` when newer than the last of them)."""
    now = pd.Timestamp(as_of)
    d = deals.drop_duplicates("deal_id", keep="first").copy()
    d["deal_id"] = d["deal_id"].astype(str)
    current = _current_state(d)  # every deal, closed ones too: their last move ends a stay
    d = d[_status(d["status"] if "status" in d.columns else pd.Series("open", index=d.index)).eq("open")]
    d = d.set_index("deal_id", drop=False)
    reasons = {r: pd.Series(False, index=d.index) for r in REASONS}
    unchecked: dict[str, str] = {}

    exp = pd.to_datetime(d.get("expected_close_date"), errors="coerce") if "expected_close_date" in d.columns else None
    if exp is not None:
        reasons["overdue"] = exp.notna() & (exp < now)
    else:
        unchecked["overdue"] = "alerts_no_expected"

    last_touch = pd.Series(pd.NaT, index=d.index, dtype="datetime64[ns]")
    if activities is not None and {"deal_id", "date"} <= set(activities.columns) and activities["deal_id"].notna().any():
        # only the three columns read: the whole activities table copied was 20 MB at 400,000 rows
        act = activities.loc[activities["deal_id"].notna(), [c for c in ("deal_id", "date", "outcome") if c in activities.columns]]
        when = pd.to_datetime(act["date"], errors="coerce")
        keep = when.notna() & (when <= now)
        if "outcome" in act.columns:
            keep &= act["outcome"].ne("scheduled").fillna(True).astype(bool)
        latest = when[keep].groupby(act.loc[keep, "deal_id"].astype(str)).max()
        last_touch = latest.reindex(d.index)
        created = (pd.to_datetime(d["created_date"], errors="coerce") if "created_date" in d.columns
                   else pd.Series(pd.NaT, index=d.index, dtype="datetime64[ns]"))
        ref = pd.concat([last_touch, created.where(created <= now)], axis=1).max(axis=1)
        reasons["stale"] = ref.isna() | ((now - ref).dt.days >= stale_days)
        last_touch = ref
    elif activities is None or activities.empty:
        unchecked["stale"] = "alerts_no_activities"
    else:
        unchecked["stale"] = "alerts_no_activity_link"

    hist = list(states)
    if not hist or pd.Timestamp(hist[-1][0]) < now:
        hist.append((as_of, current))
    pushes = push_counts(df for _, df in hist).reindex(d.index).fillna(0).astype(int)
    reasons["pushed"] = pushes >= pushed_min

    stays = stage_times(hist)
    medians = median_stage_days(stays)
    cur = stays[stays["left"].isna()].drop_duplicates("deal_id", keep="last").set_index("deal_id")
    cur = cur.reindex(d.index)
    in_stage = (now - pd.to_datetime(cur["entered"])).dt.days
    limit = pd.to_numeric(cur["stage"].map(medians), errors="coerce") * stuck_factor  # numbers even when no median (a str column)
    reasons["stuck"] = limit.notna() & in_stage.notna() & (in_stage > limit)
    if medians.empty:
        unchecked["stuck"] = "alerts_no_stage_history"

    amount = pd.to_numeric(d["amount"], errors="coerce") if "amount" in d.columns else pd.Series(float("nan"), index=d.index)
    reasons["no_amount"] = amount.isna() | amount.eq(0)

    flags = pd.DataFrame(reasons).fillna(False).astype(bool)
    rows = pd.DataFrame({
        "deal_id": d.index,
        "rep": d["rep"].to_numpy() if "rep" in d.columns else None,
        "account": d["account"].to_numpy() if "account" in d.columns else None,
        "amount": amount.to_numpy(),
        "stage": d["stage"].to_numpy() if "stage" in d.columns else None,
        "expected_close_date": exp.to_numpy() if exp is not None else pd.NaT,
        "last_activity": last_touch.to_numpy(),
        "pushes": pushes.to_numpy(),
        "days_in_stage": in_stage.to_numpy(),
        "stage_median_days": cur["stage"].map(medians).to_numpy(),
        "reasons": _reason_tuples(flags),
    })
    rows = rows[rows["reasons"].map(len) > 0]
    rows = rows.assign(_n=rows["reasons"].map(len), _a=rows["amount"].fillna(0))
    rows = rows.sort_values(["_n", "_a", "deal_id"], ascending=[False, False, True], kind="stable")
    return Alerts(rows.drop(columns=["_n", "_a"]).reset_index(drop=True), unchecked)


def _reason_tuples(flags: pd.DataFrame) -> list[tuple[str, ...]]:
    """Each row's raised reasons, in :data:`REASONS` order (one pass over plain lists, not iterrows)."""
    columns = [(r, flags[r].tolist()) for r in REASONS if r in flags.columns]
    return [tuple(r for r, col in columns if col[i]) for i in range(len(flags))]


def _current_state(d: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in ("deal_id", "status", "stage", "expected_close_date", "created_date") if c in d.columns]
    return d[cols].reset_index(drop=True)
