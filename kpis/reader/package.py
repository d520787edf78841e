"""Looking inside an Excel zip package before the reader library does: bounded cost on any file.

python-calamine builds each sheet as one dense rectangle, from A1 to the farthest cell holding a value
(one stray value in XFD1048576 of a 10-row sheet: 17 billion cells, the process aborts), inflates
whatever the zip declares (a 2 MB zip bomb: gigabytes), reads Excel error values as empty cells and
refuses a whole sheet on error codes it does not know (``#SPILL!``). So, before handing it a package:

1. :func:`check_zip`: every part's declared size, the total, and the compression ratio are bounded
   (``MAX_PART_BYTES``, ``MAX_TOTAL_BYTES``, ``MAX_RATIO``); every part is then inflated as a stream
   and counted, so a part that inflates to more than it declares is caught too (zipfile stops at the
   declared size and the CRC check fails).
2. :func:`census`: while streaming each worksheet's XML, cheap byte searches bound the area the
   sheet will take (cells in columns AA and beyond, or rows 100000 and beyond, are looked at one by
   one; of columns A-Z the last letter present is found by one vectorised pass; the others cannot
   make the area exceed 26 x 99999), and find error cells (``t="e"``), formulas without a cached
   value, and formulas pointing to other workbooks (``[1]Sheet!A1``).
3. A sheet whose area would exceed ``MAX_AREA`` cells while less than half full (or exceed
   ``MAX_SHEET_CELLS``) is read again cell by cell: the data's extent is
   the block before the first wide gap of empty columns (``COLUMN_GAP``) and rows (``ROW_GAP``), the
   cells outside it are dropped from the XML handed to the library and reported. A sheet holding error
   codes the library does not know gets those cells blanked the same way (they are reported anyway).
   :func:`repaired_package` writes the repaired package in memory, never on disk.

Everything here reads the file; nothing writes it.
"""

from __future__ import annotations

import html
import io
import itertools
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any, Iterator

from ..errors import KpisError
from .cells import CALAMINE_ERRORS
from .text import column_letter

MAX_PART_BYTES = 512 * 2**20  # one part, inflated (a worksheet's XML; the library streams it)
MAX_WHOLE_PART_BYTES = 256 * 2**20  # parts held whole in memory (shared strings, styles, workbook)
MAX_TOTAL_BYTES = 1536 * 2**20  # all parts, inflated
MAX_RATIO = 1000  # inflated / compressed, for parts above RATIO_FLOOR (XML compresses ~10-200x)
RATIO_FLOOR = 16 * 2**20
MAX_PARTS = 10000
MAX_AREA = 6_000_000  # a bigger rectangle is placed cell by cell: stray cells far away are left out
MAX_SHEET_CELLS = 1_048_576 * 16  # the data itself: up to Excel's last row over 16 columns (~550 MB there)
MAX_REPAIR_BYTES = 400 * 2**20  # a package is repaired in memory only up to this inflated size
COLUMN_GAP = 64  # empty columns that separate the data from stray cells
ROW_GAP = 10000  # empty rows that separate the data from stray cells
CHUNK = 8 * 2**20
NARROW_ROWS = 99999  # cells in columns A-Z with rows below 100000 are not looked at one by one


class PackageProblem(KpisError):
    """The package cannot be handed to the reader library; ``code`` (``reason``) and ``params`` make
    the message (the reader raises it again as a :class:`~kpis.reader.errors.ReadError` naming the file)."""

    def __init__(self, reason: str, /, **params: object) -> None:
        super().__init__(reason, "en", **params)

    @property
    def reason(self) -> str:
        return self.code


