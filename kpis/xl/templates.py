"""Rendered template sheets (:func:`kpis.render.sheet_writes`) into sheet contents for xlwings.

The template engine renders a template sheet with openpyxl and describes the result as plain cell
writes; this turns them into a :class:`~kpis.xl.sheets.SheetContent` -- values (formulas kept as
formulas, text always as text), format runs, widths, heights, merged cells -- that
:func:`~kpis.xl.sheets.write_content` writes into a sheet the add-in owns. How the report looks is
decided by the template the user can restyle, not here.
"""

from __future__ import annotations

from typing import Any

from .sheets import Formula, SheetContent


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def content_from_writes(writes: Any) -> SheetContent:
    """A :class:`kpis.render.SheetWrites` as sheet content (0-based rows and columns)."""
    c = SheetContent()
    nrows = max((w.row for w in writes.cells), default=0)
    ncols = max((w.column for w in writes.cells), default=0)
    c.values = [[None] * ncols for _ in range(nrows)]
    for w in writes.cells:
        r, col = w.row - 1, w.column - 1
        if w.kind == "formula":
            c.values[r][col] = Formula(str(w.value))
        else:
            c.values[r][col] = w.value
        fmt = w.number_format if w.number_format and w.number_format != "General" else None
        fill = f"#{w.fill}" if w.fill else None
        color = f"#{w.font_color}" if w.font_color and w.font_color not in ("000000",) else None
        if fmt or w.bold or w.italic or fill or color or w.wrap:
            c.fmt(r, col, number_format=fmt, bold=w.bold, italic=w.italic, fill=fill, font_color=color, wrap=w.wrap)
    for letters, width in (writes.column_widths or {}).items():
        c.widths[_column_index(letters)] = width
    c.heights = {r - 1: h for r, h in (writes.row_heights or {}).items()}
    c.merged = list(writes.merged or [])
    return c


def render_contents(template: Any, context: dict[str, Any], lang: str) -> dict[str, SheetContent]:
    """Every sheet of ``template`` rendered with ``context``: sheet name -> content."""
    from ..render import sheet_writes

    return {w.name: content_from_writes(w) for w in sheet_writes(template, context, lang=lang)}
