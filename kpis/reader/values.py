"""Cell values -> canonical values, vectorised over an array of distinct cells.

Each ``parse_*`` function takes the *distinct* raw cells of a column (``pd.factorize`` them first:
a 200 000-row activity log has a few hundred distinct dates) and returns a :class:`Parsed`: the
values in the canonical dtype, and per cell either a problem code (the cell is left empty and
reported) or a note (the cell was converted from text, from an Excel serial number…; reported once
per column).

Accepted forms
--------------
dates     real Excel dates; Excel serial numbers; text ``15/10/2026``, ``15-10-26``, ``2026-10-15``
          (with an optional time ``14:30``/``14h30``), ``15 oct. 2026``, ``1er octobre 2026``,
          ``Oct 15, 2026``, ``lundi 15 octobre 2026``. ``03/04/2026`` is read by ``date_order``
          (``dmy`` by default); a date only readable the other way (``10/15/2026`` in ``dmy``) is
          read that way and noted.
months    any date (its month), ``janv. 2026``, ``Jan-26``, ``2026-01``, ``01/2026``.
amounts   numbers; text ``12 500,00 €``, ``12,500.00``, ``12.500,00``, ``-1 200``, ``(1 200)``
          (negative), ``$12,500``. A single comma followed by exactly three digits (``12,500``) is a
          thousands separator; a single dot is a decimal point. ``12k`` / ``1,2 M€`` are refused
          (``amount_multiplier``): the reader does not guess magnitudes.
rates     ``60 %``, ``60%``, ``0,6``, ``60`` and ``0.6`` all read as ``0.6`` (a plain number above 1
          is a percentage); outside 0-100 % is refused.
ids       ``1042.0`` -> ``"1042"``; text stripped.
text      stripped, inner runs of spaces collapsed; numbers as ids, dates as ISO text.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import numpy as np
import pandas as pd

from .. import vocab
from ..schema import MAX_AMOUNT
from .text import fold

MIN_YEAR, MAX_YEAR = 1900, 2199  # dates outside are typing mistakes (and beyond pandas' nanoseconds)
MAX_SERIAL = (dt.date(MAX_YEAR + 1, 1, 1) - dt.date(1899, 12, 30)).days  # Excel serial of the day after
MIN_SERIAL = (dt.date(MIN_YEAR, 1, 1) - dt.date(1899, 12, 30)).days  # 2: serial 1 would be 1899-12-31


@dataclass
class Parsed:
    """Parsed distinct cells: values (canonical dtype), problem codes, conversion notes, emptiness."""

    values: pd.Series
    problem: np.ndarray  # object: None or an issue code
    note: np.ndarray  # object: None or a "converted" issue code
    empty: np.ndarray  # bool: the cell was empty (nothing to report)


# Cell types, coded small so one pass over the distinct cells classifies them all.
_STR, _NUM, _DT, _BOOL, _NONE, _OTHER = range(6)
_TYPE_CODES: dict[type, int] = {
    str: _STR, float: _NUM, int: _NUM, np.float64: _NUM, np.int64: _NUM, np.float32: _NUM, np.int32: _NUM,
    dt.datetime: _DT, dt.date: _DT, pd.Timestamp: _DT, bool: _BOOL, np.bool_: _BOOL, type(None): _NONE,
}


_HOMOGENEOUS = {"string": _STR, "floating": _NUM, "integer": _NUM, "mixed-integer-float": _NUM, "datetime": _DT,
                "date": _DT, "boolean": _BOOL}


def _masks(u: np.ndarray) -> dict[str, np.ndarray]:
    """Type masks of raw cells: str, num (int/float, not bool), dt (date/datetime), bool, none, other."""
    kind = pd.api.types.infer_dtype(u, skipna=False) if len(u) else "empty"
    if kind in _HOMOGENEOUS and not (kind == "datetime" and u.dtype != object):
        codes = np.full(len(u), _HOMOGENEOUS[kind], dtype=np.int8)
    else:
        codes = np.fromiter((_TYPE_CODES.get(type(v), _OTHER) for v in u), dtype=np.int8, count=len(u))
    return {"str": codes == _STR, "num": codes == _NUM, "dt": codes == _DT, "bool": codes == _BOOL,
            "none": codes == _NONE, "other": codes == _OTHER}


def _stripped(u: np.ndarray, is_str: np.ndarray) -> pd.Series:
    """The str cells with whitespace (incl. non-breaking spaces) stripped and collapsed, indexed by
    position in ``u``."""
    idx = np.flatnonzero(is_str)
    cleaned = np.empty(len(idx), dtype=object)
    cleaned[:] = [" ".join(v.split()) for v in u[idx].tolist()]
    return pd.Series(cleaned, index=idx, dtype=object)


# =================================================================================================
# Dates
# =================================================================================================

@lru_cache(maxsize=1)
def _month_words() -> dict[str, int]:
    return {fold(w): m for m, words in vocab.MONTHS.items() for w in words}


_TIME = r"(?:[ ,t]+(?:a |at )?(?P<H>\d{1,2})[:h](?P<M>\d{2})?(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
_TZ = r"(?:z|[+-]\d{2}:?\d{2})?"
_R_ISO = re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})" + _TIME + _TZ + "$")
_R_NUM = re.compile(r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})" + _TIME + "$")
_R_D_MON_Y = re.compile(
    r"^(?P<d>\d{1,2})(?:er|st|nd|rd|th)?[ .\-/]*(?P<mon>[a-z]+)\.?[ .,\-/]*(?P<y>\d{4}|\d{2})" + _TIME + "$"
)
_R_MON_D_Y = re.compile(r"^(?P<mon>[a-z]+)\.? *(?P<d>\d{1,2})(?:st|nd|rd|th)?,? +(?P<y>\d{4})" + _TIME + "$")
_R_MON_Y = re.compile(r"^(?P<mon>[a-z]+)\.?[ .\-/']*(?P<y>\d{4}|\d{2})$")
_R_Y_M = re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$")
_R_M_Y = re.compile(r"^(?P<m>\d{1,2})[-/.](?P<y>\d{4})$")


@lru_cache(maxsize=1)
def _weekday_re() -> re.Pattern[str]:
    weekdays = "|".join(sorted((fold(w) for w in vocab.WEEKDAYS), key=len, reverse=True))
    return re.compile(rf"^(?:le )?(?:{weekdays})\.?,? ")


def _normalise_date_text(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = " ".join(t.split())
    t = _weekday_re().sub("", t)
    return t[3:] if t.startswith("le ") else t


def _year(y: str) -> int:
    v = int(y)
    return v if v >= 100 else (2000 + v if v < 70 else 1900 + v)


def _make(year: int, month: int | None, day: int, h: str | None = None, mi: str | None = None, sec: str | None = None) -> dt.datetime | None:
    if month is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.datetime(year, month, day, int(h or 0), int(mi or 0), int(sec or 0))
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def parse_date_text(text: str, date_order: str = "dmy", months_only: bool = False) -> tuple[dt.datetime | None, bool]:
    """One text date -> (datetime or None, read against ``date_order``). See the module docstring."""
    t = _normalise_date_text(text)
    if not t:
        return None, False
    months = _month_words()
    m = _R_ISO.match(t)
    if m:
        return _make(int(m["y"]), int(m["m"]), int(m["d"]), m["H"], m["M"], m["S"]), False
    m = _R_NUM.match(t)
    if m:
        a, b = int(m["a"]), int(m["b"])
        day, month = (a, b) if date_order == "dmy" else (b, a)
        swapped = month > 12 and day <= 12
        if swapped:
            day, month = month, day
        v = _make(_year(m["y"]), month, day, m["H"], m["M"], m["S"])
        return v, swapped and v is not None
    for regex in (_R_D_MON_Y, _R_MON_D_Y):
        m = regex.match(t)
        if m:
            return _make(_year(m["y"]), months.get(m["mon"]), int(m["d"]), m["H"], m["M"], m["S"]), False
    if months_only:
        m = _R_MON_Y.match(t)
        if m:
            return _make(_year(m["y"]), months.get(m["mon"]), 1), False
        m = _R_Y_M.match(t) or _R_M_Y.match(t)
        if m:
            return _make(int(m["y"]), int(m["m"]), 1), False
    return None, False


_NAT = np.datetime64("NaT", "ns")
_EPOCH64 = np.datetime64("1899-12-30T00:00:00", "ns")


def _to_ns(values: list[Any] | np.ndarray) -> np.ndarray:
    """datetime/date objects (or None) -> datetime64[ns] (NaT for None), with pandas' C converter."""
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    dti = pd.DatetimeIndex(pd.to_datetime(arr, errors="coerce"))
    # pandas may keep a coarser unit (dates up to 9999): years outside MIN_YEAR..MAX_YEAR are NaT,
    # so that the cast to nanoseconds cannot wrap around.
    out_of_range = (dti.year < MIN_YEAR) | (dti.year > MAX_YEAR)
    if out_of_range.any():
        dti = dti.where(~out_of_range)
    return cast(np.ndarray, dti.as_unit("ns").to_numpy())


