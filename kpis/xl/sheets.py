"""The sheets the add-in owns in the user's workbook, and how content is written into them.

**Ownership.** A sheet belongs to the add-in when it carries a sheet-scoped defined name
``kpis_<role>`` (``kpis_summary``, ``kpis_settings``...) pointing at its A1 -- invisible in the grid,
kept by Excel when the sheet is renamed or moved, and read the same way by desktop xlwings and by
the remote engine (xlwings Lite). A refresh finds its sheet by that name, clears it and writes it
again: the same sheet, so formulas of the user pointing at it keep working, and a second refresh
never adds a second sheet. A sheet without the marker is the user's: never cleared, never written,
never read as output; if its name is the one the add-in wanted, the add-in takes another
(``KPI - Synthèse (2)``).

**Content.** :class:`SheetContent` is a grid of values from A1 plus rectangular format runs (number
format, bold, fill, font colour, italic, wrap), column widths and frozen panes. It is written with
one value write for the whole grid (fast on desktop, one action on the remote engine), then one call
per format run. Text that Excel would take for a formula (``=``, ``+``, ``-``, ``@`` first) or turn
into a number or a date (``2026-10``, ``00123``) is written as text (Excel's leading apostrophe).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..i18n import normalise_lang

MARKER_PREFIX = "kpis_"

# role -> (French name, English name). Sheet names: 31 characters at most, no []:*?/\ .
SHEET_NAMES: dict[str, tuple[str, str]] = {
    "summary": ("KPI - Synthèse", "KPI - Summary"),
    "reps": ("KPI - Commerciaux", "KPI - Reps"),
    "pipeline": ("KPI - Pipeline", "KPI - Pipeline"),
    "funnel": ("KPI - Entonnoir", "KPI - Funnel"),
    "customers": ("KPI - Clients", "KPI - Customers"),
    "acquisition": ("KPI - Acquisition", "KPI - Acquisition"),
    "quality": ("KPI - Qualité", "KPI - Data quality"),
    "commissions": ("KPI - Commissions", "KPI - Commissions"),
    "quota": ("KPI - Objectifs", "KPI - Quota plan"),
    "settings": ("KPI - Paramètres", "KPI - Settings"),
    "report": ("KPI - Rapport", "KPI - Report"),
}
_FORMULA_START = ("=", "+", "-", "@")
# Text Excel would turn into something else when written as a value: numbers, dates, times,
# percentages, ids with leading zeros ("2026-10", "00123", "1/2", "12 %"), booleans.
_COERCIBLE = re.compile(r"^\s*[-+(]?[\d\s.,/:%€$£()-]*\d[\d\s.,/:%€$£()-]*\s*$|^\s*(true|false|vrai|faux)\s*$", re.I)


def sheet_name(role: str, lang: str) -> str:
    if role in SHEET_NAMES:
        fr, en = SHEET_NAMES[role]
        return fr if normalise_lang(lang) == "fr" else en
    return f"KPI - {role}"[:31]


def _valid_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, "-")
    return name.strip("'")[:31] or "KPI"


# -- ownership ------------------------------------------------------------------------------------


def _marker(sheet: Any) -> str | None:
    """The role of an owned sheet (``summary``), or None for the user's sheets."""
    try:
        names = list(sheet.names)
    except Exception:  # an engine without sheet-scoped names: nothing is owned
        return None
    for n in names:
        local = n.name.rsplit("!", 1)[-1]
        if local.lower().startswith(MARKER_PREFIX):
            return local[len(MARKER_PREFIX):].lower()
    return None


def owned_sheets(book: Any) -> dict[str, Any]:
    """Role -> sheet, for every sheet the add-in owns in ``book``."""
    out: dict[str, Any] = {}
    for sheet in book.sheets:
        role = _marker(sheet)
        if role and role not in out:
            out[role] = sheet
    return out


