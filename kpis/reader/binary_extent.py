"""The area each sheet of a .xls, .xlsb or .ods workbook will take, before the reader library
builds it: one stray value in IV65536 of a 10-row .xls sheet costs 16 million cells (1.3 GB).

The cell records are walked without decoding their values: BIFF8 records (``.xls``, in the OLE
``Workbook`` stream: row and column in the first four bytes of each cell record) and BIFF12 records
(``.xlsb`` sheet parts: ``BrtRowHdr`` gives the row, each cell record starts with its column), and
the rows and cells of an ``.ods``'s ``content.xml`` with their repeat counts. Blank cells are skipped
(they hold no value). A sheet whose rectangle would exceed
:data:`~kpis.reader.package.MAX_AREA` cells is refused with ``sheet_too_large`` (these formats are
not rewritten to leave the stray cells out, unlike .xlsx).
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

from .package import MAX_AREA, MAX_PART_BYTES, PackageProblem, _stream, col_letters

# BIFF8 cell records with (row, col) first: FORMULA, LABELSST, NUMBER, RK, BOOLERR, LABEL, RSTRING, MULRK
_BIFF8_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6}
_MULRK = 0x00BD
_BOF, _EOF = 0x0809, 0x000A
# BIFF12: BrtRowHdr, and the cell records holding a value (BrtCellRk … BrtFmlaError; 1 is blank)
_BRT_ROW = 0
_BRT_CELLS = set(range(2, 12))


def check_xls(path: Path) -> None:
    """Raise PackageProblem when a worksheet of the .xls would take more than MAX_AREA cells."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            name = next((n for n in ("Workbook", "Book", "WORKBOOK", "BOOK") if ole.exists(n)), None)
            if name is None:
                return
            size = ole.get_size(name)
            if size > MAX_PART_BYTES:
                raise PackageProblem("zip_bomb", detail=f"{name}: {size} B")
            data = ole.openstream(name).read()
    except PackageProblem:
        raise
    except Exception:  # a damaged compound file: the library will say so in its own words
        return
    _check_biff8(data)


def _check_biff8(data: bytes) -> None:
    pos, n = 0, len(data)
    max_row = max_col = -1
    sheet = 0
    in_sheet = False
    unpack = struct.unpack_from
    while pos + 4 <= n:
        rid, size = unpack("<HH", data, pos)
        body = pos + 4
        if rid == _BOF and size >= 4:
            kind = unpack("<H", data, body + 2)[0]
            in_sheet = kind == 0x0010
            max_row = max_col = -1
        elif rid == _EOF:
            if in_sheet:
                _refuse_if_too_big(max_row, max_col, f"#{sheet + 1}")
                sheet += 1
            in_sheet = False
        elif in_sheet and size >= 4 and (rid in _BIFF8_CELLS or rid == _MULRK):
            row, col = unpack("<HH", data, body)
            if rid == _MULRK and size >= 6:
                col = unpack("<H", data, body + size - 2)[0]
            if row > max_row:
                max_row = row
            if col > max_col:
                max_col = col
        pos = body + size


def check_xlsb(z: zipfile.ZipFile) -> None:
    """Raise PackageProblem when a worksheet part of the .xlsb would take more than MAX_AREA cells."""
    for info in z.infolist():
        name = info.filename
        if name.startswith("xl/worksheets/") and name.endswith(".bin"):
            data = b"".join(_stream(z, name, MAX_PART_BYTES))
            max_row, max_col = _biff12_extent(data)
            _refuse_if_too_big(max_row, max_col, name)


def _biff12_extent(data: bytes) -> tuple[int, int]:
    pos, n = 0, len(data)
    row = max_row = max_col = -1
    unpack = struct.unpack_from
    while pos < n:
        b0 = data[pos]
        pos += 1
        rtype = b0 & 0x7F
        if b0 & 0x80 and pos < n:
            rtype |= (data[pos] & 0x7F) << 7
            pos += 1
        size = shift = 0
        for _ in range(4):
            if pos >= n:
                return max_row, max_col
            b = data[pos]
            pos += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        if rtype == _BRT_ROW and size >= 4 and pos + 4 <= n:
            row = unpack("<I", data, pos)[0]
        elif rtype in _BRT_CELLS and size >= 4 and pos + 4 <= n and row >= 0:
            col = unpack("<I", data, pos)[0]
            if row > max_row:
                max_row = row
            if col > max_col:
                max_col = col
        pos += size
    return max_row, max_col


def _refuse_if_too_big(max_row: int, max_col: int, where: str) -> None:
    if max_row < 0 or max_col < 0:
        return
    cells = (max_row + 1) * (max_col + 1)
    if cells > MAX_AREA:
        raise PackageProblem("sheet_too_large", cells=f"{cells:,}".replace(",", " "),
                             ref=f"{where}: A1:{col_letters(min(max_col, 16383))}{max_row + 1}", part=where)


# -- OpenDocument (.ods): content.xml, rows and cells with their "repeated" counts -------------------

_ODS_TABLE = re.compile(rb'<table:table[\s>][^>]*?(?:table:name="([^"]*)")?[^>]*>')
_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*?)(?:/>|>(.*?)</table:table-row>)", re.DOTALL)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(?:/>|>(.*?)</table:(?:covered-)?table-cell>)", re.DOTALL)
_ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d+)"')
_COLS_REPEATED = re.compile(rb'number-columns-repeated="(\d+)"')


def check_ods(z: zipfile.ZipFile) -> None:
    """Raise PackageProblem when a table of the .ods would take more than MAX_AREA cells: rows and
    cells repeated N times count N times when they hold a value (that is how the library builds them)."""
    if "content.xml" not in z.NameToInfo:
        return
    xml = b"".join(_stream(z, "content.xml", MAX_PART_BYTES))
    name, row, max_row, max_col = b"", 0, 0, 0
    for m in re.finditer(rb"<table:table[\s>]|<table:table-row\b", xml):
        if m[0].startswith(b"<table:table-row"):
            r = _ODS_ROW.match(xml, m.start())
            if r is None:
                continue
            rep = _ROWS_REPEATED.search(r[1])
            repeat = int(rep[1]) if rep else 1
            inner = r[2] or b""
            if b"value-type" in inner or b"<text:" in inner:
                col = 0
                for c in _ODS_CELL.finditer(inner):
                    crep = _COLS_REPEATED.search(c[1])
                    n = int(crep[1]) if crep else 1
                    if b"value-type" in c[1] or (c[2] and b"<text:" in c[2]):
                        max_col = max(max_col, col + n)
                    col += n
                max_row = row + repeat
            row += repeat
        else:
            _refuse_if_too_big(max_row - 1, max_col - 1, name.decode("utf-8", "replace") or "?")
            t = _ODS_TABLE.match(xml, m.start())
            name = (t[1] or b"") if t else b""
            row = max_row = max_col = 0
    _refuse_if_too_big(max_row - 1, max_col - 1, name.decode("utf-8", "replace") or "?")
