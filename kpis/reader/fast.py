"""The fast read of a big worksheet: typed Arrow columns instead of one Python object per cell.

python-calamine's ``to_python`` turns every cell of a sheet into a Python object (400,000 activities:
2.8 million objects, most of the reader's time and memory). For an ``.xlsx`` sheet whose census
(:mod:`.package`) found nothing that needs the full read -- no error values, no formulas without a
value, no stray cells, no repair -- the sheet is read in two parts that together give exactly the
grid ``to_python(skip_empty_area=False)`` would have given:

* the head (the first :data:`HEAD_ROWS` rows, where header rows and the content sample are): python-
  calamine on a copy of the package whose worksheets are cut after those rows (built in memory from
  the start of each sheet's XML, the merged ranges put back), so its cells are the same Python values;
* the body (every row below): fastexcel, every column typed (``float``, ``string``, ``datetime``,
  ``boolean``) with strict types -- a column mixing types (a text amount among numbers, a text date
  among dates) makes fastexcel refuse the sheet, and the sheet is then read in full the usual way.

:class:`ColumnGrid` serves both as the grid the reader's steps expect (``grid[i][j]``, ``len``),
and column-wise: :meth:`ColumnGrid.factorize` gives a column's codes and distinct values -- the
distinct values only become Python objects (calamine's: ``float``, ``str``, ``bool``, ``date`` at
midnight, ``datetime`` otherwise, ``""`` for an empty cell), so the per-cell work of the table builder
is done once per distinct value. Anything unexpected (fastexcel missing -- Pyodide --, a duration or
time-of-day column, a library failure) leaves the sheet to the full read, which reports it as before.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from .cells import filled
from .coded import Coded
from .package import MAX_MERGES, SheetCensus

HEAD_ROWS = 256  # >= locate.HEADER_SCAN_ROWS + content.SAMPLE_ROWS: recognition never leaves the head
FAST_MIN_ROWS = 5000  # smaller sheets: the full read is as quick and needs no second library
MODE = "auto"  # "auto", "never" (always the full read), "always" (every eligible sheet, tests)
HEAD_CHECK_ROWS = 64  # the head's last rows (data rows on any real sheet) looked at by check_head
BLOCK = 256  # body rows turned into Python rows at a time (grid[i] below the head: rare, small)

_EPOCH_FLOOR = dt.datetime(1900, 1, 1)  # fastexcel gives a time of day as 1899-12-31 + time
_MIDNIGHT = dt.time(0)


class NotFast(Exception):
    """The sheet needs the full read (said why, for the benchmark and the tests)."""


def available() -> bool:
    try:
        import fastexcel  # noqa: F401
        import pyarrow  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:  # Pyodide (xlwings Lite) and minimal installs: the full read only
        return False
    return True


def eligible(c: SheetCensus | None) -> bool:
    """Whether a sheet of an .xlsx package may be read fast (its census says nothing needs the full read)."""
    if MODE == "never" or c is None:
        return False
    if c.errors or c.no_value or c.dropped_count or c.needs_repair or len(c.merges) > MAX_MERGES:
        return False
    return MODE == "always" or c.max_row >= FAST_MIN_ROWS


# -- the head: the first rows through python-calamine ---------------------------------------------------

_ROW_OPEN = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_R = re.compile(rb'\br="(\d{1,7})"')
_END_DATA = re.compile(rb"</(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\s*/>")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")


def head_xml(z: zipfile.ZipFile, c: SheetCensus, rows: int) -> bytes:
    """A worksheet's XML cut after its first ``rows`` rows, its merged ranges kept."""
    out: list[bytes] = []
    seq = 0
    for chunk in _head_chunks(z, c.part):
        end = _END_DATA.search(chunk)
        limit = end.start() if end else len(chunk)
        cut = None
        for m in _ROW_OPEN.finditer(chunk, 0, limit):
            r = _ROW_R.search(m[1])
            seq = int(r[1]) if r else seq + 1
            if seq > rows:
                cut = m.start()
                break
        if cut is None and end is None:
            out.append(chunk)
            continue
        out.append(chunk[: cut if cut is not None else limit])
        break
    p = c.prefix
    xml = b"".join(out)
    xml = _DIMENSION.sub(b"", xml, count=1)
    if xml.rstrip().endswith(b"/>") and re.search(rb"<(?:\w+:)?sheetData\s*/>\s*$", xml):
        xml = re.sub(rb"<((?:\w+:)?)sheetData\s*/>\s*$", rb"<\1sheetData>", xml)
    tail = b"</" + p + b"sheetData>"
    if c.merges:
        refs = b"".join(b"<" + p + b'mergeCell ref="' + ref + b'"/>' for ref in c.merges)
        tail += b"<" + p + b'mergeCells count="' + str(len(c.merges)).encode() + b'">' + refs + b"</" + p + b"mergeCells>"
    return xml + tail + b"</" + p + b"worksheet>"


