"""The pipeline history: dated snapshots of the deals, kept in an SQLite file beside the workbook.

A tracking workbook only holds today's state; comparing two states (pipeline movement, slippage,
time in stage) needs the states of earlier dates. :func:`record` stores the deals of a workbook as
they are on a date; :func:`load` gives them back as a DataFrame; :func:`list_snapshots` lists the
dates. The file is ``<workbook stem>.kpis-history.sqlite`` in the workbook's folder unless given.

Safety: each snapshot is written in **one transaction** (``BEGIN IMMEDIATE`` … ``COMMIT``): a run
killed half-way leaves the file exactly as it was before (SQLite's journal rolls the partial write
back at the next open). Re-recording a date replaces that date's snapshot in the same transaction.
The schema carries a version (``PRAGMA user_version``); a file written by a newer kpis is refused
rather than misread. Amounts are stored as integer cents so sums of flows are exact.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from ..errors import KpisError
from ..outputs import same_file
from ..schema import MAX_AMOUNT
from .settings import SUFFIX, default_path  # noqa: F401  (the history file's name: one rule)

SCHEMA_VERSION = 1

#: The deal fields a snapshot keeps (canonical names of :mod:`kpis.schema`, plus the derived status
#: and an optional forecast category when the reader provides one).
FIELDS: tuple[str, ...] = ("deal_id", "account", "rep", "stage", "status", "amount", "created_date",
                           "expected_close_date", "close_date", "forecast_category")
DATE_FIELDS = ("created_date", "expected_close_date", "close_date")
TEXT_FIELDS = ("account", "rep", "stage", "status", "forecast_category")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    as_of        TEXT PRIMARY KEY,          -- YYYY-MM-DD: the date the deals were in this state
    recorded_at  TEXT NOT NULL,             -- when kpis wrote it (UTC, ISO)
    source       TEXT,                      -- the workbook's file name
    deals        INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deals (
    as_of               TEXT NOT NULL REFERENCES snapshots(as_of) ON DELETE CASCADE,
    deal_id             TEXT NOT NULL,
    account             TEXT,
    rep                 TEXT,
    stage               TEXT,
    status              TEXT,
    amount_cents        INTEGER,            -- amount x 100, rounded; NULL when the cell was empty
    created_date        TEXT,
    expected_close_date TEXT,
    close_date          TEXT,
    forecast_category   TEXT,
    PRIMARY KEY (as_of, deal_id)
);
"""


class HistoryError(KpisError):
    """A history file that cannot be used (not SQLite, newer schema, same file as an input)."""


@dataclass(frozen=True)
class Snapshot:
    as_of: dt.date
    recorded_at: str
    source: str | None
    deals: int


@dataclass(frozen=True)
class Recorded:
    """What :func:`record` did: the snapshot, whether it replaced one, and the rows it left out."""

    snapshot: Snapshot
    replaced: bool
    without_id: int
    duplicates: int
    too_big: int = 0  # amounts stored as missing: 9e16 or more (to_cents)


def check_path(history: str | os.PathLike, inputs: Iterable[str | os.PathLike | None], lang: str = "en") -> Path:
    """Refuse a history file that is one of the inputs (the workbook, the configuration, a template):
    writing SQLite pages into the user's workbook would destroy it."""
    h = Path(history)
    for i in inputs:
        if i is None:
            continue
        if same_file(h, i):
            raise HistoryError("history_is_input", lang, path=h)
    if h.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".csv", ".toml", ".xlam"):
        raise HistoryError("history_bad_suffix", lang, path=h)
    return h


def unusable(e: sqlite3.DatabaseError, path: Path) -> str:
    """The message code for an SQLite error: a file that cannot be created or written (read-only
    folder or file) is not "not a history"; a busy file is said to be busy."""
    text = str(e).lower()
    if "locked" in text or "busy" in text:
        return "history_locked"
    if "readonly" in text or "read-only" in text or ("unable to open" in text and not Path(path).is_file()):
        return "history_cannot_write"
    return "history_not_sqlite"


def _connect(path: Path, lang: str, *, create: bool) -> sqlite3.Connection:
    if not create and not path.is_file():
        raise HistoryError("history_missing", lang, path=path)
    if path.is_dir():
        raise HistoryError("history_not_sqlite", lang, path=path)
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise HistoryError("history_cannot_open", lang, path=path, error=e.strerror or e) from None
    try:
        con = sqlite3.connect(path, isolation_level=None, timeout=10)  # autocommit; we BEGIN ourselves
        con.execute("PRAGMA foreign_keys = ON")
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as e:
        raise HistoryError(unusable(e, path), lang, path=path) from None
    if version > SCHEMA_VERSION:
        con.close()
        raise HistoryError("history_newer", lang, path=path, version=version, supported=SCHEMA_VERSION)
    if tables and not {"snapshots", "deals"} <= tables:
        con.close()
        raise HistoryError("history_not_ours", lang, path=path)
    if not tables and create:
        # One script, one transaction: the tables and the version appear together or not at all.
        con.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}PRAGMA user_version = {SCHEMA_VERSION};COMMIT;")
    return con


