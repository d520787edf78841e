"""Raw grids from a file: one :class:`RawSheet` per worksheet (or one for a CSV export).

A grid is a list of rows starting at cell A1, so ``grid[i][j]`` is Excel row ``i + 1``, column
``j + 1``; empty cells are ``""``; an Excel error value or a formula without a saved result is a
:class:`~kpis.reader.cells.CellFlag`. Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) are read with
python-calamine (cached values of formulas, read-only, the file is never written) after
:mod:`.package` / :mod:`.binary_extent` have bounded their cost; CSV exports through
:mod:`.csvtext`. The kind of file comes from its content (:mod:`.filekind`). Sheets are loaded only
when asked for.
"""

from __future__ import annotations

import csv
import os
import re
import sys
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Collection, Iterator

from ..i18n import normalise_lang
from ..quality import Issue
from .binary_extent import check_ods, check_xls, check_xlsb
from .cells import CellFlag
from .csvtext import decode, split_rows
from .errors import ReadError
from .filekind import EXTENSION_KINDS, KIND_NAMES, sniff
from .package import PackageCensus, PackageProblem, SheetCensus, census, col_letters, repaired_package

EXCEL_SUFFIXES = tuple(ext for ext, kind in EXTENSION_KINDS.items() if kind != "csv")
CSV_SUFFIXES = tuple(ext for ext, kind in EXTENSION_KINDS.items() if kind == "csv")


@dataclass(frozen=True)
class ExcelTable:
    """An Excel table (ListObject): its header row and data rows, 0-based and inclusive."""

    name: str
    header_row: int
    first_row: int
    last_row: int
    first_col: int
    last_col: int
    columns: tuple[str, ...]


@dataclass
class RawSheet:
    name: str
    grid: list[list[Any]]
    tables: list[ExcelTable] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 inclusive
    text_source: bool = False  # every cell is text (CSV): typed-as-text notes would be noise
    issues: list[Issue] = field(default_factory=list)  # noted while loading (stray cells, formulas…)


_LAST_CENSUS: tuple[tuple[object, ...], PackageCensus] | None = None  # (file identity, its census): one entry