@dataclass
class SheetCensus:
    """What the worksheet's XML holds, as far as cost and silent losses go (0-based positions)."""

    part: str
    max_row: int = 0  # rows and columns of the rectangle (1-based extent; 0: empty)
    max_col: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "#N/A"
    no_value: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "=A1*2"
    external: list[tuple[int, int]] = field(default_factory=list)  # formulas pointing to other files
    dropped: list[tuple[int, int]] = field(default_factory=list)  # stray cells left out (first ones)
    dropped_count: int = 0
    kept: tuple[int, int] | None = None  # (rows, cols) kept when stray cells were dropped
    prefix: bytes = b""  # the XML namespace prefix of the sheet's elements (``x:``), often none
    merges: list[bytes] = field(default_factory=list)  # ``A1:F1`` of each merged range (the fast reader's head)

    @property
    def area(self) -> int:
        return self.max_row * self.max_col

    @property
    def unknown_errors(self) -> bool:
        return any(v not in CALAMINE_ERRORS for v in self.errors.values())

    @property
    def needs_repair(self) -> bool:
        return self.unknown_errors or self.kept is not None


@dataclass
class PackageCensus:
    sheets: dict[str, SheetCensus] = field(default_factory=dict)  # sheet name -> census
    external_links: list[str] = field(default_factory=list)  # targets of the workbook's external links
    dde: bool = False

    @property
    def needs_repair(self) -> bool:
        return any(s.needs_repair for s in self.sheets.values())


# -- 1. the zip's sizes --------------------------------------------------------------------------------

def check_zip(z: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from the declared sizes (see the module docstring); raises PackageProblem."""
    infos = z.infolist()
    if len(infos) > MAX_PARTS:
        raise PackageProblem("zip_bomb", detail=f"{len(infos)} parts")
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        if size > MAX_PART_BYTES or (size > RATIO_FLOOR and size / packed > MAX_RATIO):
            raise PackageProblem("zip_bomb", detail=f"{info.filename}: {_mb(packed)} → {_mb(size)}")
    if total > MAX_TOTAL_BYTES:
        raise PackageProblem("zip_bomb", detail=f"Σ {_mb(total)}")


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n} B"


def _stream(z: zipfile.ZipFile, name: str, limit: int) -> Iterator[bytes]:
    """The part's bytes in chunks; raises PackageProblem beyond ``limit`` or when the zip is damaged."""
    seen = 0
    try:
        with z.open(name) as f:
            while True:
                block = f.read(CHUNK)
                if not block:
                    return
                seen += len(block)
                if seen > limit:
                    raise PackageProblem("zip_bomb", detail=f"{name} > {_mb(limit)}")
                yield block
    except PackageProblem:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as e:
        raise PackageProblem("damaged_zip", detail=f"{name}: {type(e).__name__}") from None
    except Exception as e:  # zlib.error and the like: a damaged part
        raise PackageProblem("damaged_zip", detail=f"{name}: {type(e).__name__}") from None


# -- 2. where the sheets are -----------------------------------------------------------------------------

_REL_RE = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTR_RE = re.compile(rb"\b([\w:]+)=\"([^\"]*)\"")
_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")


def _attrs(blob: bytes) -> dict[str, str]:
    return {k.decode("utf-8", "replace").split(":")[-1] if k != b"r:id" else "rid": html.unescape(v.decode("utf-8", "replace"))
            for k, v in _ATTR_RE.findall(blob)}


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, target part) of ``part`` (``""``: the package)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    try:
        blob = _read_small(z, rels_name)
    except KeyError:
        return {}
    out = {}
    for m in _REL_RE.findall(blob):
        a = _attrs(m)
        target = a.get("Target", "")
        if a.get("TargetMode", "") == "External":
            out[a.get("Id", "")] = (a.get("Type", "").rsplit("/", 1)[-1], target)
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[a.get("Id", "")] = (a.get("Type", "").rsplit("/", 1)[-1], path)
    return out


def _read_small(z: zipfile.ZipFile, name: str) -> bytes:
    z.getinfo(name)  # KeyError when absent
    return b"".join(_stream(z, name, MAX_WHOLE_PART_BYTES))


def main_part(z: zipfile.ZipFile) -> str | None:
    """The workbook part named by the package's relationships (``xl/workbook.xml`` usually)."""
    for typ, target in _rels(z, "").values():
        if typ == "officeDocument":
            return target
    return "xl/workbook.xml" if "xl/workbook.xml" in z.NameToInfo else None


