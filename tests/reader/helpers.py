"""Small workbooks written cell by cell (openpyxl), and exact comparisons of canonical tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.table import Table

from kpis.reader.canonical import conform


def write_xlsx(
    path: Path,
    sheets: Mapping[str, Iterable[Iterable[Any]]],
    *,
    tables: Mapping[str, tuple[str, str, bool]] | None = None,
    merged: Mapping[str, Iterable[str]] | None = None,
) -> Path:
    """Write ``sheets`` (name -> rows, ``None`` = empty cell) to ``path``.

    ``tables``: sheet -> (Excel table name, ref like "A3:F10", has a totals row).
    ``merged``: sheet -> ranges to merge ("A1:F1").
    """
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
        for ref in (merged or {}).get(name, ()):
            ws.merge_cells(ref)
        if tables and name in tables:
            tname, ref, totals = tables[name]
            t = Table(displayName=tname, ref=ref)
            if totals:
                t.totalsRowCount = 1
            ws.add_table(t)
    wb.save(path)
    return path


def frame(table: str, **columns: Any) -> pd.DataFrame:
    """A canonical frame from plain lists (None for missing), conformed like the reader's output."""
    df = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    return conform(table, df)


def assert_table(got: pd.DataFrame, expected: pd.DataFrame, sort_by: list[str] | None = None) -> None:
    """Cell by cell, dtypes included (missing text is NaN on both sides)."""
    if sort_by:
        got = got.sort_values(sort_by, kind="stable").reset_index(drop=True)
        expected = expected.sort_values(sort_by, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)


def issues(ds, *codes: str) -> list:
    return [i for i in ds.quality if not codes or i.code in codes]


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


__all__ = ["write_xlsx", "frame", "assert_table", "issues", "ts", "np"]
