"""The history verbs' work, shared by the CLI, the report and the add-in: record the workbook's deals,
pick the two states a period's movement compares, gather the states the alerts look at.

The workbook's current state counts as a state dated its data date (:func:`data_date`): the last
date of a recorded fact, as for the report's "data as of".
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..config import Config
from ..dataset import Dataset
from ..engine.compute import FACT_TABLES
from ..i18n import message
from ..periods import Period
from . import store
from .alerts import Alerts, deals_to_watch
from .movement import Movement, classify, movement_by, push_counts, summarise
from .settings import history_settings
from .store import HistoryError

#: The tables the history verbs read: the deals, the activities (stale deals), the team (by team) and
#: every table with fact dates (the engine's own list), so the data date is the same as the report's.
TABLES = tuple(dict.fromkeys(("deals", "activities", "team", *sorted(FACT_TABLES))))


def data_date(ds: Dataset) -> dt.date | None:
    from ..engine.compute import reference_date

    return reference_date(ds)


def dataset_history_path(ds: Dataset, cfg: Config) -> Path | None:
    """The history file of the workbook ``ds`` was read from (``[history] file``, else beside it), as
    the report's pages and commentary read it; None for a dataset not read from a file or a
    ``[history]`` mistake (reported by the verbs; the report still renders)."""
    from .settings import history_file

    if ds.path is None or not Path(ds.path).is_file():
        return None
    try:
        return history_file(cfg, Path(ds.path))
    except Exception:
        return None


def guard(fn, path: Path, lang: str):
    """Run a store call, turning a locked or broken file into a readable :class:`HistoryError`."""
    try:
        return fn()
    except sqlite3.DatabaseError as e:
        raise HistoryError(store.unusable(e, path), lang, path=path) from None


def record_dataset(ds: Dataset, path: Path, as_of: dt.date | None, *, lang: str, source: str | None) -> store.Recorded:
    """Record the deals of ``ds`` as their state on ``as_of`` (default: the data date)."""
    deals = ds.get("deals")
    if deals is None:
        raise HistoryError("history_no_deals", lang, name=source or "")
    day = as_of or data_date(ds)
    if day is None:
        raise HistoryError("history_no_date", lang)
    current_frame(ds, lang)  # refuses deals without ids rather than record an empty state
    return guard(lambda: store.record(path, deals, day, source=source, lang=lang), path, lang)


def recorded_notes(rec: store.Recorded, lang: str) -> list[str]:
    """What a snapshot left out, in words (rows without id, duplicates, amounts too big for cents):
    the snapshot verb and the report's automatic snapshot both say it."""
    notes = []
    if rec.without_id:
        notes.append(message("snapshot_without_id", lang, n=rec.without_id))
    if rec.duplicates:
        notes.append(message("snapshot_duplicates", lang, n=rec.duplicates))
    if rec.too_big:
        notes.append(message("snapshot_amount_too_big", lang, n=rec.too_big))
    return notes


def auto_snapshot(ds: Dataset, cfg: Config, workbook: Path, *, enabled: bool = True,
                  lang: str = "fr") -> tuple[store.Recorded | None, Path | None, str | None]:
    """The report's and the add-in's automatic snapshot of the data date. Never fails the caller:
    returns ``(recorded, path, None)``, ``(None, None, None)`` when turned off (``enabled`` false or
    ``[history] snapshot = false``) or there is nothing to record, or ``(None, path, message)``."""
    from .settings import history_file

    path = None
    try:
        if not enabled or not history_settings(cfg).snapshot or ds.get("deals") is None or data_date(ds) is None:
            return None, None, None
        path = store.check_path(history_file(cfg, workbook), [workbook, cfg.path], lang)
        return record_dataset(ds, path, None, lang=lang, source=Path(workbook).name), path, None
    except Exception as e:  # a report must not be lost for its history; the message says why
        return None, path, message("snapshot_failed", lang, error=e)


def states(path: Path, *, until: dt.date | None = None, lang: str = "en") -> list[tuple[dt.date, pd.DataFrame]]:
    """Every snapshot dated on or before ``until`` (all without), oldest first, as ``(date, deals)``."""
    allrows = guard(lambda: store.load(path, lang=lang), path, lang)
    out = []
    for day, g in allrows.groupby("as_of", sort=True):
        d = pd.Timestamp(day).date()
        if until is None or d <= until:
            out.append((d, g.drop(columns=["as_of"]).reset_index(drop=True)))
    return out


def current_frame(ds: Dataset, lang: str) -> pd.DataFrame:
    """The workbook's deals in the store's shape. Deals that have rows but no id at all cannot be
    followed from one date to another: refused (an empty state would read as "everything removed")."""
    deals = ds.get("deals")
    if deals is None:
        return store.frame_of(pd.DataFrame())
    frame = ds.memo(("history_frame", id(deals)), lambda: store.frame_of(deals))
    if frame.empty and len(deals):
        raise HistoryError("history_no_ids", lang, n=len(deals))
    return frame