def all_sheet_names(path: str | os.PathLike[str]) -> list[str] | None:
    """Every sheet name an ``.xlsx`` package's workbook part lists (any kind of sheet), read with
    the zip module alone: no census, no reader library. None when that cannot be told (not a zip,
    no workbook part, anything odd): the caller then opens the file the full way, which says why."""
    try:
        with zipfile.ZipFile(path) as z:
            workbook = main_part(z)
            if workbook is None:
                return None
            xml = _read_small(z, workbook)
    except Exception:  # whatever it is, the full opening reports it in the user's language
        return None
    return [_attrs(m).get("name", "") for m in _SHEET_RE.findall(xml)]


def sheet_parts(z: zipfile.ZipFile, workbook: str) -> dict[str, str]:
    """Sheet name (as in workbook.xml) -> its part, for worksheets whose part is in the package."""
    try:
        xml = _read_small(z, workbook)
    except KeyError:
        return {}
    rels = _rels(z, workbook)
    out = {}
    for m in _SHEET_RE.findall(xml):
        a = _attrs(m)
        rid = a.get("rid") or a.get("id")
        typ, part = rels.get(rid or "", ("", ""))
        if typ == "worksheet" and part in z.NameToInfo:
            out[a.get("name", "")] = part
    return out


# -- 3. the census -----------------------------------------------------------------------------------------

_WIDE = re.compile(rb'r="([A-Z]{2,3})(\d{1,7})"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d{1,7})\"")
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?\bt=\"e\"[^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?)"')
MAX_MERGES = 10000  # merged ranges kept for the fast reader (more: it leaves the sheet to the full read)
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>(.*?)</(?:\w+:)?v>", re.DOTALL)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.DOTALL)
_EXTERNAL = re.compile(rb"\[\d+\]")
_ANY_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})(\d{1,7})\"[^>]*?(/?)>")
_PREFIX = re.compile(rb"<(\w+:)?sheetData\b")
MAX_LISTED = 100000  # error / no-value cells remembered per sheet (beyond: counted in the report anyway)


def col_index(letters: bytes) -> int:
    """``b"A"`` -> 0, ``b"XFD"`` -> 16383."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


col_letters = column_letter  # 0 -> "A" (the reader's one column-letter function, kpis.reader.text)


def _ref(attrs: bytes) -> tuple[int, int] | None:
    m = _REF.search(attrs)
    return (int(m[2]) - 1, col_index(m[1])) if m else None


def _chunks(z: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The part's XML in pieces cut after a ``</row>`` (a cell never spans two pieces)."""
    carry = b""
    for block in _stream(z, name, MAX_PART_BYTES):
        data = carry + block
        cut = data.rfind(b"row>")
        if cut < 0:
            cut = data.rfind(b">")
        if cut < 0:
            carry = data
            continue
        cut = data.find(b">", cut) + 1
        yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


