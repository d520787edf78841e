"""Calendar months as integers, for evaluating many monthly periods in one pass.

A *month number* is ``(year − 1970) × 12 + month − 1`` -- numpy's ``datetime64[M]`` -- so January
1970 is 0 and consecutive months are consecutive integers. A window's month form (``Window.months``)
gives each row the inclusive range ``[lo, hi]`` of the months that select it; :data:`FAR` stands for
"no bound" and an empty range is ``lo > hi``.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from ..periods import Period

FAR = 1 << 40  # beyond any month number a datetime64[ns] can hold


def month_number(d: date) -> int:
    return (d.year - 1970) * 12 + d.month - 1


def month_of(p: Period) -> int | None:
    """The month number of a period that is exactly one calendar month (whatever its grain), else
    None: only such periods are served by month forms."""
    if p.start.day != 1 or p.start.year != p.end.year or p.start.month != p.end.month:
        return None
    if (p.end + timedelta(days=1)).day != 1:
        return None
    return month_number(p.start)


def month_numbers(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Month number of each date or date-time of ``s`` (by its date, as ``Period.contains`` counts
    it) and whether it has one (NaT: False; its number is then meaningless)."""
    values = s.to_numpy(dtype="datetime64[ns]") if not isinstance(s.dtype, np.dtype) or s.dtype.kind != "M" else s.to_numpy()
    valid = ~np.isnat(values)
    day = values.astype("datetime64[D]").astype(np.int64)
    if not valid.any():
        return day, valid
    first, last = int(day[valid].min()), int(day[valid].max())
    if last - first > 4 * len(day):  # dates centuries apart: numpy's own calendar, day by day
        return values.astype("datetime64[M]").astype(np.int64), valid
    # numpy's datetime64[M] does the calendar for every row (30 ms a million); the month of each day
    # between the first and the last is found once, then looked up
    month_of_day = np.arange(first, last + 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return month_of_day[np.clip(day - first, 0, last - first)], valid


def days(s: pd.Series) -> np.ndarray:
    """Each date as a day number (int64 days since 1970-01-01; NaT gives a meaningless value)."""
    values = s.to_numpy(dtype="datetime64[ns]") if not isinstance(s.dtype, np.dtype) or s.dtype.kind != "M" else s.to_numpy()
    return np.asarray(values.astype("datetime64[D]").astype(np.int64))


def span(lo: np.ndarray, hi: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``[lo, hi]`` where ``keep``, empty elsewhere."""
    return np.where(keep, lo, FAR), np.where(keep, hi, -FAR)


def always(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full(n, -FAR, dtype=np.int64), np.full(n, FAR, dtype=np.int64)