def _census_of(path: Path, z: zipfile.ZipFile) -> PackageCensus:
    """The package's census, taken once per file content in a process: the configuration sheet and
    the data are read through two sources of the same workbook (a census costs ~0.4 s per 100,000
    rows). The file's identity is its inode, size and modification times; a changed file is new."""
    global _LAST_CENSUS
    st = os.stat(path)
    key = (str(Path(path).resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if _LAST_CENSUS is not None and _LAST_CENSUS[0] == key:
        return _LAST_CENSUS[1]
    found = census(z)
    _LAST_CENSUS = (key, found)
    return found


class Source:
    """An opened workbook or CSV file. Use as a context manager.

    The file's kind comes from its content (:mod:`.filekind`); a zip package is checked and its
    sheets' census taken before the reader library sees it (:mod:`.package`); every failure of the
    library -- its panics included -- becomes a :class:`ReadError` in the user's language. Notes on
    the whole file (a .xlsx that is really a .xls, links to other workbooks) are in ``notes``.
    """

    def __init__(self, path: Path, lang: str = "fr") -> None:
        self.path = Path(path)
        self.lang = normalise_lang(lang)
        self.notes: list[Issue] = []
        self._wb: Any = None  # python-calamine's workbook
        self._native = False
        self._heads: Any = None  # python-calamine on the package cut after the head rows (.fast)
        self._fx: Any = None  # fastexcel's reader of the file (.fast)
        self._census: PackageCensus | None = None
        self._tables: dict[str, list[ExcelTable]] = {}
        self.owned: set[str] = set()  # sheets the add-in wrote (its results, its settings): not input
        if not self.path.exists():
            raise ReadError("file_not_found", lang, path=str(self.path))
        if self.path.is_dir() or not self.path.is_file():
            raise self._error("not_a_workbook", "directory")
        try:
            size = self.path.stat().st_size
            found = sniff(self.path) if size else None
        except OSError as e:
            raise ReadError("unreadable_file", lang, path=str(self.path), error=_short(e)) from None
        if found is None:
            raise ReadError("empty_file", lang, path=str(self.path))
        if found.kind == "xlsx_damaged":
            raise ReadError("damaged_zip", lang, path=str(self.path), detail="zip")
        if found.kind == "encrypted":
            raise ReadError("encrypted_file", lang, path=str(self.path))
        if not found.readable:
            raise self._error("not_a_workbook", found.kind)
        suffix = self.path.suffix.lower()
        expected = EXTENSION_KINDS.get(suffix)
        if found.kind == "csv" and expected is None:
            raise ReadError("unsupported_file", lang, path=str(self.path))
        if found.kind == "csv" and expected != "csv" and not _looks_delimited(self.path, found.encoding or "utf-8"):
            raise self._error("not_a_workbook", "text")  # a renamed CSV is read; other text is not a table
        self.format = found.kind
        self.encoding = found.encoding
        if expected is not None and expected != found.kind and not (expected == "csv" and found.kind == "csv"):
            fr, en = KIND_NAMES[found.kind]
            self.notes.append(Issue(self.path.name, None, None, None, "info", "kind_mismatch",
                                    {"ext": suffix, "kind_fr": fr, "kind_en": en}))
        self.kind = "csv" if found.kind == "csv" else "excel"
        if self.kind == "excel":
            self._open_excel(native=expected == found.kind)
            if self.format == "xlsx":
                self.owned = _owned_sheets(self.path)
            self.sheet_names = [n for n in self._sheet_names() if n not in self.owned]
        else:
            self.sheet_names = [self.path.name]

    def _error(self, reason: str, kind: str, **params: Any) -> ReadError:
        fr, en = KIND_NAMES.get(kind, (kind, kind))
        return ReadError(reason, self.lang, path=str(self.path), kind_fr=fr, kind_en=en, **params)

    # -- excel ----------------------------------------------------------------------------------
    def _open_excel(self, native: bool) -> None:
        import python_calamine as pc

        self._native = native
        handle = None
        if self.format in ("xlsx", "xlsb", "ods"):
            try:
                with zipfile.ZipFile(self.path) as z:
                    self._census = _census_of(self.path, z)
                    if self.format == "xlsb":
                        check_xlsb(z)
                    elif self.format == "ods":
                        check_ods(z)
                    if self._census.needs_repair:
                        handle = repaired_package(z, self._census)
            except PackageProblem as p:
                raise ReadError(p.reason, self.lang, path=str(self.path), **p.params) from None
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
                raise ReadError("damaged_zip", self.lang, path=str(self.path), detail=_short(e)) from None
            self._note_links()
        elif self.format == "xls":
            try:
                check_xls(self.path)
            except PackageProblem as p:
                raise ReadError(p.reason, self.lang, path=str(self.path), **p.params) from None

        def open_with(load_tables: bool) -> Any:
            if handle is not None:
                handle.seek(0)
                return pc.CalamineWorkbook.from_filelike(handle, load_tables=load_tables)
            if native:
                return pc.CalamineWorkbook.from_path(str(self.path), load_tables=load_tables)
            with open(self.path, "rb") as f:  # the extension lies: the library picks the format from the content
                return pc.CalamineWorkbook.from_filelike(f, load_tables=load_tables)

        load_tables = self.format == "xlsx"
        try:
            self._wb = self._library(lambda: open_with(load_tables))
        except ReadError as e:
            if not load_tables or e.reason == "encrypted_file":
                raise
            # Excel tables are a bonus: their reading fails on some odd packages (it panics on a
            # workbook part at the zip's root); the sheets may still be readable without them.
            self._wb = self._library(lambda: open_with(False))
            load_tables = False
        if not load_tables:
            return
        try:
            names = self._wb.table_names or []
        except BaseException as e:  # tables are a bonus: never fail the read because of them
            _reraise_fatal(e)
            names = []
        for name in names:
            try:
                t = self._wb.get_table_by_name(name)
                if t.start is None or t.end is None:
                    continue
                (r0, c0), (r1, c1) = t.start, t.end
                self._tables.setdefault(t.sheet, []).append(
                    ExcelTable(name, r0 - 1, r0, r1, c0, c1, tuple(str(c) for c in t.columns))
                )
            except BaseException as e:
                _reraise_fatal(e)
                continue

    def _library(self, call: Callable[[], Any], sheet: str | None = None) -> Any:
        """Run a python-calamine call; any failure (a Rust panic is a BaseException) -> ReadError."""
        import python_calamine as pc

        where = f"{self.path}!{sheet}" if sheet else str(self.path)
        fr, en = KIND_NAMES.get(self.format, (self.format, self.format))
        try:
            with _quiet_stderr():
                return call()
        except pc.PasswordError:
            raise ReadError("encrypted_file", self.lang, path=str(self.path)) from None
        except MemoryError:
            raise ReadError("too_large_to_read", self.lang, path=where) from None
        except BaseException as e:
            _reraise_fatal(e)
            raise ReadError("library_failure", self.lang, path=where, kind_fr=fr, kind_en=en, error=_short(e)) from None

    def _note_links(self) -> None:
        c = self._census
        if c is None:
            return
        if c.external_links or c.dde:
            targets = ", ".join(dict.fromkeys(c.external_links))[:300] or "?"
            self.notes.append(Issue(self.path.name, None, None, None, "info", "dde_links" if c.dde else "external_links",
                                    {"targets": targets}))

    def _sheet_names(self) -> list[str]:
        import python_calamine as pc

        metas = self._library(lambda: list(self._wb.sheets_metadata))
        return [m.name for m in metas if m.typ == pc.SheetTypeEnum.WorkSheet]

    def load(self, name: str) -> RawSheet:
        """The grid of one sheet (from A1), its Excel tables and merged ranges, and what loading it
        noted (stray cells left out, formulas without values, links to other files)."""
        if self.kind == "csv":
            return self._load_csv()
        fast = self._load_fast(name)
        if fast is not None:
            return fast
        sheet = self._library(lambda: self._wb.get_sheet_by_name(name), name)
        grid = self._coded(sheet, name)
        if grid is None:
            grid = self._library(lambda: sheet.to_python(skip_empty_area=False), name)
        merged = []
        try:
            for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ():
                merged.append((r0, c0, r1, c1))
        except BaseException as e:
            _reraise_fatal(e)
            merged = []
        tables = sorted(self._tables.get(name, []), key=lambda t: (t.header_row, t.first_col))
        raw = RawSheet(name, grid, tables, merged)
        c = self._census.sheets.get(name) if self._census else None
        if c is not None:
            _flag_cells(raw, c)
        return raw

    def _coded(self, sheet: Any, name: str) -> Any:
        """A big sheet the fast read refused, as coded columns of the same cells (:mod:`.coded`), or
        None for the plain grid: small sheets, errors or formulas without values to flag (the census
        says), and what :class:`~.coded.NotCoded` refuses (an empty sheet, rows not shaped as the
        plain read's, booleans mixed with numbers, -0.0, NaN)."""
        from . import coded, fast

        c = self._census.sheets.get(name) if self._census else None
        if self.format != "xlsx" or not fast.eligible(c):
            return None

        def attempt() -> Any:
            try:
                return coded.coded_grid(sheet, fast.HEAD_ROWS)
            except coded.NotCoded:
                return None

        return self._library(attempt, name)  # the library failing on a sheet with values fails to_python alike

    def _load_fast(self, name: str) -> RawSheet | None:
        """The sheet as typed columns (:mod:`.fast`), or None when it needs the full read."""
        from . import fast

        c = self._census.sheets.get(name) if self._census else None
        if self.format != "xlsx" or not self._native or self._census is None or self._census.needs_repair \
                or not fast.eligible(c) or not fast.available():
            return None
        assert c is not None
        try:
            with _quiet_stderr():
                if self._heads is None:
                    import python_calamine as pc

                    with zipfile.ZipFile(self.path) as z:
                        self._heads = pc.CalamineWorkbook.from_filelike(
                            fast.head_package(z, self._census.sheets, fast.HEAD_ROWS), load_tables=False)
                sheet = self._heads.get_sheet_by_name(name)
                head = sheet.to_python(skip_empty_area=False)
                fast.check_head(head)
                if self._fx is None:  # opened (shared strings parsed again) once a head is fit for it
                    self._fx = fast.open_reader(self.path)
                merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()]
                body, body_rows = fast.load_body(self._fx, name, fast.HEAD_ROWS)
        except fast.NotFast:
            return None
        except BaseException as e:  # whatever the fast read met, the full read meets and reports
            _reraise_fatal(e)
            return None
        grid = fast.ColumnGrid(head, fast.HEAD_ROWS, body, body_rows)
        tables = sorted(self._tables.get(name, []), key=lambda t: (t.header_row, t.first_col))
        raw = RawSheet(name, grid, tables, merged)  # type: ignore[arg-type]
        _flag_cells(raw, c)
        return raw

    # -- csv ------------------------------------------------------------------------------------
    def _load_csv(self) -> RawSheet:
        if self.path.stat().st_size > MAX_CSV_BYTES:
            raise ReadError("too_large_to_read", self.lang, path=str(self.path))
        text = decode(self.path.read_bytes(), self.encoding or "utf-8")
        if not text.strip():
            raise ReadError("empty_file", self.lang, path=str(self.path))
        try:
            rows = split_rows(text)
        except csv.Error as e:
            raise ReadError("bad_csv", self.lang, path=str(self.path), error=_short(e)) from None
        width = max((len(r) for r in rows), default=0)
        grid = [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
        return RawSheet(self.path.name, grid, text_source=True)

    # -- lifetime -------------------------------------------------------------------------------
    def close(self) -> None:
        self._fx = None
        if self._heads is not None:
            try:
                self._heads.close()
            except BaseException as e:
                _reraise_fatal(e)
            self._heads = None
        if self._wb is not None:
            try:
                self._wb.close()
            except BaseException as e:
                _reraise_fatal(e)
            self._wb = None

    def __enter__(self) -> "Source":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


MAX_CSV_BYTES = 200 * 2**20
MAX_LISTED_CELLS = 10  # cells named in a sheet-level note


def _looks_delimited(path: Path, encoding: str) -> bool:
    """Whether a text file's first lines split into columns (a CSV saved under a workbook's name)."""
    with open(path, "rb") as f:
        head = f.read(65536)
    try:
        rows = split_rows(decode(head, encoding))[:20]
    except csv.Error:
        return False
    return any(len(r) >= 2 for r in rows)


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """The library's Rust panics print their own text (and a backtrace) straight to file descriptor 2
    before becoming an exception: the user gets our message instead, so fd 2 is muted meanwhile."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all (a GUI host): nothing to mute
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            sys.stderr.flush()
            os.dup2(null.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def _reraise_fatal(e: BaseException) -> None:
    """Let the interpreter's own exits through; everything else is the library's failure."""
    if isinstance(e, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise e


def _flag_cells(raw: RawSheet, c: SheetCensus) -> None:
    """Put a CellFlag where the census found an error value or a formula without a cached value,
    and note on the sheet what was left out or not followed."""
    grid = raw.grid
    for flags, kind in ((c.errors, "error"), (c.no_value, "no_value")):
        for (r, col), text in flags.items():
            if r < len(grid) and col < len(grid[r]) and grid[r][col] in ("", None):
                grid[r][col] = CellFlag(kind, text)
    if c.no_value:
        (r, col), text = min(c.no_value.items())
        raw.issues.append(Issue(raw.name, r + 1, col_letters(col), text, "info", "formulas_no_value",
                                {"count": len(c.no_value), "cells": _cells(c.no_value)}))
    if c.external:
        r, col = min(c.external)
        raw.issues.append(Issue(raw.name, r + 1, col_letters(col), None, "info", "external_formulas",
                                {"count": len(c.external), "cells": _cells(c.external)}))
    if c.dropped_count and c.kept:
        rows, cols = c.kept
        r, col = c.dropped[0]
        raw.issues.append(Issue(raw.name, r + 1, col_letters(col), None, "ignored", "stray_cells",
                                {"count": c.dropped_count, "cells": ", ".join(f"{col_letters(cc)}{rr + 1}" for rr, cc in c.dropped),
                                 "range": f"A1:{col_letters(cols - 1)}{rows}"}))


def _cells(positions: Collection[tuple[int, int]]) -> str:
    shown = sorted(positions)[:MAX_LISTED_CELLS]
    s = ", ".join(f"{col_letters(col)}{r + 1}" for r, col in shown)
    return s + ("…" if len(positions) > MAX_LISTED_CELLS else "")


OWNED_MARKER = "kpis_"  # kpis.xl marks its sheets with a sheet-scoped defined name "kpis_<role>"
_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"")
_NAME_RE = re.compile(rb"<(?:\w+:)?definedName\b([^>]*)>")
_ATTR_RE = re.compile(rb"\b(name|localSheetId)=\"([^\"]*)\"")


def _owned_sheets(path: Path) -> set[str]:
    """Sheets carrying the add-in's marker (a sheet-scoped name ``kpis_…``), from ``xl/workbook.xml``."""
    import html
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/workbook.xml")
    except Exception:  # the marker is a convenience: never fail a read because of it
        return set()
    sheets = [html.unescape(m.decode("utf-8", "replace")) for m in _SHEET_RE.findall(xml)]
    owned = set()
    for attrs in _NAME_RE.findall(xml):
        a = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR_RE.findall(attrs)}
        if a.get("name", "").lower().startswith(OWNED_MARKER) and a.get("localSheetId", "").isdigit():
            i = int(a["localSheetId"])
            if i < len(sheets):
                owned.add(sheets[i])
    return owned


def _short(e: BaseException) -> str:
    s = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return s[:200]
