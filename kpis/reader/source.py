"""Raw grids from a file: one :class:`RawSheet` per worksheet (or one for a CSV export).

A grid is a list of rows starting at cell A1, so ``grid[i][j]`` is Excel row ``i + 1``, column
``j + 1``; empty cells are ``""``. Excel files are read with python-calamine (cached values of
formulas, read-only, the file is never written); sheets are loaded only when asked for.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ReadError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)


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


class Source:
    """An opened workbook or CSV file. Use as a context manager."""

    def __init__(self, path: Path, lang: str = "fr") -> None:
        self.path = Path(path)
        self.lang = lang
        suffix = self.path.suffix.lower()
        if not self.path.exists():
            raise ReadError("file_not_found", lang, path=str(self.path))
        if suffix not in EXCEL_SUFFIXES + CSV_SUFFIXES or not self.path.is_file():
            raise ReadError("unsupported_file", lang, path=str(self.path))
        if self.path.stat().st_size == 0:
            raise ReadError("empty_file", lang, path=str(self.path))
        self.kind = "csv" if suffix in CSV_SUFFIXES else "excel"
        self._wb = None
        self._tables: dict[str, list[ExcelTable]] = {}
        self.owned: set[str] = set()  # sheets the add-in wrote (its results, its settings): not input
        if self.kind == "excel":
            self._open_excel()
            self.owned = _owned_sheets(self.path)
            self.sheet_names = [n for n in self._sheet_names() if n not in self.owned]
        else:
            self.sheet_names = [self.path.name]

    # -- excel ----------------------------------------------------------------------------------
    def _open_excel(self) -> None:
        import python_calamine as pc

        try:
            self._wb = pc.CalamineWorkbook.from_path(str(self.path), load_tables=True)
        except pc.PasswordError:
            raise ReadError("encrypted_file", self.lang, path=str(self.path)) from None
        except Exception as e:  # corrupt zip, not a workbook, encrypted OLE container…
            if _is_ole(self.path):  # an encrypted .xlsx is an OLE compound file
                raise ReadError("encrypted_file", self.lang, path=str(self.path)) from None
            raise ReadError("unreadable_file", self.lang, path=str(self.path), error=_short(e)) from None
        try:
            names = self._wb.table_names or []
        except Exception:  # tables are a bonus: never fail the read because of them
            names = []
        for name in names:
            try:
                t = self._wb.get_table_by_name(name)
            except Exception:
                continue
            if t.start is None or t.end is None:
                continue
            (r0, c0), (r1, c1) = t.start, t.end
            self._tables.setdefault(t.sheet, []).append(
                ExcelTable(name, r0 - 1, r0, r1, c0, c1, tuple(str(c) for c in t.columns))
            )

    def _sheet_names(self) -> list[str]:
        import python_calamine as pc

        names = []
        for meta in self._wb.sheets_metadata:
            if meta.typ == pc.SheetTypeEnum.WorkSheet:
                names.append(meta.name)
        return names

    def load(self, name: str) -> RawSheet:
        """The grid of one sheet (from A1), its Excel tables and merged ranges."""
        if self.kind == "csv":
            return self._load_csv()
        try:
            sheet = self._wb.get_sheet_by_name(name)
            grid = sheet.to_python(skip_empty_area=False)
        except Exception as e:
            raise ReadError("unreadable_file", self.lang, path=f"{self.path}!{name}", error=_short(e)) from None
        merged = []
        try:
            for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ():
                merged.append((r0, c0, r1, c1))
        except Exception:
            merged = []
        tables = sorted(self._tables.get(name, []), key=lambda t: (t.header_row, t.first_col))
        return RawSheet(name, grid, tables, merged)

    # -- csv ------------------------------------------------------------------------------------
    def _load_csv(self) -> RawSheet:
        data = self.path.read_bytes()
        text = _decode(data)
        first = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first.count)
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as e:
            raise ReadError("unreadable_file", self.lang, path=str(self.path), error=_short(e)) from None
        width = max((len(r) for r in rows), default=0)
        grid = [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
        return RawSheet(self.path.name, grid, text_source=True)

    # -- lifetime -------------------------------------------------------------------------------
    def close(self) -> None:
        if self._wb is not None:
            try:
                self._wb.close()
            except Exception:
                pass
            self._wb = None

    def __enter__(self) -> "Source":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
    sheets = [html.unescape(m.decode("utf-8")) for m in _SHEET_RE.findall(xml)]
    owned = set()
    for attrs in _NAME_RE.findall(xml):
        a = {k.decode(): v.decode("utf-8") for k, v in _ATTR_RE.findall(attrs)}
        if a.get("name", "").lower().startswith(OWNED_MARKER) and a.get("localSheetId", "").isdigit():
            i = int(a["localSheetId"])
            if i < len(sheets):
                owned.add(sheets[i])
    return owned


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (Excel's "CSV (séparateur : point-virgule)")."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _is_ole(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _short(e: Exception) -> str:
    s = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return s[:200]