def census_sheet(z: zipfile.ZipFile, part: str, external: bool) -> SheetCensus:
    """One pass over a worksheet's XML (see the module docstring); a second when its area is too big."""
    c = SheetCensus(part)
    narrow = False
    narrow_cols = 0  # columns A-Z: up to the last letter some cell reference starts with
    cells = 0  # cells opened as Excel writes them (<c r="A1")
    odd = False  # some cell is not (no reference, r='A1', lowercase...): placed the tolerant way
    prefix = None
    for chunk in _chunks(z, part):
        if prefix is None:
            m = _PREFIX.search(chunk)
            if m:
                prefix = m[1] or b""
                c.prefix = prefix
        scan = _scan_cells(chunk, narrow_cols)
        wide = _WIDE.findall(chunk) if scan.wide else None  # the regex only where the scan saw a wide reference
        if wide:
            letters, digits = zip(*set(wide))  # distinct (column, row) pairs, compared without int()
            c.max_col = max(c.max_col, col_index(max(set(letters), key=_by_length)) + 1)
            c.max_row = max(c.max_row, int(max(set(digits), key=_by_length)))
        if not narrow and b'r="' in chunk and (b"<c " in chunk or b":c " in chunk):
            narrow = True
        narrow_cols = scan.cols
        c.max_row = max(c.max_row, scan.tall_row)
        cells += scan.canonical
        odd = odd or scan.openings > scan.canonical
        last = chunk.rfind(b"row ")
        if last >= 0:
            m = _ROW_TAG.search(chunk, max(0, last - 20))
            if m:
                c.max_row = max(c.max_row, int(m[1]))
        if b"mergeCell" in chunk and len(c.merges) <= MAX_MERGES:
            c.merges.extend(_MERGE_REF.findall(chunk))
        if scan.errors:
            _errors(chunk, c)
        if scan.formulas:
            _formulas(chunk, c, prefix or b"", external)
    if narrow:
        # Cells in columns A-Z below row 100000 were not looked at one by one: rows as tagged in
        # order, but a hostile file may place them anywhere up to row 99999. Their columns are known
        # (the last letter present), so a narrow sheet of any height is not placed cell by cell.
        if c.max_col > 26:
            c.max_row = max(c.max_row, NARROW_ROWS)
        else:
            c.max_col = max(c.max_col, narrow_cols, 1)
            c.max_row = max(c.max_row, 1)
    if odd:
        _tolerant_extent(z, c)
        return c
    if _not_as_it_is(c.area, cells):
        # A big rectangle mostly empty (a stray cell far from a small table) is placed cell by cell
        # and the stray cells are cut; one more than half full is data (a table at Excel's height):
        # it is handed over as it is, no second pass over millions of cells. Beyond MAX_SHEET_CELLS
        # the exact extent decides whether the data itself is too large.
        _exact_extent(z, c)
    return c


def _not_as_it_is(area: int, cells: int) -> bool:
    """Whether a sheet's rectangle of ``area`` cells holding ``cells`` cannot be handed to the reader
    library as it is: beyond MAX_SHEET_CELLS, or beyond MAX_AREA and less than half full."""
    return area > MAX_SHEET_CELLS or (area > MAX_AREA and cells * 2 < area)


@dataclass
class _CellScan:
    """What one vectorised pass over a chunk's bytes finds about its cells (see :func:`_scan_cells`)."""

    cols: int  # columns A-Z the cells may reach (at least the ``known`` passed)
    tall_row: int  # the highest row among references r="L123456" of six or seven digits (0: none)
    canonical: int  # cells opened exactly as Excel writes them: <c r="AB12" (any element prefix)
    openings: int  # every cell element opened (<c>, <c s="1">, <x:c r='a1'>...)
    formulas: bool = False  # some formula element is opened (<f>, <f t="shared"...>, <x:f/>...)
    errors: bool = False  # ``t="e"`` somewhere (an error cell, most likely)
    wide: bool = False  # some r="AB12" (two or three letters): what _WIDE finds, looked for then


_BYTE_TABLES: Any = None  # (prefix bytes, delimiters): 256-entry numpy tables, built on first use


