"""Sheet contents (:class:`~kpis.xl.sheets.SheetContent`) into a new .xlsx file, with openpyxl.

Exactly what the add-in writes into a workbook through xlwings (values, number formats, fonts,
fills, widths, heights, merged cells, frozen panes), saved as a file without Excel: how the add-in's
sheets are checked against Excel's rules and the OOXML schemas, and rendered to PDF/PNG to be looked
at. Written atomically; text is always written as text (a value starting with ``=`` never becomes a
formula).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Mapping

from ..atomic import write_atomic
from .sheets import Formula, SheetContent, safe_cell


def write_contents(contents: Mapping[str, SheetContent], path: Path | str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for name, content in contents.items():
        ws = wb.create_sheet(name[:31])
        for i, row in enumerate(content.values, 1):
            for j, v in enumerate(row, 1):
                formula = isinstance(v, Formula)
                v = safe_cell(v)
                if v is None:
                    continue
                if isinstance(v, str) and v.startswith("'") and not formula:
                    v = v[1:]  # the apostrophe is Excel's "this is text" mark; openpyxl writes text anyway
                cell = ws.cell(row=i, column=j, value=v)
                if isinstance(v, str) and not formula:
                    cell.data_type = "s"
        for f in content.formats:
            font = Font(bold=f.bold or None, italic=f.italic or None, color=f.font_color.lstrip("#") if f.font_color else None)
            fill = PatternFill("solid", fgColor=f.fill.lstrip("#")) if f.fill else None
            for r in range(f.row + 1, f.row + f.nrows + 1):
                for c in range(f.col + 1, f.col + f.ncols + 1):
                    cell = ws.cell(row=r, column=c)
                    if f.number_format:
                        cell.number_format = f.number_format
                    if f.bold or f.italic or f.font_color:
                        cell.font = font
                    if fill is not None:
                        cell.fill = fill
                    if f.wrap:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for col, width in content.widths.items():
            ws.column_dimensions[get_column_letter(col + 1)].width = width
        for r, h in content.heights.items():
            ws.row_dimensions[r + 1].height = h
        for address in content.merged:
            ws.merge_cells(address)
        if content.freeze:
            ws.freeze_panes = ws.cell(row=content.freeze[0] + 1, column=content.freeze[1] + 1)
    buf = io.BytesIO()
    wb.save(buf)
    return write_atomic(path, buf.getvalue())
