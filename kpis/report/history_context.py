"""The report's pipeline-history context: ``history`` (the period's pipeline movement, for the
"Pipeline movement" page and its waterfall chart) and ``watch`` (the deals to watch page).

Both come from :mod:`kpis.history` (nothing is computed here but layout): the movement compares the
last snapshot before the period with the period's end state (see ``docs/history.md``); the deals to
watch are the open deals of the workbook on its data date. When the history has no snapshot before
the period, ``history.available`` is false and ``history.note`` says how to get one. Keys are
documented in ``docs/report.md`` and ``docs/history.md``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import Config
from ..dataset import Dataset
from ..errors import user_message
from ..i18n import message
from ..periods import Period
from .labels import long_date

FLOWS = ("start", "created", "reopened", "increased", "decreased", "won", "lost", "removed", "end")
BY_COLUMNS = ("key",) + FLOWS + ("inflow", "won_out", "lost_out", "other_out")
WATCH_COLUMNS = ("team", "rep", "deal_id", "account", "amount", "stage", "expected_close_date", "reasons",
                 "is_overdue", "is_stale", "is_pushed", "is_stuck", "is_no_amount")
DOT = "●"
WATCH_BY_REP = ("team", "rep", "deals", "amount", "overdue", "stale", "pushed", "stuck", "no_amount")


def history_context(ds: Dataset, period: Period, cfg: Config, *, lang: str, as_of: dt.date | None = None,
                    path: Path | None = None, beside_dataset: bool = True) -> dict[str, Any]:
    """``{"history": {...}, "watch": {...}}`` for the report of ``period``. The history file is
    ``path``, else (``beside_dataset``) the one beside the workbook the dataset was read from."""
    from ..history.service import data_date, dataset_history_path

    if path is None and beside_dataset:
        path = dataset_history_path(ds, cfg)
    day = as_of or data_date(ds) or dt.date.today()
    return {"history": movement_part(ds, period, cfg, path, day, lang), "watch": watch_part(ds, cfg, path, day, lang)}


def _team_of(ds: Dataset) -> pd.Series:
    team = ds.get("team")
    if team is None or not {"rep", "team"} <= set(team.columns):
        return pd.Series(dtype=object)
    return team.dropna(subset=["rep"]).drop_duplicates("rep", keep="last").set_index("rep")["team"]


def _empty_movement(note: str, lang: str) -> dict[str, Any]:
    return {"available": False, "note": note, "a_text": "", "b_text": "", "flows": flows_frame(None, lang),
            "slipped_count": 0, "slipped_amount": 0.0, "by_team": by_frame({}, lang), "by_rep": by_frame({}, lang),
            "has_teams": False, "pushes": pd.DataFrame(columns=["deal_id", "rep", "account", "amount", "pushes"]),
            "quiet_note": "", "pushes_note": ""}


def movement_part(ds: Dataset, period: Period, cfg: Config, path: Path | None, day: dt.date, lang: str) -> dict[str, Any]:
    from ..history.service import HistoryError, period_movement

    if ds.get("deals") is None:
        return _empty_movement(message("history_no_deals", lang, name=Path(ds.path).name if ds.path else ""), lang)
    if path is None or not Path(path).is_file():
        return _empty_movement(message("report_history_none", lang), lang)
    try:
        pm = period_movement(ds, day, Path(path), period, lang=lang)
    except HistoryError as e:
        return _empty_movement(user_message(e, lang), lang)
    c = pm.classified
    teams = _team_of(ds)
    by_rep = pm.by(c["rep"])
    team_keys = c["rep"].map(teams) if len(teams) else None
    by_team = pm.by(team_keys) if team_keys is not None else {}
    note = message("movement_b_after", lang, a=long_date(pm.a_date, lang), end=long_date(period.end, lang),
                   date=long_date(pm.b_date, lang)) if pm.b_after_period else ""
    open_b = c[c["open_b"]]
    pushed = pm.pushes[pm.pushes > 0].sort_values(ascending=False, kind="stable").head(15)
    pushes = pd.DataFrame({
        "deal_id": list(pushed.index),
        "rep": [open_b.at[k, "rep"] for k in pushed.index],
        "account": [open_b.at[k, "account"] for k in pushed.index],
        "amount": [open_b.at[k, "cents_b"] / 100 for k in pushed.index],
        "pushes": [int(n) for n in pushed.to_numpy()],
    }, columns=["deal_id", "rep", "account", "amount", "pushes"])
    # nothing moved: say so beside the per-rep chart, which is otherwise an empty frame
    quiet = pm.total.slipped_count == 0 and not any(pm.total.flows[k] or pm.total.counts[k] for k in FLOWS[1:-1])
    return {
        "available": True,
        "note": note,
        "quiet_note": message("report_movement_none", lang, a=long_date(pm.a_date, lang),
                              b=long_date(pm.b_date, lang)) if quiet else "",
        "pushes_note": "" if len(pushes) else message("report_pushes_none", lang),
        "a_text": long_date(pm.a_date, lang),
        "b_text": long_date(pm.b_date, lang),
        "flows": flows_frame(pm.total, lang),
        "slipped_count": pm.total.slipped_count,
        "slipped_amount": pm.total.slipped_cents / 100,
        "by_team": by_frame(by_team, lang),
        "by_rep": by_frame(by_rep, lang),
        "has_teams": bool(by_team),
        "pushes": pushes,
    }


def flows_frame(mv, lang: str) -> pd.DataFrame:
    """The waterfall: one row per flow with its label, amount, deals, and the stacked-column parts
    ``base`` (invisible), ``up``, ``down`` and ``total`` (start and end)."""
    rows = []
    running = 0.0
    for k in FLOWS:
        amount = (mv.flows[k] / 100) if mv is not None else 0.0
        count = mv.counts[k] if mv is not None else 0
        base = up = down = total = 0.0
        if k in ("start", "end"):
            total = amount
            running = amount
        elif k in ("created", "reopened", "increased"):
            base, up = running, amount
            running += amount
        else:
            running -= amount
            base, down = running, amount
        rows.append({"flow": k, "label": message("flow_" + k, lang), "amount": amount, "count": count,
                     "base": base, "up": up, "down": down, "total": total})
    return pd.DataFrame(rows)


def by_frame(groups: dict, lang: str) -> pd.DataFrame:
    """One row per rep (or team) with its flows, and the chart's in / out columns (outs negative)."""
    rows = []
    for key, mv in groups.items():
        f = {k: mv.flows[k] / 100 for k in FLOWS}
        rows.append({"key": key or message("flow_none_key", lang), **f,
                     "inflow": f["created"] + f["reopened"] + f["increased"],
                     "won_out": 0.0 - f["won"], "lost_out": 0.0 - f["lost"], "other_out": 0.0 - (f["decreased"] + f["removed"])})
    return pd.DataFrame(rows, columns=list(BY_COLUMNS))


