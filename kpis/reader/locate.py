"""Where a table sits in a sheet: its header row, its columns, its data rows.

An Excel table (ListObject) gives all three. Otherwise the header row is the row, among the first
:data:`HEADER_SCAN_ROWS`, whose cells best match some canonical table's headers (title rows, notes
and blank rows above it are passed over); the columns run from its first to its last non-empty
header cell, and the data from the row below to the last row with anything in those columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, cast

import pandas as pd

from ..schema import TABLES
from .cells import filled
from .content import SAMPLE_ROWS, Profile, profile
from .headers import TableMatch, best_tables, header_text, match_table
from .source import ExcelTable, RawSheet
from .text import cell_ref

HEADER_SCAN_ROWS = 40
MAX_PROFILED_COLUMNS = 256
SCAN_PAST_HEADER = 5  # rows looked at below the best header found so far


@dataclass
class Region:
    """A rectangle of a sheet holding one table: header row + data rows, 0-based inclusive."""

    sheet: RawSheet
    header_row: int
    first_col: int
    last_col: int
    first_row: int
    last_row: int
    headers: dict[int, Any]  # column index -> header cell (non-empty only)
    excel_table: str | None = None
    _profiles: dict[int, Profile] = field(default_factory=dict, repr=False, compare=False)

    def profile(self, col: int) -> Profile | None:
        """The column's first :data:`~.content.SAMPLE_ROWS` data values, profiled once; None beyond
        :data:`MAX_PROFILED_COLUMNS` columns (a hostile sheet's thousands of headers are judged by
        their headers alone, in bounded time)."""
        if col not in self._profiles:
            if len(self._profiles) >= MAX_PROFILED_COLUMNS:
                return None
            grid = self.sheet.grid
            stop = min(self.last_row, self.first_row + SAMPLE_ROWS - 1)
            cells = [grid[i][col] if col < len(grid[i]) else None for i in range(self.first_row, stop + 1)]
            self._profiles[col] = profile(cells)
        return self._profiles[col]

    @property
    def name(self) -> str:
        """The sheet name (what issues report)."""
        return self.sheet.name

    @property
    def label(self) -> str:
        return f"{self.sheet.name} [{self.excel_table}]" if self.excel_table else self.sheet.name

    @property
    def ref(self) -> str:
        """``Affaires!B4:G812`` (the sheet name quoted when it has spaces)."""
        name = self.sheet.name
        if not name.replace("_", "").isalnum():
            name = "'" + name.replace("'", "''") + "'"
        if self.sheet.text_source:
            return self.sheet.name
        last = max(self.last_row, self.header_row)
        return f"{name}!{cell_ref(self.header_row, self.first_col)}:{cell_ref(last, self.last_col)}"

    @property
    def n_rows(self) -> int:
        return max(0, self.last_row - self.first_row + 1)

    def header(self, col: int) -> str:
        return header_text(self.headers.get(col))


def _is_header_cell(v: Any) -> bool:
    return (isinstance(v, str) and v.strip() != "") or isinstance(v, (dt.date, pd.Timestamp))


def row_headers(row: list[Any], first_col: int = 0, last_col: int | None = None) -> dict[int, Any]:
    last = len(row) - 1 if last_col is None else min(last_col, len(row) - 1)
    return {j: row[j] for j in range(first_col, last + 1) if _is_header_cell(row[j])}


def _last_data_row(grid: list[list[Any]], start: int, first_col: int, last_col: int) -> int:
    """Index of the last row at or after ``start`` with a non-empty cell in the columns (start-1 if none)."""
    if hasattr(grid, "last_data_row"):  # typed columns (.fast): found without a Python object per cell
        return cast(int, grid.last_data_row(start, first_col, last_col))
    for i in range(len(grid) - 1, start - 1, -1):
        row = grid[i]
        if any(filled(v) for v in row[first_col : last_col + 1]):
            return i
    return start - 1


def region_at(sheet: RawSheet, header_row: int) -> Region | None:
    """The plain-range region whose header is ``header_row`` (None when that row is empty)."""
    if header_row >= len(sheet.grid):
        return None
    headers = row_headers(sheet.grid[header_row])
    if not headers:
        return None
    first_col, last_col = min(headers), max(headers)
    last_row = _last_data_row(sheet.grid, header_row + 1, first_col, last_col)
    return Region(sheet, header_row, first_col, last_col, header_row + 1, last_row, headers)


def region_of_table(sheet: RawSheet, t: ExcelTable) -> Region:
    """The region of an Excel table; its header names come from the table definition."""
    headers = {t.first_col + j: name for j, name in enumerate(t.columns) if str(name).strip()}
    if t.header_row >= 0 and t.header_row < len(sheet.grid):
        row = sheet.grid[t.header_row]
        # Real header cells (dates for month columns) beat the table's text names.
        for j in list(headers):
            if j < len(row) and isinstance(row[j], (dt.date, pd.Timestamp)):
                headers[j] = row[j]
    last_row = min(t.last_row, len(sheet.grid) - 1)
    return Region(sheet, t.header_row, t.first_col, t.last_col, t.first_row, last_row, headers, t.name)


def best_header_row(sheet: RawSheet, tables: Iterable[str] = TABLES, only: str | None = None) -> tuple[int, list[TableMatch]] | None:
    """The most header-like row among the first rows, and the table matches it gives (best first).

    A row where some table is :attr:`~TableMatch.eligible` beats any row where none is; ties go to
    the upper row. With ``only``, rows are judged for that table alone.
    """
    tables = [only] if only else list(tables)
    best: tuple[tuple[int, int, int], int, list[TableMatch]] | None = None
    for i, row in enumerate(sheet.grid[:HEADER_SCAN_ROWS]):
        if best is not None and best[0][0] and i > -best[0][2] + SCAN_PAST_HEADER:
            break  # well into the data below a header: no better header row will come
        headers = row_headers(row)
        if not headers:
            continue
        matches = best_tables(headers, sheet.name, tables)
        eligible = [m for m in matches if m.eligible]
        top = eligible[0] if eligible else matches[0]
        if top.score - top.sheet_bonus <= 0:
            continue
        key = (1 if eligible else 0, top.score, -i)
        if best is None or key > best[0]:
            best = (key, i, matches)
    if best is None:
        return None
    return best[1], best[2]


def regions_of(sheet: RawSheet, tables: Iterable[str] = TABLES, config: Any = None) -> list[tuple[Region, list[TableMatch]]]:
    """The candidate regions of a sheet with their table matches (best first)."""
    tables = list(tables)
    if sheet.tables:
        out = []
        for t in sheet.tables:
            region = region_of_table(sheet, t)
            matches = best_tables(region.headers, (sheet.name, t.name), tables, region.profile, config)
            out.append((region, matches))
        return out
    found = best_header_row(sheet, tables)
    if found is None:
        return []
    row, matches = found
    at = region_at(sheet, row)
    if at is None:
        return []
    return [(at, best_tables(at.headers, sheet.name, tables, at.profile, config))]


def match_in(region: Region, table: str, forced: dict[str, int] | None = None, unmapped: Iterable[int] = (),
             config: Any = None) -> TableMatch:
    """The match of one table in a region (sheet name bonus included, content judged)."""
    return match_table(table, region.headers, (region.sheet.name, region.excel_table or ""), forced, region.profile,
                       unmapped, config)