def user_sheets(book: Any) -> list[Any]:
    """The sheets the add-in does not own (its input)."""
    return [s for s in book.sheets if _marker(s) is None]


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _free_name(book: Any, wanted: str) -> str:
    taken = {s.name.casefold() for s in book.sheets}
    if wanted.casefold() not in taken:
        return wanted
    for i in range(2, 100):
        candidate = f"{wanted[:26]} ({i})"
        if candidate.casefold() not in taken:
            return candidate
    raise RuntimeError(f"no free sheet name for {wanted!r}")


def ensure_sheet(book: Any, role: str, lang: str, *, clear: bool = True, name: str | None = None) -> Any:
    """The sheet the add-in owns for ``role`` (a Python identifier): found by its marker (and
    cleared), or added at the end under ``name`` (default: the role's French or English name)."""
    existing = owned_sheets(book).get(role)
    if existing is not None:
        if clear:
            existing.clear()
        return existing
    name = _free_name(book, _valid_name(name or sheet_name(role, lang)))
    sheets = list(book.sheets)
    sheet = book.sheets.add(name=name, after=sheets[-1]) if sheets else book.sheets.add(name=name)
    sheet.names.add(f"{MARKER_PREFIX}{role}", f"={_quoted(sheet.name)}!$A$1")
    return sheet


# -- content --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A cell formula (``=SUM(B4:B9)``), written as a formula -- unlike text, which never is."""

    text: str


@dataclass(frozen=True)
class Fmt:
    """A rectangle of cells (0-based, from A1) and the formats to give it."""

    row: int
    col: int
    nrows: int = 1
    ncols: int = 1
    number_format: str | None = None
    bold: bool = False
    italic: bool = False
    fill: str | None = None  # "#RRGGBB"
    font_color: str | None = None
    wrap: bool = False


@dataclass
class SheetContent:
    """What to write into an owned sheet: values from A1, formats, widths, frozen panes."""

    values: list[list[Any]] = field(default_factory=list)
    formats: list[Fmt] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)  # column index -> width in characters
    freeze: tuple[int, int] | None = None  # (rows, cols) frozen above/left
    merged: list[str] = field(default_factory=list)  # "A1:D1"
    heights: dict[int, float] = field(default_factory=dict)  # row index -> height in points

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.values), max((len(r) for r in self.values), default=0)

    def add_rows(self, rows: Iterable[Iterable[Any]], at: int | None = None) -> int:
        """Append (or write at row ``at``) rows; returns the index of the first one."""
        rows = [list(r) for r in rows]
        start = len(self.values) if at is None else at
        while len(self.values) < start + len(rows):
            self.values.append([])
        for i, r in enumerate(rows):
            self.values[start + i] = r
        return start

    def fmt(self, row: int, col: int, nrows: int = 1, ncols: int = 1, **kw: Any) -> None:
        if nrows > 0 and ncols > 0:
            self.formats.append(Fmt(row, col, nrows, ncols, **kw))


def safe_cell(v: Any) -> Any:
    """A value ready for Excel: NaN/NaT -> empty, numpy/pandas scalars -> Python, formulas -> text."""
    if v is None:
        return None
    if isinstance(v, Formula):
        return v.text
    if isinstance(v, str):
        if (v.startswith(_FORMULA_START) and len(v) > 1) or _COERCIBLE.match(v):
            return "'" + v
        return v
    if isinstance(v, bool):
        return v
    try:
        import pandas as pd

        if v is pd.NaT or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
            return None
        if isinstance(v, pd.Timestamp):
            v = v.to_pydatetime()
    except (ImportError, TypeError, ValueError):
        pass
    if hasattr(v, "item") and not isinstance(v, (dt.date, dt.datetime)):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v  # a date at midnight: Excel shows it with the number format given
    return v


def _rect(values: list[list[Any]]) -> list[list[Any]]:
    width = max((len(r) for r in values), default=0)
    return [[safe_cell(c) for c in r] + [None] * (width - len(r)) for r in values]