def watch_part(ds: Dataset, cfg: Config, path: Path | None, day: dt.date, lang: str) -> dict[str, Any]:
    from ..history.alerts import MIN_STAYS, REASONS
    from ..history.service import HistoryError, workbook_alerts

    from ..history.settings import history_settings

    try:
        st = history_settings(cfg)
    except Exception:  # a [history] mistake is reported by the verbs; the report uses the defaults
        from ..history.settings import HistorySettings

        st = HistorySettings()
    words = {"stale_days": st.stale_days, "pushed_min": st.pushed_min,
             "stuck_factor": f"{st.stuck_factor:g}".replace(".", "," if lang == "fr" else ".")}
    empty = {**words, "available": False, "note": "", "as_of_text": long_date(day, lang), "count": 0, "amount": 0.0,
             "deals": pd.DataFrame(columns=list(WATCH_COLUMNS)), "by_rep": pd.DataFrame(columns=list(WATCH_BY_REP))}
    deals = ds.get("deals")
    if deals is None or "deal_id" not in deals.columns:
        return empty
    try:
        al = workbook_alerts(ds, cfg, Path(path) if path is not None else None, day, lang=lang)
    except HistoryError as e:
        return {**empty, "note": user_message(e, lang)}
    teams = _team_of(ds)
    rows = al.rows.copy()
    rows["team"] = rows["rep"].map(teams) if len(teams) else None
    rows["reasons_text"] = rows["reasons"].map(lambda rs: ", ".join(message("reason_" + r, lang) for r in rs))
    deals = pd.DataFrame({
        "team": rows["team"], "rep": rows["rep"], "deal_id": rows["deal_id"], "account": rows["account"],
        "amount": rows["amount"], "stage": rows["stage"], "expected_close_date": rows["expected_close_date"],
        "reasons": rows["reasons_text"],
        **{f"is_{r}": rows["reasons"].map(lambda rs, r=r: DOT if r in rs else "") for r in REASONS},
    }, columns=list(WATCH_COLUMNS))
    deals = deals.sort_values(["team", "rep"], kind="stable", na_position="last", key=lambda s: s.astype(str).str.casefold()
                              if s.dtype == object else s).reset_index(drop=True)
    g = []
    for (team, rep), grp in rows.groupby([rows["team"].fillna(""), rows["rep"].fillna("")], sort=True):
        rec = {"team": team, "rep": rep or message("flow_none_key", lang), "deals": len(grp),
               "amount": float(grp["amount"].fillna(0).sum())}
        for r in REASONS:
            rec[r] = int(grp["reasons"].map(lambda rs, r=r: r in rs).sum())
        g.append(rec)
    notes = [message(code, lang, n=MIN_STAYS) for code in al.unchecked.values()]
    return {
        **words,
        "available": True,
        "note": " ".join(notes),
        "as_of_text": long_date(day, lang),
        "count": len(deals),
        "amount": float(rows["amount"].fillna(0).sum()),
        "deals": deals,
        "by_rep": pd.DataFrame(g, columns=list(WATCH_BY_REP)),
    }