@dataclass
class PeriodMovement:
    """The movement of one period: the two states compared and the classified deals."""

    period: Period
    a_date: dt.date
    b_date: dt.date
    b_source: str  # "snapshot" or "workbook"
    b_after_period: bool
    classified: pd.DataFrame
    total: Movement
    pushes: pd.Series  # deal_id -> times pushed over the whole history (open deals at B only)

    def by(self, keys: pd.Series) -> dict[str, Movement]:
        return movement_by(self.classified, keys)

    def to_json(self, by: dict[str, dict[str, Movement]] | None = None) -> dict:
        out = {
            "period": self.period.label,
            "a": {"date": self.a_date.isoformat(), "source": "snapshot"},
            "b": {"date": self.b_date.isoformat(), "source": self.b_source, "after_period": self.b_after_period},
            **self.total.to_json(),
        }
        c = self.classified
        open_b = c[c["open_b"]]
        pushed = self.pushes[self.pushes > 0]
        out["pushes"] = [
            {"deal_id": k, "rep": _none(open_b.at[k, "rep"]), "account": _none(open_b.at[k, "account"]), "pushes": int(n)}
            for k, n in pushed.sort_values(ascending=False, kind="stable").items() if k in open_b.index
        ]
        for dim, groups in (by or {}).items():
            out[f"by_{dim}"] = {k: v.to_json() for k, v in groups.items()}
        return out


def _none(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def period_movement(ds: Dataset, workbook_date: dt.date | None, path: Path, period: Period, *, lang: str) -> PeriodMovement:
    """A = the latest snapshot on or before the day before ``period`` starts; B = the latest state on
    or before its last day among the snapshots and the workbook (dated ``workbook_date``; the workbook
    wins a tie, being the same day's newest state); when no state falls after A up to the period's
    end, B is the workbook itself (flagged ``b_after_period`` when it is dated after the period)."""
    if not Path(path).is_file():
        raise HistoryError("history_missing", lang, path=path)
    hist = states(path, lang=lang)
    day_before = period.start - dt.timedelta(days=1)
    before = [(d, df) for d, df in hist if d <= day_before]
    if not before:
        raise HistoryError("movement_no_start", lang, date=day_before.isoformat(), path=path)
    a_date, a = before[-1]
    current = current_frame(ds, lang)
    wdate = workbook_date or dt.date.today()
    candidates = [(d, df, "snapshot") for d, df in hist if a_date < d <= period.end]
    if a_date < wdate <= period.end:
        candidates = [c for c in candidates if c[0] != wdate] + [(wdate, current, "workbook")]
        candidates.sort(key=lambda c: c[0])
    if candidates:
        b_date, b, src = candidates[-1]
    elif wdate > a_date:
        b_date, b, src = wdate, current, "workbook"
    else:  # the workbook is older than the start state: nothing to compare it with
        raise HistoryError("movement_no_end", lang, a=a_date.isoformat(), date=wdate.isoformat())
    c = classify(a, b)
    series = [df for d, df in hist if d <= b_date]
    if src == "workbook":
        series.append(current)
    pushes = push_counts(series)
    open_b = c.index[c["open_b"]]
    return PeriodMovement(period, a_date, b_date, src, src == "workbook" and b_date > period.end, c, summarise(c),
                          pushes.reindex(open_b).fillna(0).astype(int))


def team_keys(ds: Dataset, classified: pd.DataFrame) -> pd.Series | None:
    """deal -> team through the team table (rep -> team); None without a team table."""
    team = ds.get("team")
    if team is None or not {"rep", "team"} <= set(team.columns):
        return None
    rep_team = team.dropna(subset=["rep"]).drop_duplicates("rep", keep="last").set_index("rep")["team"]
    return classified["rep"].map(rep_team)


def workbook_alerts(ds: Dataset, cfg: Config, path: Path | None, as_of: dt.date, *, lang: str) -> Alerts:
    """The deals to watch of the workbook on ``as_of``, with the history of ``path`` up to that date
    (none when the file does not exist yet: overdue, stale and no_amount need no history)."""
    s = history_settings(cfg)
    current = current_frame(ds, lang)
    stamp = None
    if path is not None and path.is_file():
        st = path.stat()
        stamp = (str(path.resolve()), st.st_size, st.st_mtime_ns)

    def watch() -> Alerts:
        hist = states(path, until=as_of, lang=lang) if stamp is not None and path is not None else []
        return deals_to_watch(current, as_of, activities=ds.get("activities"), states=hist, stale_days=s.stale_days,
                              pushed_min=s.pushed_min, stuck_factor=s.stuck_factor)

    # The report's watch list and its commentary ask for the same alerts: computed once.
    key = ("alerts", id(ds.get("deals")), id(ds.get("activities")), stamp, as_of, s.stale_days, s.pushed_min,
           s.stuck_factor)
    return ds.memo(key, watch)