def _head_chunks(z: zipfile.ZipFile, part: str, size: int = 1 << 18) -> Iterator[bytes]:
    """The part's XML in small pieces cut after a ``>`` (only its start is wanted)."""
    carry = b""
    with z.open(part) as f:
        while True:
            block = f.read(size)
            if not block:
                break
            data = carry + block
            cut = data.rfind(b">") + 1
            if cut <= 0:
                carry = data
                continue
            yield data[:cut]
            carry = data[cut:]
    if carry:
        yield carry


def head_package(z: zipfile.ZipFile, sheets: dict[str, SheetCensus], rows: int) -> io.BytesIO:
    """The package with every worksheet cut after ``rows`` rows (in memory, never on disk)."""
    parts = {c.part: c for c in sheets.values()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for info in z.infolist():
            if info.is_dir() or info.filename.startswith("xl/media/"):
                continue
            c = parts.get(info.filename)
            out.writestr(info.filename, head_xml(z, c, rows) if c is not None else z.read(info.filename))
    buf.seek(0)
    return buf


def check_head(head: list[list[Any]]) -> None:
    """Raise :class:`NotFast` when the last rows of the head already mix text with numbers or dates
    in one column: the body almost surely does too, and fastexcel's strict read of the whole body
    would be parsed only to be refused (~0.2 s per 100,000 cells). Speed only: a body that mixes
    types anyway is still refused by fastexcel, and a wrong guess here only costs the full read."""
    from .locate import HEADER_SCAN_ROWS

    first = max(len(head) - HEAD_CHECK_ROWS, HEADER_SCAN_ROWS + 8)  # below any header row and the lines under it
    sample = head[first:]
    kinds: dict[int, set[bool]] = {}
    for row in sample:
        for j, v in enumerate(row):
            if v == "" or v is None:
                continue
            kinds.setdefault(j, set()).add(isinstance(v, str))
    mixed = [j for j, k in kinds.items() if len(k) > 1]
    if mixed:
        raise NotFast(f"mixed column {mixed[0]} in the head")


# -- the body: every row below the head through fastexcel ----------------------------------------------

def load_body(reader: Any, name: str, skip: int) -> tuple[dict[int, Any], int]:
    """Typed columns (sheet column index -> Arrow array) of the rows from ``skip`` on, and their count."""
    import pyarrow as pa

    try:
        sheet = reader.load_sheet(name, header_row=None, skip_rows=skip, schema_sample_rows=None,
                                  dtype_coercion="strict")
    except Exception as e:
        if "too many rows skipped" in str(e).lower():
            return {}, 0  # the sheet ends within the head
        raise NotFast(type(e).__name__) from None  # a column mixing types (a text amount…): the full read
    batch = sheet.to_arrow()
    cols: dict[int, Any] = {}
    for info, arr in zip(sheet.selected_columns, batch.columns):
        t = arr.type
        if pa.types.is_timestamp(t):
            if arr.null_count < len(arr):
                low = pa.compute.min(arr).as_py()
                if low is not None and low < _EPOCH_FLOOR:
                    raise NotFast("time of day")  # calamine gives a datetime.time: leave it to the full read
        elif not (pa.types.is_floating(t) or pa.types.is_string(t) or pa.types.is_large_string(t)
                  or pa.types.is_boolean(t) or pa.types.is_null(t) or pa.types.is_date(t)):
            raise NotFast(f"column type {t}")
        if arr.null_count < len(arr):
            cols[int(info.absolute_index)] = arr
    return cols, batch.num_rows


def _python(values: list[Any]) -> list[Any]:
    """Arrow's Python values as python-calamine gives them: a datetime at midnight is a date."""
    out = []
    for v in values:
        if v.__class__ is dt.datetime:
            if v.time() == _MIDNIGHT:
                v = v.date()
        out.append(v)
    return out


def _column_values(arr: Any, a: int, b: int) -> list[Any]:
    """Body rows ``a..b-1`` of one column as Python values (None for an empty cell of an Arrow column)."""
    return arr.values(a, b) if isinstance(arr, Coded) else _python(arr.slice(a, b - a).to_pylist())


class ColumnGrid(Sequence[list[Any]]):
    """A sheet's grid from A1: rows ``[0, start)`` as Python rows (the head), the rest as typed columns
    (Arrow arrays from fastexcel) or as coded columns of python-calamine's values (:mod:`.coded`).

    Behaves as the list of rows python-calamine gives (empty cells ``""``, every row as wide), and
    gives columns without a Python object per cell (:meth:`factorize`, :meth:`last_data_row`)."""

    def __init__(self, head: list[list[Any]], start: int, body: dict[int, Any], body_rows: int) -> None:
        width = max([len(r) for r in head] + [c + 1 for c in body] + [0])
        if body_rows:
            head = head + [[] for _ in range(start - len(head))]
        else:
            start = len(head)
        self.head = [r + [""] * (width - len(r)) if len(r) < width else r for r in head]
        self.start = start
        self.body = body
        self.body_rows = body_rows
        self.width = width
        self._blocks: dict[int, list[list[Any]]] = {}

    def __len__(self) -> int:
        return self.start + self.body_rows

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i < self.start:
            return self.head[i]
        k, off = divmod(i - self.start, BLOCK)
        block = self._blocks.get(k)
        if block is None:
            block = self._blocks[k] = self._rows(k * BLOCK, min(self.body_rows, (k + 1) * BLOCK))
        return block[off]

    def __iter__(self) -> Iterator[list[Any]]:
        yield from self.head
        for k in range(0, self.body_rows, BLOCK):
            yield from self._rows(k, min(self.body_rows, k + BLOCK))

    def _rows(self, a: int, b: int) -> list[list[Any]]:
        rows = [[""] * self.width for _ in range(b - a)]
        for j, arr in self.body.items():
            values = _column_values(arr, a, b)
            for r, v in zip(rows, values):
                if v is not None:
                    r[j] = v
        return rows

    def cells(self, col: int, r0: int, r1: int) -> np.ndarray:
        """Column ``col`` of rows ``r0..r1`` as an object array of Python values (merged cells are
        filled there). Taken column-wise: no Python row is made (or kept) for the body."""
        out = np.empty(max(0, r1 - r0 + 1), dtype=object)
        k = 0
        for i in range(r0, min(r1, self.start - 1) + 1):
            row = self.head[i]
            out[k] = row[col] if col < len(row) else ""
            k += 1
        b0 = max(r0, self.start)
        if r1 >= b0:
            if r1 >= len(self):
                raise IndexError(r1)
            a, b = b0 - self.start, r1 - self.start + 1
            arr = self.body.get(col)
            if arr is None:
                out[k:] = ""
            else:
                values = _column_values(arr, a, b)
                out[k:] = ["" if v is None else v for v in values]
        return out

    def factorize(self, col: int, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        """Codes and distinct values of column ``col``, rows ``r0..r1`` -- what ``pd.factorize`` gives
        on the same cells as Python objects (distinct values in order of first appearance)."""
        r1 = min(r1, len(self) - 1)
        n = max(0, r1 - r0 + 1)
        h1 = min(r1, self.start - 1)
        parts_codes: list[np.ndarray] = []
        uniques: list[Any] = []
        index: dict[Any, int] = {}
        if h1 >= r0:
            codes, u = pd.factorize(self.cells(col, r0, h1))  # rows of the head only
            uniques = list(u)
            index = {v: k for k, v in enumerate(uniques)}
            parts_codes.append(codes.astype(np.intp, copy=False))
        b0 = max(r0, self.start)
        if r1 >= b0:
            length = r1 - b0 + 1
            arr = self.body.get(col)
            if arr is None:
                local = np.zeros(length, dtype=np.intp)
                values: list[Any] = [""]
            elif isinstance(arr, Coded):  # python-calamine's values, coded (.coded): "" is one of them
                values, local = arr.encode(b0 - self.start, length)
            else:
                import pyarrow as pa  # only for fastexcel's columns: coded ones need no pyarrow
                import pyarrow.compute as pc  # type: ignore[import-untyped]

                enc = pc.dictionary_encode(arr.slice(b0 - self.start, length))
                values = enc.dictionary.to_pylist()
                if pa.types.is_timestamp(arr.type):
                    values = _python(values)
                if enc.null_count:
                    values.append("")
                    local = enc.indices.fill_null(len(values) - 1).to_numpy().astype(np.intp, copy=False)
                else:
                    local = enc.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
                if enc.null_count and len(values) > 1:  # "" in its place of first appearance
                    _, first = np.unique(local, return_index=True)
                    order = np.argsort(first, kind="stable")
                    rank = np.empty(len(order), dtype=np.intp)
                    rank[order] = np.arange(len(order))
                    values = [values[k] for k in order]
                    local = rank[local]
            if not uniques:
                uniques = values
                parts_codes.append(local)
            else:  # the head's distinct values keep their codes; the body's new ones follow, in order
                pos = dict(zip(values, range(len(values))))
                seen = np.zeros(len(values), dtype=bool)
                remap = np.empty(len(values), dtype=np.intp)
                for u, code in index.items():  # the head's few distinct values
                    at = pos.get(u)
                    if at is not None:
                        seen[at] = True
                        remap[at] = code
                remap[~seen] = len(uniques) + np.arange(int((~seen).sum()))
                uniques = uniques + [v for v, s in zip(values, seen) if not s]
                parts_codes.append(remap[local])
        codes = np.concatenate(parts_codes) if parts_codes else np.empty(0, dtype=np.intp)
        out = np.empty(len(uniques), dtype=object)
        out[:] = uniques
        assert len(codes) == n
        return codes, out

    def last_data_row(self, start: int, first_col: int, last_col: int) -> int:
        """Index of the last row at or after ``start`` with a non-empty cell in the columns (start-1 if none)."""
        cols = [a for j, a in self.body.items() if first_col <= j <= last_col]
        if cols and self.body_rows:
            valid = np.zeros(self.body_rows, dtype=bool)
            for a in cols:
                if isinstance(a, Coded):  # its last filled row stands for the column (the rows are checked below)
                    last = a.last_filled()
                    if last >= 0:
                        valid[last] = True
                else:
                    valid |= a.is_valid().to_numpy(zero_copy_only=False)
            for pos in np.flatnonzero(valid)[::-1]:
                i = self.start + int(pos)
                if i < start:
                    break
                if any(filled(v) for v in self[i][first_col : last_col + 1]):
                    return i
        for i in range(min(self.start, len(self)) - 1, start - 1, -1):
            if any(filled(v) for v in self.head[i][first_col : last_col + 1]):
                return i
        return start - 1


def open_reader(path: Path) -> Any:
    import fastexcel

    return fastexcel.read_excel(str(path))