def _byte_tables() -> Any:
    """Bytes that may appear in an XML namespace prefix (NCName: letters, digits, ``_ - .``), and
    bytes that may follow an element's name (whitespace, ``>``, ``/``)."""
    import numpy as np

    global _BYTE_TABLES
    if _BYTE_TABLES is None:
        name, delim = np.zeros(256, dtype=bool), np.zeros(256, dtype=bool)
        name[list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")] = True
        delim[list(b" \t\r\n>/")] = True
        _BYTE_TABLES = (name, delim)
    return _BYTE_TABLES


def _element_starts(a: Any, before: Any) -> Any:
    """Which of the positions ``before`` (the byte just before an element's local name) open an
    element: ``<`` there, or ``:`` preceded by a prefix and ``<`` (``</x:c`` closes: not counted)."""
    import numpy as np

    out = a[before] == 0x3C
    colon = np.flatnonzero(a[before] == 0x3A)
    if len(colon):
        pos = before[colon] - 1
        alive = np.ones(len(colon), dtype=bool)
        found = np.zeros(len(colon), dtype=bool)
        while alive.any():  # back over the prefix's bytes, however long, to the "<"
            ok = alive & (pos >= 0)
            b = a[np.maximum(pos, 0)]
            found |= ok & (b == 0x3C)
            alive = ok & _byte_tables()[0][b]
            pos = pos - 1
        out[colon] = found
    return out


def _scan_cells(chunk: bytes, known: int) -> _CellScan:
    """One vectorised pass over a chunk's bytes (no Python step per cell), see :class:`_CellScan`.

    A row's own ``r="12"`` starts with a digit and a wide column's ``r="AB1"`` has a second letter:
    neither is a narrow column nor a tall row here (``_WIDE`` reads the wide ones). Every cell element
    is counted whatever its spelling, so a cell the canonical pass cannot place (no reference,
    ``r='A1'``, ``r = "A1"``, ``r="xfd9"``...) makes ``openings`` exceed ``canonical``: the sheet is
    then placed by :func:`_tolerant_extent`. An attribute that merely ends in ``r`` only widens bounds."""
    import numpy as np

    a = np.frombuffer(chunk, dtype=np.uint8)
    if len(a) < 4:
        return _CellScan(known, 0, 0, 0, bool(_FORMULA_OPEN.search(chunk)), False)  # too short for t="e"
    padded = np.concatenate([a, np.zeros(16, dtype=np.uint8)])
    delim = _byte_tables()[1]
    # every cell element opened: "c" then a delimiter, right after "<" or "prefix:"
    cpos = np.flatnonzero(a == 0x63)
    cpos = cpos[(cpos > 0) & delim[padded[cpos + 1]]]
    openings = int(_element_starts(a, cpos - 1).sum()) if len(cpos) else 0
    # a formula element opened the same way ("f" then a delimiter): what _formulas can find, and
    # more (any prefix, tabs): one pass where three substring searches took a quarter of the census
    fpos = np.flatnonzero(a == 0x66)
    fpos = fpos[(fpos > 0) & delim[padded[fpos + 1]]]
    formulas = bool(len(fpos)) and bool(_element_starts(a, fpos - 1).any())
    # attributes from their "=" (about one byte in ten): r=" (references) and t="e" (errors)
    eq = np.flatnonzero(a == 0x3D)
    eq = eq[(eq >= 1) & (eq <= len(a) - 3)]
    eq = eq[padded[eq + 1] == 0x22]
    before = a[eq - 1]
    errors = bool(((before == 0x74) & (padded[eq + 2] == 0x65) & (padded[eq + 3] == 0x22)).any())
    at = eq[before == 0x72] + 2  # after r="
    first = a[at]
    lettered = at[(first >= 0x41) & (first <= 0x5A)]
    if not len(lettered):
        return _CellScan(known, 0, 0, openings, formulas, errors)
    cols = max(known, int(a[lettered].max()) - 0x40)
    # each reference's 12 bytes from its first letter: letters, digits, the closing quote
    win = np.stack([padded[lettered + k] for k in range(12)])
    upper = (win >= 0x41) & (win <= 0x5A)
    digit = (win >= 0x30) & (win <= 0x39)
    n_letters = np.argmin(upper, axis=0)
    end = np.argmax((np.arange(12)[:, None] >= n_letters[None, :]) & ~digit, axis=0)
    n_digits = end - n_letters
    well_formed = (n_digits >= 1) & (n_digits <= 7) & (win[end, np.arange(win.shape[1])] == 0x22)
    # canonical cells: <c r="LLL1234567" -- "c " before r=", an element start before "c"
    r_at = lettered - 3
    canon = well_formed & (n_letters <= 3) & (r_at >= 3) & (padded[np.maximum(r_at - 1, 0)] == 0x20) \
        & (padded[np.maximum(r_at - 2, 0)] == 0x63)
    if canon.any():
        canon[canon] = _element_starts(a, lettered[canon] - 6)
    wide = bool((well_formed & (n_letters >= 2) & (n_letters <= 3)).any())
    tall = well_formed & (n_letters == 1) & (n_digits >= 6)
    tall_row = 0
    if tall.any():
        w, n = win[1:8, tall].astype(np.int64) - 0x30, n_digits[tall]
        six = w[:6].T @ (10 ** np.arange(5, -1, -1))  # the first six digits as a number
        tall_row = int(np.where(n == 7, six * 10 + w[6], six).max())
    return _CellScan(cols, tall_row, int(canon.sum()), openings, formulas, errors, wide)


_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s>/])([^>]*)>")
_FORMULA_OPEN = re.compile(rb"<(?:[\w.-]*:)?f[ \t\r\n>/]")  # what _scan_cells finds, for a chunk too short to scan
_ROW_NUMBER = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*(\d{1,9})""")
_CELL_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*\$?([A-Za-z]{1,4})\$?(\d{1,9})""")