def _width_units(chars: float) -> float:
    """Desktop Excel measures columns in characters, Office.js in points (Calibri 11: ~5.6 pt each)."""
    from .runtime import is_remote

    return round(chars * 5.6 + 5, 1) if is_remote() else chars


def coalesce(formats: list[Fmt]) -> list[Fmt]:
    """Fewer, larger runs: cells side by side with the same formats join, then runs stacked with the
    same columns and formats (each run is one call to Excel: hundreds of one-cell runs would make a
    refresh slow on desktop). Runs only ever set attributes, and no layout gives one cell two values
    of the same attribute, so the order of the runs does not matter."""

    def attrs(f: Fmt) -> tuple:
        return (f.number_format, f.bold, f.italic, f.fill, f.font_color, f.wrap)

    rows: list[Fmt] = []
    for f in sorted(_one_attribute_each(formats), key=lambda f: (f.row, f.nrows, attrs(f).__repr__(), f.col)):
        prev = rows[-1] if rows else None
        if (prev is not None and prev.row == f.row and prev.nrows == f.nrows and attrs(prev) == attrs(f)
                and prev.col + prev.ncols == f.col):
            rows[-1] = Fmt(prev.row, prev.col, prev.nrows, prev.ncols + f.ncols, *attrs(f))
        else:
            rows.append(f)
    out: list[Fmt] = []
    open_runs: dict[tuple, int] = {}  # (col, ncols, attrs) -> index in out of the run to extend
    for f in sorted(rows, key=lambda f: (f.row, f.col)):
        key = (f.col, f.ncols, *attrs(f))
        i = open_runs.get(key)
        if i is not None and out[i].row + out[i].nrows == f.row:
            prev = out[i]
            out[i] = Fmt(prev.row, prev.col, prev.nrows + f.nrows, prev.ncols, *attrs(f))
            continue
        open_runs[key] = len(out)
        out.append(f)
    return out


def _one_attribute_each(formats: list[Fmt]) -> list[Fmt]:
    """Each run split into one run per attribute it sets: a column's number format then joins over
    rows whose fills alternate (a rendered template's zebra rows), one call instead of one a row."""
    out: list[Fmt] = []
    for f in formats:
        base = dict(row=f.row, col=f.col, nrows=f.nrows, ncols=f.ncols)
        if f.number_format:
            out.append(Fmt(**base, number_format=f.number_format))
        if f.bold:
            out.append(Fmt(**base, bold=True))
        if f.italic:
            out.append(Fmt(**base, italic=True))
        if f.fill:
            out.append(Fmt(**base, fill=f.fill))
        if f.font_color:
            out.append(Fmt(**base, font_color=f.font_color))
        if f.wrap:
            out.append(Fmt(**base, wrap=True))
    return out


def write_content(sheet: Any, content: SheetContent) -> None:
    """Write ``content`` into ``sheet`` (assumed cleared)."""
    values = _rect(content.values)
    nrows, ncols = len(values), (len(values[0]) if values else 0)
    if nrows and ncols:
        sheet.range((1, 1), (nrows, ncols)).value = values
    for f in coalesce(content.formats):
        rng = sheet.range((f.row + 1, f.col + 1), (f.row + f.nrows, f.col + f.ncols))
        if f.number_format:
            rng.number_format = f.number_format
        if f.bold:
            rng.font.bold = True
        if f.italic:
            rng.font.italic = True
        if f.font_color:
            rng.font.color = f.font_color
        if f.fill:
            rng.color = f.fill
        if f.wrap:
            rng.wrap_text = True
    for col, width in sorted(content.widths.items()):
        sheet.range((1, col + 1)).column_width = _width_units(width)
    for row, height in sorted(content.heights.items()):
        sheet.range((row + 1, 1)).row_height = height
    for address in content.merged:
        sheet.range(address).merge()
    if content.freeze:
        rows, cols = content.freeze
        try:
            sheet.freeze_panes.freeze_at(sheet.range((rows + 1, cols + 1)))
        except Exception:  # freezing is a comfort: an engine without it still gets the content
            pass