def _iso(v) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return pd.Timestamp(v).date().isoformat()


def _text(v) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return str(v)


def to_cents(v) -> int | None:
    """An amount as integer cents (``1234.565`` -> ``123457``); None for a missing or non-finite one,
    or one of :data:`kpis.schema.MAX_AMOUNT` or more (no SQLite integer holds its cents, and
    Decimal's 28 digits would fail to round it)."""
    f = _as_float(v)
    if not math.isfinite(f) or abs(f) >= MAX_AMOUNT:
        return None
    # From the shortest decimal that reads back as f (what the cell showed), half away from zero:
    # 1234.565 -> 123457, where round(f * 100) would give 123456 (f * 100 = 123456.4999...).
    return int((Decimal(repr(f)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _texts(s: pd.Series) -> list[str | None]:
    """:func:`_text` over a column (one pass over a Python list, not one ``.iloc`` per cell; a text
    cell, what most are, without a function call)."""
    return [v if type(v) is str else _text(v) for v in s.tolist()]


def _cents(s: pd.Series) -> list[int | None]:
    """:func:`to_cents` over a column. A float column is rounded by numpy wherever that is provably
    the same integer: ``|f| < 1e9`` puts ``fl(100 f)`` within 3e-5 of ``100 x`` (``x`` the shortest
    decimal of ``f``, which ``to_cents`` rounds), so when ``100 f`` is more than 1e-3 away from a
    half-cent both round to the same cent; the other amounts (ties, huge, missing) go one by one."""
    if s.dtype != "float64":
        return [to_cents(v) for v in s.tolist()]
    f = s.to_numpy()
    with np.errstate(invalid="ignore", over="ignore"):  # inf, NaN and 1e307 go one by one, silently
        c = f * 100.0
        safe = np.isfinite(f) & (np.abs(f) < 1e9) & (np.abs(np.abs(c) % 1.0 - 0.5) > 1e-3)
    out: list[int | None] = np.rint(np.where(safe, c, 0.0)).astype(np.int64).tolist()
    for i in np.flatnonzero(~safe).tolist():
        out[i] = to_cents(float(f[i]))
    return out


def _too_big(s: pd.Series) -> int:
    """Amounts that :func:`to_cents` leaves out for being :data:`kpis.schema.MAX_AMOUNT` or more."""
    if s.dtype == "float64":
        f = s.to_numpy()
    else:
        f = np.array([_as_float(v) for v in s.tolist()], dtype="float64")
    with np.errstate(invalid="ignore"):
        return int((np.isfinite(f) & (np.abs(f) >= MAX_AMOUNT)).sum())


def _as_float(v) -> float:
    """An amount cell as a float; NaN for a missing one, text (unread) or what float() refuses."""
    if v is None or isinstance(v, str):
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _isos(s: pd.Series) -> list[str | None]:
    """:func:`_iso` over a column; a datetime column is formatted by pandas in one call."""
    if pd.api.types.is_datetime64_any_dtype(s):
        text = s.dt.strftime("%Y-%m-%d")
        return [v if isinstance(v, str) else None for v in text.tolist()]
    return [_iso(v) for v in s.tolist()]


def snapshot_rows(deals: pd.DataFrame) -> tuple[list[tuple], int, int]:
    """The rows to store for a deals table: one per deal id (the first row of an id wins), without
    the rows that have no id (they cannot be followed from one date to the next).
    Returns ``(rows, rows without id, duplicate rows left out)``."""
    columns, without_id, duplicates, _ = _snapshot_columns(deals)
    return list(zip(*columns.values())), without_id, duplicates


def _snapshot_columns(deals: pd.DataFrame | None) -> tuple[dict[str, list], int, int, int]:
    """:func:`snapshot_rows` column by column: each stored column as a list (``deal_id``, the texts,
    ``amount_cents``, the ISO dates, ``forecast_category``, in the table's order); then the rows
    without id, the duplicates left out, and the amounts stored as missing for being too big."""
    if deals is None or "deal_id" not in deals.columns:
        return {c: [] for c in _STORED}, 0 if deals is None else len(deals), 0, 0
    ids = pd.Series(_texts(deals["deal_id"]), index=deals.index, dtype=object)
    has_id = pd.Series([isinstance(s, str) and bool(s.strip()) for s in ids.tolist()], index=deals.index)
    without_id = int((~has_id).sum())
    first = has_id & ~ids.where(has_id).duplicated(keep="first")
    duplicates = int(has_id.sum() - first.sum())
    kept = deals[first.to_numpy()]
    n = len(kept)

    def column(f: str, convert) -> list:
        return convert(kept[f]) if f in kept.columns else [None] * n

    too_big = _too_big(kept["amount"]) if "amount" in kept.columns else 0
    return {
        "deal_id": [s.strip() for s in ids[first].tolist()],
        **{f: column(f, _texts) for f in ("account", "rep", "stage", "status")},
        "amount_cents": column("amount", _cents),
        **{f: column(f, _isos) for f in DATE_FIELDS},
        "forecast_category": column("forecast_category", _texts),
    }, without_id, duplicates, too_big


# The stored columns, in the table's order (after ``as_of``).
_STORED = ("deal_id", "account", "rep", "stage", "status", "amount_cents", *DATE_FIELDS, "forecast_category")


def record(path: str | os.PathLike, deals: pd.DataFrame, as_of: dt.date, *, source: str | None = None,
           lang: str = "en", now: dt.datetime | None = None) -> Recorded:
    """Store ``deals`` as their state on ``as_of``, replacing a snapshot of the same date.

    All in one transaction: either the whole snapshot is in the file, or the file is unchanged."""
    p = Path(path)
    columns, without_id, duplicates, too_big = _snapshot_columns(deals)
    rows = list(zip(*columns.values()))
    day = as_of.isoformat()
    stamp = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0).isoformat()
    with closing(_connect(p, lang, create=True)) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            replaced = con.execute("SELECT 1 FROM snapshots WHERE as_of = ?", (day,)).fetchone() is not None
            con.execute("DELETE FROM deals WHERE as_of = ?", (day,))
            con.execute("DELETE FROM snapshots WHERE as_of = ?", (day,))
            con.execute("INSERT INTO snapshots (as_of, recorded_at, source, deals) VALUES (?, ?, ?, ?)",
                        (day, stamp, source, len(rows)))
            con.executemany(
                "INSERT INTO deals (as_of, deal_id, account, rep, stage, status, amount_cents, created_date, "
                "expected_close_date, close_date, forecast_category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(day, *r) for r in rows])
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
    return Recorded(Snapshot(as_of, stamp, source, len(rows)), replaced, without_id, duplicates, too_big)


def list_snapshots(path: str | os.PathLike, lang: str = "en") -> list[Snapshot]:
    """The snapshots of a history file, oldest first (an absent file has none)."""
    p = Path(path)
    if not p.is_file():
        return []
    with closing(_connect(p, lang, create=False)) as con:
        cur = con.execute("SELECT as_of, recorded_at, source, deals FROM snapshots ORDER BY as_of")
        return [Snapshot(dt.date.fromisoformat(a), r, s, n) for a, r, s, n in cur.fetchall()]


def load(path: str | os.PathLike, as_of: dt.date | None = None, lang: str = "en") -> pd.DataFrame:
    """The deals of one snapshot (``as_of``) or of all of them (None), with an ``as_of`` column.

    Columns: ``as_of`` and :data:`FIELDS`; dates as ``datetime64``; ``amount_cents`` as nullable
    ``Int64`` (exact) and ``amount`` as float (cents / 100) for display."""
    p = Path(path)
    cols = ["as_of", "deal_id", "account", "rep", "stage", "status", "amount_cents", "created_date",
            "expected_close_date", "close_date", "forecast_category"]
    if not p.is_file():
        return from_records([], cols)
    with closing(_connect(p, lang, create=False)) as con:
        sql = f"SELECT {', '.join(cols)} FROM deals"
        args: tuple = ()
        if as_of is not None:
            sql += " WHERE as_of = ?"
            args = (as_of.isoformat(),)
        rows = con.execute(sql + " ORDER BY as_of, deal_id", args).fetchall()
    return from_records(rows, cols)


def from_records(rows: list[tuple], cols: list[str]) -> pd.DataFrame:
    return _converted(pd.DataFrame.from_records(rows, columns=cols))


def _converted(df: pd.DataFrame) -> pd.DataFrame:
    """The stored values as :func:`load` gives them: dates parsed, cents exact, the amount for display."""
    for c in ("as_of",) + DATE_FIELDS:
        df[c] = pd.to_datetime(df[c], errors="coerce")
    df["amount_cents"] = pd.array(df["amount_cents"].tolist(), dtype="Int64")
    df["amount"] = df["amount_cents"].astype("Float64").astype(float) / 100
    return df


def frame_of(deals: pd.DataFrame) -> pd.DataFrame:
    """The workbook's current deals in the shape :func:`load` returns (for comparing with snapshots):
    the values :func:`snapshot_rows` would store, converted as :func:`load` converts them, column by
    column (rows of tuples were 15 MB more at the report's peak for 62,000 deals)."""
    columns, _, _, _ = _snapshot_columns(deals)
    n = len(columns["deal_id"])
    # as from_records infers each column's type from its values: str, object when all are None (an
    # empty table through from_records itself: empty lists would make float64 columns)
    df = pd.DataFrame({"as_of": [None] * n, **columns}) if n else pd.DataFrame.from_records([], columns=["as_of", *_STORED])
    return _converted(df).drop(columns=["as_of"])


def delete(path: str | os.PathLike, as_of: dt.date, lang: str = "en") -> bool:
    """Delete one snapshot (one transaction). True when there was one."""
    p = Path(path)
    if not p.is_file():
        return False
    with closing(_connect(p, lang, create=False)) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            n = con.execute("DELETE FROM snapshots WHERE as_of = ?", (as_of.isoformat(),)).rowcount
            con.execute("DELETE FROM deals WHERE as_of = ?", (as_of.isoformat(),))
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
    return n > 0