def _tolerant_extent(z: zipfile.ZipFile, c: SheetCensus) -> None:
    """The rectangle of a sheet whose cells are not all written as Excel writes them (a cell without
    a reference, ``r='A1'``, ``r = "A1"``, lowercase letters...), placed as the reader library places
    them: a row's ``r`` (else the next row), a cell's reference (else the next column of its row).
    Over-estimates rather than under-estimates. Such a sheet is handed over whole (its stray cells
    cannot be cut safely), or refused when its rectangle is too big for that."""
    row, col, max_row, max_col, cells = -1, -1, -1, -1, 0
    for chunk in _chunks(z, c.part):
        for m in _ELEMENT.finditer(chunk):
            if m[1] == b"row":
                r = _ROW_NUMBER.search(m[2])
                row = int(r[1]) - 1 if r else row + 1
                col = -1
                max_row = max(max_row, row)
                continue
            cells += 1
            ref = _CELL_REF.search(m[2])
            if ref:
                col = col_index(ref[1].upper())
                max_row = max(max_row, int(ref[2]) - 1)
            else:
                col += 1
            max_col = max(max_col, col)
    c.max_row = max(c.max_row, max_row + 1)
    c.max_col = max(c.max_col, max_col + 1)
    if _not_as_it_is(c.area, cells):  # cells not placed as Excel writes them cannot be cut: refused
        raise PackageProblem("sheet_too_large", cells=f"{c.area:,}".replace(",", " "),
                             ref=f"A1:{col_letters(c.max_col - 1)}{c.max_row}", part=c.part)


def _by_length(b: bytes) -> tuple[int, bytes]:
    """Order of numbers written in digits, or of column letters: by length, then by text."""
    return len(b), b


def _errors(chunk: bytes, c: SheetCensus) -> None:
    for m in _ERROR_CELL.finditer(chunk):
        pos = _ref(m[1])
        if pos is None or len(c.errors) >= MAX_LISTED:
            continue
        v = _VALUE.search(m[2] or b"")
        c.errors[pos] = html.unescape(v[1].decode("utf-8", "replace")).strip() if v else "#N/A"


def _formulas(chunk: bytes, c: SheetCensus, prefix: bytes, external: bool) -> None:
    """Formula cells: without a cached value (``no_value``), or pointing to another workbook."""
    f_open, c_open, c_close = b"<" + prefix + b"f", b"<" + prefix + b"c", b"</" + prefix + b"c>"
    v_open, v_close = b"<" + prefix + b"v", b"</" + prefix + b"v>"
    pos = chunk.find(f_open)
    while pos >= 0:
        nxt = chunk[pos + len(f_open): pos + len(f_open) + 1]
        if nxt not in (b" ", b">", b"/"):
            pos = chunk.find(f_open, pos + 1)
            continue
        start = chunk.rfind(c_open, 0, pos)
        end = chunk.find(c_close, pos)
        if start < 0:
            pos = chunk.find(f_open, pos + 1)
            continue
        if end < 0:
            end = len(chunk)
        cell = chunk[start:end]
        head = cell[: cell.find(b">") + 1]
        where = _ref(head)
        if where is not None:
            t = _TYPE.search(head)
            typ = t[1] if t else b"n"
            has_value = _has_value(cell, v_open, v_close, typ) or b"<is>" in cell or b":is>" in cell
            if not has_value or external:
                f = _FORMULA.search(cell, pos - start)
                text = html.unescape((f[1] or b"").decode("utf-8", "replace")) if f else ""
                if not has_value and len(c.no_value) < MAX_LISTED:
                    c.no_value[where] = "=" + text if text else "=…"
                if external and _EXTERNAL.search(text.encode()) and len(c.external) < MAX_LISTED:
                    c.external.append(where)
        pos = chunk.find(f_open, end)


