"""JSON for people and scripts: dates as ISO dates, numpy scalars as numbers, missing as null.

Every JSON the product prints (``--format json``, statements) goes through :func:`dumps`, so a
date looks the same everywhere: ``"2026-10-15"`` for a date (or a midnight time stamp), full ISO
only when a time of day is present.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd


def json_default(o: Any) -> Any:
    """``json.dumps(default=...)`` for the values pandas and numpy hand us."""
    if o is pd.NaT or o is pd.NA:  # NaT is a datetime subclass: test it first
        return None
    if isinstance(o, dt.datetime):
        ts = pd.Timestamp(o)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(o, dt.date):
        return o.isoformat()
    if isinstance(o, np.generic):
        return o.item()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def dumps(data: Any, *, indent: int | None = 2) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent, default=json_default)
