"""Reporting periods: inclusive calendar date ranges, parsed from what users type.

``Period("2026-10-01", "2026-10-31")`` is October 2026. ``parse_period`` accepts ``2026-10``,
``2026-Q4`` / ``T4 2026``, ``2026`` (calendar year), ``FY2026`` (the fiscal year that *ends* in
2026 when it does not start in January, as most companies name it), and ``2026-10-01:2026-12-31``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import pandas as pd

Grain = Literal["month", "quarter", "year", "custom"]


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive date range ``[start, end]`` with the grain it was made from."""

    start: date
    end: date
    grain: Grain = "custom"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    # -- derived values -----------------------------------------------------------------------
    @property
    def start_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.start)

    @property
    def end_ts(self) -> pd.Timestamp:
        """Midnight of the last day: compare *normalised* dates with ``<=``."""
        return pd.Timestamp(self.end)

    @property
    def end_exclusive_ts(self) -> pd.Timestamp:
        """Midnight after the last day: compare date-times with ``<``."""
        return pd.Timestamp(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def months(self) -> float:
        """Length in months: whole months for month/quarter/year grains, else days / (365.25/12)."""
        if self.grain == "month":
            return 1.0
        if self.grain == "quarter":
            return 3.0
        if self.grain == "year":
            return 12.0
        whole = _whole_months(self.start, self.end)
        return float(whole) if whole else self.days / (365.25 / 12)

    @property
    def label(self) -> str:
        if self.grain == "month":
            return f"{self.start:%Y-%m}"
        if self.grain == "quarter":
            return f"{self.start:%Y-%m}..{self.end:%Y-%m}" if self.start.month not in (1, 4, 7, 10) else (
                f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
            )
        if self.grain == "year":
            return str(self.start.year) if self.start.month == 1 else f"FY{self.end.year}"
        return f"{self.start:%Y-%m-%d}:{self.end:%Y-%m-%d}"

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def contains(self, values: pd.Series) -> pd.Series:
        """Boolean mask: which dates/date-times of ``values`` fall in the period (by their date)."""
        return (values >= self.start_ts) & (values < self.end_exclusive_ts)

    # -- neighbours ---------------------------------------------------------------------------
    def shift_months(self, n: int) -> "Period":
        """The same period moved by ``n`` months (month-end aligned for month-based grains)."""
        if self.grain in ("month", "quarter", "year") or (
            self.start.day == 1 and (self.end + timedelta(days=1)).day == 1
        ):
            start = add_months(self.start, n)
            end = add_months(self.end + timedelta(days=1), n) - timedelta(days=1)
            return Period(start, end, self.grain)
        return Period(add_months(self.start, n), add_months(self.end, n), self.grain)

    def previous(self) -> "Period":
        """The period just before, of the same length (a custom range: the same number of days)."""
        if self.grain == "custom" and _whole_months(self.start, self.end) == 0:
            return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1), "custom")
        return self.shift_months(-self._span_months())

    def next(self) -> "Period":
        if self.grain == "custom" and _whole_months(self.start, self.end) == 0:
            return Period(self.end + timedelta(days=1), self.end + timedelta(days=self.days), "custom")
        return self.shift_months(self._span_months())

    def year_ago(self) -> "Period":
        return self.shift_months(-12)

    def trailing(self, months: int) -> "Period":
        """The ``months`` whole months ending with this period's last month (e.g. trailing 12)."""
        end_month = date(self.end.year, self.end.month, 1)
        start = add_months(end_month, -(months - 1))
        return Period(start, _month_end(end_month), "custom")

    def month_periods(self) -> list["Period"]:
        """The calendar months the period touches, each clipped to the period."""
        out: list[Period] = []
        cur = date(self.start.year, self.start.month, 1)
        while cur <= self.end:
            end = _month_end(cur)
            out.append(Period(max(cur, self.start), min(end, self.end), "month" if cur >= self.start and end <= self.end else "custom"))
            cur = add_months(cur, 1)
        return out

    def _span_months(self) -> int:
        return _whole_months(self.start, self.end) or max(1, round(self.months))


def month(year: int, mon: int) -> Period:
    first = date(year, mon, 1)
    return Period(first, _month_end(first), "month")


def quarter(year: int, q: int, fiscal_start_month: int = 1) -> Period:
    """Quarter ``q`` (1-4) of calendar year ``year`` (fiscal_start_month=1) or of fiscal year ``year``."""
    start = _fiscal_year_start(year, fiscal_start_month)
    start = add_months(start, 3 * (q - 1))
    return Period(start, add_months(start, 3) - timedelta(days=1), "quarter")


def year(year_: int, fiscal_start_month: int = 1) -> Period:
    start = _fiscal_year_start(year_, fiscal_start_month)
    return Period(start, add_months(start, 12) - timedelta(days=1), "year")