def _has_value(cell: bytes, v_open: bytes, v_close: bytes, typ: bytes) -> bool:
    """Whether a formula cell holds a cached value: a non-blank ``<v>``, or an empty one for a text
    result (``t="str"``: a formula returning ""). Plain finds: values can be megabytes long."""
    at = cell.find(v_open)
    while at >= 0 and cell[at + len(v_open): at + len(v_open) + 1] not in (b">", b" ", b"/"):
        at = cell.find(v_open, at + 1)
    if at < 0:
        return False
    gt = cell.find(b">", at)
    if gt < 0:
        return False
    if cell[gt - 1: gt] == b"/":
        return typ in (b"str", b"inlineStr")
    end = cell.find(v_close, gt)
    content = cell[gt + 1: end if end >= 0 else len(cell)]
    return bool(content[:64].strip()) or len(content) > 64 or typ in (b"str", b"inlineStr")


def _exact_extent(z: zipfile.ZipFile, c: SheetCensus) -> None:
    """Every cell's place: the data's extent (before wide gaps) and the stray cells beyond it.

    Column-wise: each piece's cells become two integer arrays (a Python step per distinct column
    letters, not per cell), so a sheet of millions of cells is placed in well under a second."""
    import numpy as np

    col_of: dict[bytes, int] = {}  # column letters -> index, for every column holding a value
    rows_parts: list[np.ndarray] = []
    cols_parts: list[np.ndarray] = []
    for chunk in _chunks(z, c.part):
        found = _ANY_CELL.findall(chunk)
        if not found:
            continue
        letters, digits, closed = zip(*found)
        if any(closed):  # a formatted empty cell: the library keeps no value for it
            valued = [not x for x in closed]
            letters = tuple(itertools.compress(letters, valued))
            digits = tuple(itertools.compress(digits, valued))
            if not letters:
                continue
        for lt in set(letters).difference(col_of):
            col_of[lt] = col_index(lt)
        cols_parts.append(np.fromiter(map(col_of.__getitem__, letters), dtype=np.int64, count=len(letters)))
        rows_parts.append(np.array(digits).astype(np.int64) - 1)
    if not col_of:
        c.max_row = c.max_col = 0
        return
    cols_all, rows_all = np.concatenate(cols_parts), np.concatenate(rows_parts)
    del cols_parts, rows_parts
    distinct_cols = sorted(set(col_of.values()))
    last_col = _before_gap(distinct_cols, COLUMN_GAP)
    rows = np.unique(rows_all[cols_all <= last_col])  # rows whose first column is within the data
    if len(rows):
        gaps = np.flatnonzero(np.diff(rows) > ROW_GAP)
        last_row = int(rows[gaps[0]] if len(gaps) else rows[-1])
    else:
        last_row = 0
    full_rows, full_cols = int(rows_all.max()) + 1, distinct_cols[-1] + 1
    if (last_row + 1) * (last_col + 1) > MAX_SHEET_CELLS:
        c.max_row, c.max_col = last_row + 1, last_col + 1
        raise PackageProblem("sheet_too_large", cells=f"{(last_row + 1) * (last_col + 1):,}".replace(",", " "),
                             ref=f"A1:{col_letters(last_col)}{last_row + 1}", part=c.part)
    c.max_row, c.max_col = full_rows, full_cols
    if full_rows * full_cols > MAX_AREA and (full_rows, full_cols) != (last_row + 1, last_col + 1):
        c.kept = (last_row + 1, last_col + 1)  # stray cells beyond the data: left out (and reported)