def parse_text_dates(s: pd.Series, date_order: str = "dmy", months_only: bool = False) -> tuple[pd.Series, pd.Series]:
    """Text -> Timestamps (NaT when unreadable), and a mask of dates read against ``date_order``.

    With ``months_only``, month forms without a day ("janv. 2026", "2026-01") are accepted too
    (as the first of the month); full dates are always accepted. Each distinct text is parsed once
    (a cached scalar parser: a column has few distinct dates); ISO texts in bulk go through pandas.
    """
    texts = s.tolist()
    out = np.full(len(texts), _NAT, dtype="datetime64[ns]")
    swapped = np.zeros(len(texts), dtype=bool)
    todo = np.array([isinstance(v, str) for v in texts], dtype=bool)
    if todo.sum() > 2000:  # bulk ISO dates (CSV exports): pandas' C parser first
        iso = pd.to_datetime(s.where(s.str.match(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")),
                             format="ISO8601", errors="coerce").to_numpy(dtype="datetime64[ns]")
        hit = ~np.isnat(iso)
        out[hit] = iso[hit]
        todo &= ~hit
    if todo.any():
        idx = np.flatnonzero(todo)
        parsed = [parse_date_text(texts[i], date_order, months_only) for i in idx.tolist()]
        out[idx] = _to_ns([p[0] for p in parsed])
        swapped[idx] = [p[1] for p in parsed]
    return pd.Series(out, index=s.index), pd.Series(swapped, index=s.index)


def parse_dates(u: np.ndarray, kind: str = "date", date_order: str = "dmy", text_source: bool = False) -> Parsed:
    """Distinct cells -> ``datetime64[ns]`` (``kind`` date: midnight; datetime: time kept; month: 1st)."""
    n = len(u)
    values = np.full(n, _NAT, dtype="datetime64[ns]")
    problem = np.full(n, None, dtype=object)
    note = np.full(n, None, dtype=object)
    mk = _masks(u)
    empty = mk["none"].copy()
    bad_code = "bad_month" if kind == "month" else "bad_date"
    # real dates
    idx = np.flatnonzero(mk["dt"])
    if len(idx):
        values[idx] = _to_ns(u[idx])
        problem[idx[np.isnat(values[idx])]] = bad_code  # beyond pandas' range (year 2262+)
    # Excel serial numbers (to the second: Excel stores times as fractions of a day)
    idx = np.flatnonzero(mk["num"])
    if len(idx):
        x = np.asarray(u[idx], dtype="float64")
        ok = (x >= MIN_SERIAL) & (x < MAX_SERIAL)
        seconds = np.round(np.where(ok, x, 0) * 86400).astype("int64")
        values[idx[ok]] = (_EPOCH64 + seconds.astype("timedelta64[s]"))[ok]
        problem[idx[~ok]] = bad_code
        note[idx[ok]] = "serial_dates"
    # text
    s = _stripped(u, mk["str"])
    if len(s):
        texts = s.to_numpy(dtype=object)
        pos = s.index.to_numpy()
        blank = texts == ""
        empty[pos[blank]] = True
        pos, texts = pos[~blank], texts[~blank]
        if len(texts):
            ts, swapped = parse_text_dates(pd.Series(texts, dtype=object), date_order, months_only=(kind == "month"))
            ts = ts.to_numpy()
            good = ~np.isnat(ts)
            values[pos[good]] = ts[good]
            problem[pos[~good]] = bad_code
            if not text_source:
                note[pos[good]] = f"text_converted_{kind}"
            note[pos[swapped.to_numpy() & good]] = "date_order_swapped"
    problem[mk["bool"] | mk["other"]] = bad_code
    return Parsed(pd.Series(_finish_dates(values, kind)), problem, note, empty)


def _finish_dates(values: np.ndarray, kind: str) -> np.ndarray:
    if kind == "date":
        return values.astype("datetime64[D]").astype("datetime64[ns]")
    if kind == "month":
        return values.astype("datetime64[M]").astype("datetime64[ns]")
    return values


_MAYBE_MONTH = re.compile(r"\d{2}")


@lru_cache(maxsize=8192)
def parse_month_header(value: object, order: str = "dmy") -> pd.Timestamp | None:
    """A column header naming a month ("janv. 2026", "2026-01", a real date…) -> its first day; a
    numeric date ("01/02/2026") is read in the configuration's ``date_order``."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).to_period("M").to_timestamp()
    if not isinstance(value, str) or not value.strip() or len(value) > 30 or not _MAYBE_MONTH.search(value):
        return None
    v, _ = parse_date_text(value.strip(), order, months_only=True)
    return None if v is None else pd.Timestamp(v.year, v.month, 1)


# =================================================================================================
# Numbers, amounts, rates
# =================================================================================================

_MULTIPLIER = re.compile(
    r"\d\s*(?:" + "|".join(sorted(map(re.escape, vocab.AMOUNT_MULTIPLIERS), key=len, reverse=True)) + r")\b\.?\s*(?:€|\$|£|eur|euros?|usd|gbp|chf)?\s*(?:ht|ttc)?\s*$"
)
_CURRENCY = re.compile(r"€|\$|£|\b(?:eur|euros?|usd|gbp|chf|ht|ttc)\b")
_NUMBER_SHAPE = re.compile(r"^[+-]?(?:\d[\d.,]*|[.,]\d+)$")


_PAREN = re.compile(r"^\((.*)\)$")
_SPACES = re.compile(r"[\s'’\u00a0\u202f\u2009]")
_THOUSANDS_COMMA = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")


@lru_cache(maxsize=65536)
def parse_number_text(text: str, kind: str = "money") -> tuple[float, str | None, bool]:
    """One text number -> (value or NaN, problem code or None, had a % sign).

    See the module docstring for the accepted forms; ``kind`` money enables the ``12,500`` rule.
    """
    bad = {"money": "bad_amount", "rate": "bad_rate"}.get(kind, "bad_number")
    t = " ".join(text.lower().split())
    pct = "%" in t
    t = t.replace("%", "").strip()
    if _MULTIPLIER.search(t):
        return np.nan, "amount_multiplier", pct
    m = _PAREN.match(t)
    negative = m is not None
    if m:
        t = m.group(1)
    t = _SPACES.sub("", _CURRENCY.sub("", t)).replace("\u2212", "-")
    if t.endswith("-") and not t.startswith("-"):
        t = "-" + t[:-1]
    if not _NUMBER_SHAPE.match(t):
        return np.nan, bad, pct
    commas, dots = t.count(","), t.count(".")
    thousands: str | None
    decimal: str | None
    if commas and dots:  # both: the last one is the decimal mark
        thousands, decimal = (".", ",") if t.rfind(",") > t.rfind(".") else (",", ".")
    elif commas:
        many = commas > 1 or (kind == "money" and _THOUSANDS_COMMA.match(t) is not None)
        thousands, decimal = (",", None) if many else (None, ",")
    elif dots > 1:
        thousands, decimal = ".", None
    else:
        thousands, decimal = None, "."
    whole, _, fraction = t.partition(decimal) if decimal else (t, "", "")
    if decimal and (decimal in fraction or (thousands and thousands in fraction)):
        return np.nan, bad, pct
    if thousands and thousands in whole:
        if not re.fullmatch(rf"[+-]?\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", whole):
            return np.nan, bad, pct
        whole = whole.replace(thousands, "")
    t = f"{whole}.{fraction}" if decimal and fraction else whole.rstrip(decimal or "")
    try:
        v = float(t)
    except ValueError:
        return np.nan, bad, pct
    return (-abs(v) if negative else v), None, pct


_DOT_THOUSANDS = re.compile(r"^\s*[+-]?\d{1,3}\.\d{3}\s*(?:€|\$|£|eur|euros?|usd|gbp|chf)?\s*$", re.IGNORECASE)


def parse_numbers(u: np.ndarray, kind: str = "money", text_source: bool = False) -> Parsed:
    """Distinct cells -> ``float64``; ``kind`` is money, number or rate (rates as fractions)."""
    n = len(u)
    values = np.full(n, np.nan, dtype="float64")
    problem = np.full(n, None, dtype=object)
    note = np.full(n, None, dtype=object)
    mk = _masks(u)
    empty = mk["none"].copy()
    bad_code = {"money": "bad_amount", "rate": "bad_rate"}.get(kind, "bad_number")
    idx = np.flatnonzero(mk["num"])
    pct = np.zeros(n, dtype=bool)
    if len(idx):
        values[idx] = np.asarray(u[idx], dtype="float64")
    s = _stripped(u, mk["str"])
    if len(s):
        pos = s.index.to_numpy()
        for i, text in zip(pos.tolist(), s.tolist()):
            if not text:
                empty[i] = True
                continue
            v, p, has_pct = parse_number_text(text, kind)
            values[i], problem[i], pct[i] = v, p, has_pct
            if p is None and kind == "money" and has_pct:
                problem[i] = "amount_percent"  # "15 %" is no amount: 15 euros would be a guess
            elif p is None and kind == "money" and -1000 < v < 1000 and "." in text and _DOT_THOUSANDS.match(text):
                note[i] = "amount_dot_ambiguous"  # "1.000": one, or a thousand written the German way
            elif p is None and not text_source:
                note[i] = f"text_converted_{kind}"
    problem[mk["bool"] | mk["dt"] | mk["other"]] = bad_code
    values[problem.astype(bool)] = np.nan
    if kind == "rate":
        values = np.where(pct | (values > 1), values / 100, values)
        out = (values < 0) | (values > 1)
        problem[out] = "out_of_range"
        values[out] = np.nan
    elif kind == "money":
        with np.errstate(invalid="ignore"):
            huge = np.abs(values) >= MAX_AMOUNT  # NaN compares False
        problem[huge] = "amount_too_big"
        values[huge] = np.nan
    return Parsed(pd.Series(values, dtype="float64"), problem, note, empty)


def check_range(parsed: Parsed, low: float, high: float) -> Parsed:
    """Values outside ``[low, high]`` become problems (``out_of_range``) and are left empty."""
    v = parsed.values.to_numpy(copy=True)
    out = ~np.isnan(v) & ((v < low) | (v > high))
    if out.any():
        parsed.problem[out] = "out_of_range"
        v[out] = np.nan
        parsed.values = pd.Series(v, dtype="float64")
    return parsed


# =================================================================================================
# Text, names, ids
# =================================================================================================

def _number_text(x: np.ndarray) -> np.ndarray:
    """Floats -> their shortest text, integral ones without ".0" (1042.0 -> "1042")."""
    out = np.empty(len(x), dtype=object)
    integral = np.isfinite(x) & (np.floor(x) == x) & (np.abs(x) <= 2.0**53)  # every such float an exact integer
    out[integral] = x[integral].astype("int64").astype(str).astype(object)
    rest = ~integral
    out[rest] = [repr(float(v)) for v in x[rest]]
    return out


def parse_text(u: np.ndarray) -> Parsed:
    """Distinct cells -> stripped ``str`` (numbers without ".0", dates as ISO text)."""
    n = len(u)
    values = np.full(n, np.nan, dtype=object)
    problem = np.full(n, None, dtype=object)
    note = np.full(n, None, dtype=object)
    mk = _masks(u)
    empty = mk["none"].copy()
    s = _stripped(u, mk["str"])
    blank = (s == "").to_numpy()
    empty[s.index[blank]] = True
    pos = s.index.to_numpy()
    values[pos[~blank]] = s.to_numpy(dtype=object)[~blank]
    idx = np.flatnonzero(mk["num"])
    if len(idx):
        values[idx] = _number_text(np.asarray(u[idx], dtype="float64"))
    idx = np.flatnonzero(mk["dt"])
    for i in idx:  # rare: a date typed where text was expected
        v = pd.Timestamp(u[i])
        values[i] = v.date().isoformat() if v == v.normalize() else v.isoformat()
    idx = np.flatnonzero(mk["bool"] | mk["other"])
    for i in idx:
        values[i] = str(u[i])
    return Parsed(pd.Series(values, dtype=object), problem, note, empty)


def map_words(texts: pd.Series, words: dict[str, str]) -> pd.Series:
    """Look folded texts up in a folded-word -> canonical map; a leading "3 - " or "3." is ignored."""
    f = texts.map(fold, na_action="ignore")
    hit = f.map(words)
    miss = hit.isna() & f.notna()
    if miss.any():
        stripped = f[miss].str.replace(r"^\d+\s*", "", regex=True)
        hit[miss] = stripped.map(words)
    return hit.astype(object).where(hit.notna(), np.nan)
