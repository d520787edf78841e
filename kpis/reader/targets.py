"""One column per month -> one row per (key, month): targets by rep, spend by channel.

A targets sheet is often laid out as a grid: one row per rep, one column per month (``janv. 2026``,
``2026-02``, real dates…). :func:`kpis.reader.headers.match_table` recognises the month headers;
this turns the grid into the canonical long form. An empty cell means "no target that month" and
gives no row; a cell that is not an amount was already reported (and is empty here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def months_to_rows(
    frame: pd.DataFrame,
    excel_rows: np.ndarray,
    months: list[tuple[pd.Timestamp, np.ndarray]],
    value_field: str,
) -> tuple[pd.DataFrame, np.ndarray]:
    """``frame`` (one row per key, e.g. rep) × ``months`` ((month, value per row), one per column) -> long rows.

    Returns one row per (row, month) with a value -- the frame's columns, ``period`` = the month and
    ``value_field`` = the value -- ordered by sheet row then month, and the Excel row of each.
    """
    parts, rows = [], []
    for month, values in months:
        v = np.asarray(values, dtype="float64")
        has = ~np.isnan(v)
        part = frame.loc[has].copy()
        part["period"] = month
        part[value_field] = v[has]
        parts.append(part)
        rows.append(excel_rows[has])
    if not parts:
        return frame, excel_rows
    out = pd.concat(parts, ignore_index=True)
    all_rows = np.concatenate(rows)
    order = np.argsort(all_rows, kind="stable")
    return out.iloc[order].reset_index(drop=True), all_rows[order]
