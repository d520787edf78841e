"""Canonical dtypes and column order of :mod:`kpis.schema`, applied to any frame.

``conform("deals", df)`` keeps the table's fields (plus its derived columns) in schema order, with
``datetime64[ns]`` dates, ``float64`` numbers and ``object`` text holding ``str`` or ``NaN``. The
reader's output always goes through it; tests compare against frames conformed the same way.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from ..periods import at_midnight
from ..schema import DERIVED, TABLES, Field


def _fields(table: str) -> list[Field]:
    return list(TABLES[table].fields) + list(DERIVED.get(table, ()))


def conform_column(values: pd.Series, kind: str, trusted: bool = False) -> pd.Series:
    """One column in its kind's dtype; ``trusted``: object columns already hold str or NaN."""
    if kind in ("date", "datetime", "month") and values.dtype == "datetime64[ns]":
        if kind == "date":
            return values if at_midnight(values) else values.dt.normalize()
        if kind == "month":
            return values.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")
        return values
    if kind in ("money", "number", "rate") and values.dtype == "float64":
        return values
    if kind in ("date", "datetime", "month"):
        s = pd.to_datetime(values, errors="coerce")
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        s = s.astype("datetime64[ns]")
        if kind == "date":
            s = s.dt.normalize()
        elif kind == "month":
            s = s.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")
        return s
    if kind in ("money", "number", "rate"):
        return pd.to_numeric(values, errors="coerce").astype("float64")
    # Text: object holding str, NaN where missing (as kpis.demo.sample's truth and pandas' own readers do).
    if values.dtype == object and trusted:
        return values
    if values.dtype == object:
        arr = values.to_numpy()
        none = np.equal(arr, cast(Any, None))  # elementwise `is None` (numpy's stubs take no None)
        if not none.any():
            return values
        arr = arr.copy()
        arr[none] = np.nan
        return pd.Series(arr, index=values.index, dtype=object)
    arr = values.to_numpy(dtype=object, copy=True)
    arr[pd.isna(arr)] = np.nan
    return pd.Series(arr, index=values.index, dtype=object)


def conform(table: str, df: pd.DataFrame, trusted: bool = False) -> pd.DataFrame:
    """The frame with only the table's (and derived) columns, in schema order and canonical dtypes.

    ``trusted``: the reader's own frames, whose text columns already hold str or NaN (not None)."""
    out = {}
    for f in _fields(table):
        if f.name in df.columns:
            out[f.name] = conform_column(df[f.name].reset_index(drop=True), f.kind, trusted)
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)), copy=False)


__all__ = ["conform", "conform_column"]
