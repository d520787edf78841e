"""The open workbook -> the reader's raw grids -> canonical tables.

Values come from xlwings (the used range of every sheet the add-in does not own), anchored at A1 as
the reader expects: desktop Excel gives datetimes for date cells; the remote engine (xlwings Lite)
gives the ISO dates Office.js sends, which xlwings turns into datetimes. Excel tables (ListObjects)
are passed on so the reader uses their exact bounds. Nothing here interprets a header or a value:
that is :func:`kpis.reader.grids.read_grids`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..dataset import Dataset
from ..reader.grids import read_grids
from ..reader.source import ExcelTable, RawSheet
from .sheets import user_sheets


def _a1_to_rc(address: str) -> tuple[int, int, int, int]:
    """``$B$3:$F$20`` -> 0-based (r0, c0, r1, c1)."""
    from ..reader.text import column_index

    def one(cell: str) -> tuple[int, int]:
        cell = cell.replace("$", "")
        letters = "".join(ch for ch in cell if ch.isalpha())
        digits = "".join(ch for ch in cell if ch.isdigit())
        return int(digits) - 1, int(column_index(letters))

    parts = address.split("!")[-1].split(":")
    r0, c0 = one(parts[0])
    r1, c1 = one(parts[-1])
    return r0, c0, r1, c1


_PLAIN = frozenset((str, float, int, bool))


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.replace(tzinfo=None)
    return v


def sheet_grid(sheet: Any, sent: "Sent | None" = None) -> list[list[Any]]:
    """The values of a sheet from A1 to its last used cell; empty cells ``""``. ``sent``: the sheet's
    values as already read from Excel (:func:`sent_values`), converted here as xlwings converts a
    read, rather than read again."""
    if sent is None:
        rng = sheet.used_range
        values = rng.options(ndim=2).value  # xlwings chunks big reads itself (each engine's cell budget)
    else:
        rng = sent.rng
        engine = sheet.book.app.engine.name
        values = _remote_values(sent.raw) if engine == "remote" else None
        if values is None:
            from xlwings import conversion

            values = conversion.read(None, sent.raw, {"ndim": 2}, engine_name=engine)
    if values is None:
        return []
    r0, c0 = rng.row - 1, rng.column - 1
    width = c0 + max((len(r) for r in values), default=0)
    pad_row = [""] * width
    grid = [list(pad_row) for _ in range(r0)]
    # most cells are text or numbers: kept as they come, without a call (a refresh reads every cell)
    grid.extend([""] * c0 + [v if v.__class__ in _PLAIN else _cell(v) for v in row] for row in values)
    if all(c == "" for row in grid for c in row):
        return []
    return grid


def _remote_values(raw: Any) -> list[list[Any]] | None:
    """What xlwings' remote engine makes of a sheet's raw values (``conversion.read`` with ``ndim=2``:
    ISO date texts become datetimes, error texts and ``""`` become None), done once per distinct
    text rather than once per cell; None when the values are not a plain grid of text, numbers and
    booleans (the caller then lets xlwings convert them)."""
    if not isinstance(raw, (list, tuple)) or not raw or not all(type(r) in (list, tuple) for r in raw):
        return None
    if not set(map(type, itertools.chain.from_iterable(raw))) <= {str, float, int, bool}:
        return None
    distinct = set(itertools.chain.from_iterable(raw))
    try:
        from xlwings.pro._xlremote import Engine
    except ImportError:  # another xlwings: it converts the cells itself
        return None
    texts = [v for v in distinct if type(v) is str]
    cleaned = Engine.clean_value_data([texts], dt.datetime, None, None, False)[0]
    changed = {t: c for t, c in zip(texts, cleaned) if c is not t}
    if not changed:
        return [list(r) for r in raw]
    return [[changed.get(v, v) if type(v) is str else v for v in row] for row in raw]


def sheet_tables(sheet: Any, grid: list[list[Any]]) -> list[ExcelTable]:
    """The Excel tables (ListObjects) of a sheet, 0-based, as the reader's source layer gives them."""
    out: list[ExcelTable] = []
    try:
        tables = list(sheet.tables)
    except Exception:  # an engine without table support: the reader finds plain ranges itself
        return out
    for t in tables:
        try:
            rng = t.range
            header = t.header_row_range
            body = t.data_body_range
        except Exception:
            continue
        if rng is None:
            continue
        r0, c0, r1, c1 = _a1_to_rc(rng.address)
        if body is not None:
            b0, _, b1, _ = _a1_to_rc(body.address)
        else:
            b0, b1 = r0 + 1, r1
        header_row = _a1_to_rc(header.address)[0] if header is not None else b0 - 1
        row = grid[header_row] if 0 <= header_row < len(grid) else []
        columns = tuple(str(row[j]) if j < len(row) else "" for j in range(c0, c1 + 1))
        out.append(ExcelTable(t.name, header_row, b0, b1, c0, c1, columns))
    return out


@dataclass
class Sent:
    """One user sheet as Excel sent it, before xlwings converts a cell: its used range, the raw
    values (read in the engine's chunks, as any read) and its Excel tables' names and addresses."""

    sheet: Any
    rng: Any
    raw: Any
    tables: list[tuple[Any, Any]]

    def key(self) -> tuple[str, str, str, str]:
        """What the sheet's grid and tables are made of, as text (lists' reprs are unambiguous)."""
        return self.sheet.name, str(self.rng.address), repr(self.tables), repr(self.raw)


def sent_values(book: Any) -> list[Sent]:
    """The user's sheets as Excel sent them. The same sent values always convert to the same grids:
    the refresh keys its cache on these, converts nothing on a hit, and converts these very values
    on a miss (:func:`raw_sheets`), so each sheet is read from Excel once."""
    out = []
    for sheet in user_sheets(book):
        rng = sheet.used_range
        try:
            tables = [(t.name, t.range.address if t.range is not None else None) for t in sheet.tables]
        except Exception:  # an engine without table support
            tables = []
        out.append(Sent(sheet, rng, rng.options("raw").value, tables))
    return out


def raw_sheets(book: Any, sent: list[Sent] | None = None) -> list[RawSheet]:
    """The user's sheets (not the add-in's own) as raw grids; from ``sent`` when already read."""
    pairs: list[tuple[Any, Sent | None]]
    pairs = [(x.sheet, x) for x in sent] if sent is not None else [(x, None) for x in user_sheets(book)]
    out = []
    for sheet, one in pairs:
        grid = sheet_grid(sheet, one)
        if not grid:
            continue
        out.append(RawSheet(sheet.name, grid, sheet_tables(sheet, grid)))
    return out


def read_book(book: Any, config: Config, raw: Any = None) -> Dataset:
    """The canonical tables of the open workbook (``dataset.path`` is its name); ``raw``: its sheets
    already fetched (:func:`raw_sheets`), as the refresh does to key its cache on them."""
    return read_grids(raw_sheets(book) if raw is None else raw, config, name=book.name)