_MONTH_RE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})\s*$")
_MONTH_FR_RE = re.compile(r"^\s*(\d{1,2})[-/.](\d{4})\s*$")
_QUARTER_RE = re.compile(r"^\s*(?:(?:FY)?(\d{4})\s*[-\s]?\s*[QT]([1-4])|[QT]([1-4])\s*[-\s]?\s*(?:FY)?(\d{4}))\s*$", re.I)
_YEAR_RE = re.compile(r"^\s*(FY|EX|AF)?\s*(\d{4})\s*$", re.I)
_RANGE_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?::|\.\.|/|\s+au\s+|\s+to\s+)\s*(\d{4}-\d{2}-\d{2})\s*$", re.I)


_WORDS_RE = re.compile(r"^\s*([^\W\d_]+)\.?\s*[-/ ]?\s*(\d{4})\s*$", re.UNICODE)
_YEAR_WORD_RE = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*([^\W\d_]+)\.?\s*$", re.UNICODE)


def _month_word(word: str) -> int | None:
    """Month number of a month name or abbreviation, French or English ("octobre", "oct", "Oct.")."""
    from . import vocab
    from .text import fold

    w = fold(word)
    for mo, names in vocab.MONTHS.items():
        if w in names:
            return mo
    return None


def parse_period(text: str, fiscal_start_month: int = 1) -> Period:
    """Parse what a user types for a period. Raises ``ValueError`` with the accepted forms.

    Months: ``2026-10``, ``10/2026``, ``octobre 2026``, ``oct. 2026``, ``October 2026``, ``2026 oct``;
    quarters: ``2026-Q4``, ``Q3 2026``, ``T3 2026`` (trimestre), ``FY2026-Q1`` (fiscal); years:
    ``2026``, ``FY2026``; ranges: ``2026-10-01:2026-12-31``."""
    s = str(text).strip()
    for rx, wi, yi in ((_WORDS_RE, 1, 2), (_YEAR_WORD_RE, 2, 1)):
        if m := rx.match(s):
            mo = _month_word(m.group(wi))
            if mo is not None:
                return month(int(m.group(yi)), mo)
    if m := _MONTH_RE.match(s):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return month(y, mo)
    if m := _MONTH_FR_RE.match(s):
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return month(y, mo)
    if m := _QUARTER_RE.match(s):
        y = int(m.group(1) or m.group(4))
        q = int(m.group(2) or m.group(3))
        fiscal = s.upper().find("FY") >= 0
        return quarter(y, q, fiscal_start_month if fiscal else 1)
    if m := _YEAR_RE.match(s):
        y = int(m.group(2))
        return year(y, fiscal_start_month if m.group(1) else 1)
    if m := _RANGE_RE.match(s):
        return Period(date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2)), "custom")
    raise ValueError(
        f"unrecognised period {text!r}: use 2026-10, octobre 2026, 2026-Q4, T4 2026, 2026, FY2026 or 2026-10-01:2026-12-31"
    )


def custom(start: date | str, end: date | str) -> Period:
    s = date.fromisoformat(start) if isinstance(start, str) else start
    e = date.fromisoformat(end) if isinstance(end, str) else end
    return Period(s, e, "custom")


def at_midnight(values: pd.Series) -> bool:
    """Whether every date of a ``datetime64[ns]`` column is at midnight (missing ones count as
    such): the canonical form of a date field, which ``dt.normalize`` would copy for nothing (a
    million rows: 8 MB per column). False for any other dtype."""
    if values.dtype != "datetime64[ns]":
        return False
    ns = values.to_numpy().view("i8")
    return bool(((ns % 86_400_000_000_000 == 0) | values.isna().to_numpy()).all())


def last_n(period: Period, n: int) -> list[Period]:
    """``n`` consecutive periods ending with ``period`` (oldest first), e.g. a 13-month trend."""
    out = [period]
    for _ in range(n - 1):
        out.append(out[-1].previous())
    return out[::-1]


# -- helpers -----------------------------------------------------------------------------------
def add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    last = _month_end(date(y, m, 1)).day
    return date(y, m, min(d.day, last))


def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month // 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _whole_months(start: date, end: date) -> int:
    """Number of whole calendar months if [start, end] is month-aligned, else 0."""
    if start.day != 1 or (end + timedelta(days=1)).day != 1:
        return 0
    after = end + timedelta(days=1)
    return (after.year - start.year) * 12 + after.month - start.month


def _fiscal_year_start(fy: int, fiscal_start_month: int) -> date:
    # FY2026 starting in April runs 2025-04-01 .. 2026-03-31 (named by the year it ends in).
    if fiscal_start_month == 1:
        return date(fy, 1, 1)
    return date(fy - 1, fiscal_start_month, 1)