def _before_gap(sorted_values: list[int], gap: int) -> int:
    """The last value before the first jump of more than ``gap``."""
    last = sorted_values[0]
    for v in sorted_values[1:]:
        if v - last > gap:
            break
        last = v
    return last


def census(z: zipfile.ZipFile) -> PackageCensus:
    """Check the package (:func:`check_zip`, every part inflated once) and take each sheet's census."""
    check_zip(z)
    out = PackageCensus()
    workbook = main_part(z)
    parts = sheet_parts(z, workbook) if workbook else {}
    links = [n for n in z.namelist() if n.startswith("xl/externalLinks/") and n.endswith(".xml")]
    for link in links:
        for typ, target in _rels(z, link).values():
            out.external_links.append(target)
        try:
            if b"ddeLink" in _read_small(z, link):
                out.dde = True
        except KeyError:
            pass
    by_part = {p: n for n, p in parts.items()}
    total = 0
    for info in z.infolist():
        if info.is_dir():
            continue
        name = info.filename
        if name in by_part:
            c = census_sheet(z, name, bool(links))
            out.sheets[by_part[name]] = c
            total += info.file_size
            continue
        limit = MAX_WHOLE_PART_BYTES if not name.endswith((".bin", ".png", ".jpeg", ".jpg", ".emf", ".wmf")) else MAX_PART_BYTES
        for block in _stream(z, name, limit):  # inflate and count: a lying size is caught here
            total += len(block)
            if total > MAX_TOTAL_BYTES:
                raise PackageProblem("zip_bomb", detail=f"> {_mb(MAX_TOTAL_BYTES)}")
    return out


# -- 4. the repaired package --------------------------------------------------------------------------------

def repaired_package(z: zipfile.ZipFile, pc_: PackageCensus) -> IO[bytes]:
    """The package with error cells blanked and stray cells dropped from the sheets that need it, in
    memory (deflated quickly: the library copies it whole), for the reader library. Raises
    PackageProblem when too big."""
    total = sum(i.file_size for i in z.infolist())
    if total > MAX_REPAIR_BYTES:
        raise PackageProblem("sheet_too_large_repair", size=_mb(total))
    fixes = {c.part: c for c in pc_.sheets.values() if c.needs_repair}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in z.infolist():
            data = b"".join(_stream(z, info.filename, MAX_PART_BYTES))
            c = fixes.get(info.filename)
            if c is not None:
                data = _repair_sheet(data, c)
            out.writestr(info.filename, data)
    buf.seek(0)
    return buf


def _repair_sheet(xml: bytes, c: SheetCensus) -> bytes:
    m = _PREFIX.search(xml)
    prefix = (m[1] or b"") if m else b""

    def blank_error(mm: re.Match[bytes]) -> bytes:
        ref = _REF.search(mm[1])
        return b"<" + prefix + b"c " + (ref[0] if ref else b"") + b"/>"

    if c.unknown_errors:
        xml = _ERROR_CELL.sub(blank_error, xml)
    if c.kept is not None:
        rows, cols = c.kept
        dropped: list[tuple[int, int]] = []
        count = 0

        def drop_far(mm: re.Match[bytes]) -> bytes:
            nonlocal count
            ref = _REF.search(mm[0])
            if ref is None:
                return mm[0]
            row, col = int(ref[2]) - 1, col_index(ref[1])
            if row < rows and col < cols:
                return mm[0]
            if not mm[0].endswith(b"/>") or mm[0].count(b">") > 1:
                count += 1
                if len(dropped) < 10:
                    dropped.append((row, col))
            return b""

        cell = re.compile(rb"<" + re.escape(prefix) + rb"c\b[^>]*?(?:/>|>.*?</" + re.escape(prefix) + rb"c>)", re.DOTALL)
        xml = cell.sub(drop_far, xml)
        c.dropped, c.dropped_count = dropped, count
    return xml
