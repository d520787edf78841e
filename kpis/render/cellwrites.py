"""A rendered sheet as plain cell writes, for writers that are not openpyxl (the xlwings add-in
writes them into the open workbook): values, formulas, number formats and the main styles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import MergedCell
from openpyxl.styles.colors import Color
from openpyxl.worksheet.worksheet import Worksheet


@dataclass(frozen=True)
class CellWrite:
    row: int
    column: int
    address: str  # "B5"
    value: Any  # typed value; for kind == "formula" the formula text with its leading "="
    kind: str  # "value", "text" (write as text, never a formula), "formula"
    number_format: str = "General"
    bold: bool = False
    italic: bool = False
    font_color: str | None = None  # RGB hex "9C0006"
    fill: str | None = None  # RGB hex "FFC7CE"
    h_align: str | None = None
    wrap: bool = False


@dataclass
class SheetWrites:
    name: str
    cells: list[CellWrite] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    row_heights: dict[int, float] = field(default_factory=dict)
    column_widths: dict[str, float] = field(default_factory=dict)


def _rgb(color: Color | None) -> str | None:
    if color is None or color.type != "rgb" or not isinstance(color.rgb, str):
        return None
    return color.rgb[-6:].upper()


def sheet_to_writes(ws: Worksheet) -> SheetWrites:
    out = SheetWrites(ws.title)
    for (row, col), cell in sorted(ws._cells.items()):
        if isinstance(cell, MergedCell):
            continue
        value = cell._value
        if value is None and not cell.has_style:
            continue
        if cell.data_type == "f":
            kind = "formula"
            value = getattr(value, "text", value)
        elif cell.data_type == "s":
            kind = "text"
        else:
            kind = "value"
        fill = None
        if cell.fill is not None and cell.fill.fill_type == "solid":
            fill = _rgb(cell.fill.fgColor)
        out.cells.append(
            CellWrite(
                row=row,
                column=col,
                address=cell.coordinate,
                value=value,
                kind=kind,
                number_format=cell.number_format,
                bold=bool(cell.font.b),
                italic=bool(cell.font.i),
                font_color=_rgb(cell.font.color),
                fill=fill,
                h_align=cell.alignment.horizontal,
                wrap=bool(cell.alignment.wrap_text),
            )
        )
    out.merged = [str(r) for r in ws.merged_cells.ranges]
    out.row_heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    out.column_widths = {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth}
    return out
