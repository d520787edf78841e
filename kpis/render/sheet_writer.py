"""Writing a planned sheet into an openpyxl worksheet, with everything that points at rows moved.

:class:`SheetSnapshot` keeps what the template sheet had (cells, row heights, merged cells,
conditional formats, data validations, tables, print settings, names) before the worksheet is
cleared; :func:`write_sheet` rebuilds the worksheet from the plan: styles copied from the template
cells, values written with their types, formulas and ranges mapped through the :class:`Mapper`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidationList
from openpyxl.worksheet.dimensions import DimensionHolder
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.table import TableColumn
from openpyxl.worksheet.views import Pane, Selection
from openpyxl.worksheet.worksheet import Worksheet

from kpis.render.evaluate import FAILED
from kpis.render.layout import OutCell, Plan
from kpis.render.refs import RE_ROWS, Mapper, RefContext, SheetOut, map_body, map_content_range, split_area
from kpis.render.structure import SheetStructure
from kpis.render.values import Styled, write_value


@dataclass
class SheetSnapshot:
    structure: SheetStructure
    row_dims: dict[int, Any]
    merged: list[str]
    cf: list[tuple[str, list]]
    dvs: list
    tables: list
    auto_filter: str | None
    print_area: str | None
    print_rows: str | None
    print_cols: str | None
    freeze_panes: str | None
    row_breaks: list
    names: dict[str, Any]
    column_dims: dict[str, Any] = field(default_factory=dict)


def snapshot(ws: Worksheet, structure: SheetStructure) -> SheetSnapshot:
    return SheetSnapshot(
        structure=structure,
        row_dims={r: copy.copy(d) for r, d in ws.row_dimensions.items()},
        merged=[str(r) for r in ws.merged_cells.ranges],
        cf=[(str(cf.sqref), list(cf.rules)) for cf in ws.conditional_formatting],
        dvs=list(ws.data_validations.dataValidation),
        tables=list(ws.tables.values()),
        auto_filter=ws.auto_filter.ref,
        print_area=ws.print_area,
        print_rows=ws.print_title_rows,
        print_cols=ws.print_title_cols,
        freeze_panes=ws.freeze_panes,
        row_breaks=list(ws.row_breaks.brk),
        names={k: copy.copy(v) for k, v in ws.defined_names.items()},
        column_dims={k: copy.copy(v) for k, v in ws.column_dimensions.items()},
    )


class SheetWriter:
    def __init__(self, ws: Worksheet, snap: SheetSnapshot, plan: Plan, here: SheetOut, mapper: Mapper,
                 date_format: str | None = None):
        self.ws = ws
        self.snap = snap
        self.plan = plan
        self.here = here
        self.mapper = mapper
        self.date_format = date_format
        self.rowmap = here.rowmap
        self._tcells = {
            r: {c.col: c for c in cells} for r, cells in snap.structure.cells.items()
        }

    # -- cells -------------------------------------------------------------------------------------
    def write(self) -> None:
        ws = self.ws
        ws._cells = {}
        ws._hyperlinks = []
        ws.row_dimensions = DimensionHolder(worksheet=ws, default_factory=ws._add_row)
        for n, out in enumerate(self.plan.rows, 1):
            self._write_row(n, out)
        self._merged()
        self._conditional_formats()
        self._validations()
        self._tables()
        self._sheet_settings()
        self._column_widths()

    def _write_row(self, n: int, out) -> None:
        ws = self.ws
        if out.blank:
            ws.row_dimensions[n].hidden = True
            return
        tcells = self._tcells.get(out.src, {})
        ctx = RefContext(n, out.src, out.key)
        for col, tc in tcells.items():
            if col in out.values:
                continue
            src = tc.cell
            if isinstance(src, MergedCell):
                mc = MergedCell(ws, row=n, column=col)
                mc._style = copy.copy(src._style)
                ws._cells[(n, col)] = mc
                continue
            cell = Cell(ws, row=n, column=col)
            if src.has_style:
                cell._style = copy.copy(src._style)
            value = src._value
            if src.data_type == "f":
                if isinstance(value, ArrayFormula):
                    ref = self.mapper.reference(value.ref, self.here, ctx) if value.ref else value.ref
                    value = ArrayFormula(ref=ref if "#REF" not in ref else cell.coordinate,
                                         text=self.mapper.formula(value.text or "", self.here, ctx))
                elif isinstance(value, str):
                    value = self.mapper.formula(value, self.here, ctx)
            elif src.data_type == "s" and tc.part.__class__.__name__ == "Directive":
                value = None
            cell._value = value
            cell.data_type = src.data_type
            self._extras(cell, src)
            ws._cells[(n, col)] = cell
        for col, oc in out.values.items():
            self._write_value(n, out.src, col, oc)
        dim = self.snap.row_dims.get(out.src)
        if dim is not None:
            new = copy.copy(dim)
            new.index = n
            new.worksheet = ws
            ws.row_dimensions[n] = new

    def _write_value(self, n: int, src_row: int, col: int, oc: OutCell) -> None:
        srow, scol = oc.style_from or (src_row, col)
        tc = self._tcells.get(srow, {}).get(scol)
        cell = Cell(self.ws, row=n, column=col)
        if tc is not None and tc.cell.has_style:
            cell._style = copy.copy(tc.cell._style)
        value = None if oc.value is FAILED else oc.value
        if oc.text:
            cell._value = "" if value is None else str(value)
            cell.data_type = "s"
            if cell._value.startswith(("=", "+", "-", "@")):
                cell.quotePrefix = True
            if cell._value == "":
                cell._value = None
        else:
            write_value(cell, value, date_format=self.date_format)
        if isinstance(value, Styled):
            apply_styled(cell, value)
        if oc.style_from is None and tc is not None:
            self._extras(cell, tc.cell)
        self.ws._cells[(n, col)] = cell

    def _extras(self, cell: Cell, src: Cell) -> None:
        if src.hyperlink is not None:
            link = copy.copy(src.hyperlink)
            link.ref = cell.coordinate
            cell._hyperlink = link
        if src.comment is not None:
            cell.comment = copy.copy(src.comment)

    # -- ranges ------------------------------------------------------------------------------------
    def _merged(self) -> None:
        ws = self.ws
        ws.merged_cells = MultiCellRange()
        for text in self.snap.merged:
            for rng in map_content_range(text, self.rowmap):
                if ":" not in rng:
                    continue
                mcr = MergedCellRange(ws, rng)
                ws.merged_cells.add(mcr)
                first = True
                for row, col in mcr.cells:
                    if first:
                        first = False
                        if (row, col) not in ws._cells:
                            ws._cells[(row, col)] = Cell(ws, row=row, column=col)
                        continue
                    existing = ws._cells.get((row, col))
                    if not isinstance(existing, MergedCell):
                        mc = MergedCell(ws, row=row, column=col)
                        if existing is not None and existing.has_style:
                            mc._style = copy.copy(existing._style)
                        ws._cells[(row, col)] = mc

    def _first_context(self, sqref: str) -> RefContext | None:
        area = split_area(sqref.split()[0]) if sqref.split() else None
        if area is None:
            return None
        first = self.rowmap.first_copy(area[1])
        if first is None:
            return None
        return RefContext(first[0], area[1], first[1])

    def _conditional_formats(self) -> None:
        new = ConditionalFormattingList()
        for sqref, rules in self.snap.cf:
            mapped = self.mapper.area_text(sqref, self.here, content=True)
            if not mapped:
                continue
            ctx = self._first_context(sqref)
            for rule in rules:
                r2 = copy.copy(rule)
                r2.dxf = rule.dxf
                r2.formula = [self.mapper.formula(f, self.here, ctx) for f in (rule.formula or [])]
                new.add(mapped, r2)
        self.ws.conditional_formatting = new

    def _validations(self) -> None:
        new = DataValidationList()
        for dv in self.snap.dvs:
            mapped = self.mapper.area_text(str(dv.sqref), self.here, content=True)
            if not mapped:
                continue
            ctx = self._first_context(str(dv.sqref))
            dv2 = copy.copy(dv)
            dv2.sqref = MultiCellRange(mapped)
            if dv.formula1:
                dv2.formula1 = self.mapper.formula(dv.formula1, self.here, ctx)
            if dv.formula2:
                dv2.formula2 = self.mapper.formula(dv.formula2, self.here, ctx)
            new.append(dv2)
        self.ws.data_validations = new

    def _tables(self) -> None:
        ws = self.ws
        ws.tables.clear()
        for table in self.snap.tables:
            t2 = copy.deepcopy(table)
            new_name = self.here.table_renames.get(table.name)
            if new_name:
                t2.name = t2.displayName = new_name
            ref = map_body(table.ref, self.rowmap, None)
            if ref is None:
                continue
            t2.ref = ref
            if t2.autoFilter is not None and t2.autoFilter.ref:
                af = map_body(t2.autoFilter.ref, self.rowmap, None)
                t2.autoFilter.ref = af or ref
            refresh_table_columns(ws, t2)
            ws.tables.add(t2)

    def _sheet_settings(self) -> None:
        ws, rm = self.ws, self.rowmap
        if self.snap.auto_filter:
            ws.auto_filter.ref = map_body(self.snap.auto_filter, rm, None)
        if self.snap.print_area:
            pieces = []
            for piece in self.snap.print_area.split(","):
                body = piece.split("!")[-1]
                mapped = map_body(body, rm, None)
                if mapped:
                    pieces.append(mapped)
            ws._print_area = None
            if pieces:
                ws.print_area = pieces
        if self.snap.print_rows:
            m = map_body(self.snap.print_rows, rm, None)
            ws._print_rows = None
            if m and RE_ROWS.match(m):
                ws.print_title_rows = m.replace("$", "")
        if self.snap.print_cols:
            ws.print_title_cols = self.snap.print_cols.replace("$", "")
        if self.snap.freeze_panes:
            freeze_view(ws, map_body(self.snap.freeze_panes, rm, None) or None)
        ws.row_breaks.brk = []
        for brk in self.snap.row_breaks:
            row = rm.map_row(brk.id, "end") if brk.id else None
            if row:
                b2 = copy.copy(brk)
                b2.id = row
                ws.row_breaks.append(b2)
        ws.defined_names.clear()
        for name, dn in self.snap.names.items():
            dn2 = copy.copy(dn)
            dn2.attr_text = self.mapper.formula(dn.attr_text, self.here, None)
            ws.defined_names[name] = dn2

    def _column_widths(self) -> None:
        """Table columns beyond the template's styled cells take the last styled column's width."""
        ws = self.ws
        for _, data_row, col, table in self.plan.tables:
            cols = self._tcells.get(data_row, {})
            width = 0
            while col + width in cols and (cols[col + width].cell.has_style or cols[col + width].cell._value is not None):
                width += 1
            if width == 0 or len(table.columns) <= width:
                continue
            last = get_column_letter(col + width - 1)
            src = ws.column_dimensions[last] if last in ws.column_dimensions else None
            if src is None or not src.customWidth:
                continue
            for j in range(width, len(table.columns)):
                letter = get_column_letter(col + j)
                dim = ws.column_dimensions[letter]
                if not dim.customWidth:
                    dim.width = src.width


def freeze_view(ws: Worksheet, top_left: str | None) -> None:
    """Freeze ``ws`` above and left of ``top_left`` (None: unfreeze), rewriting the template's view.

    openpyxl's ``freeze_panes`` setter *appends* selections to the view it finds: on a template sheet
    that is already frozen it leaves five ``<selection>`` elements, two panes repeated, which Excel
    "repairs". Here the pane is set and the selections are rebuilt -- exactly one per pane the split
    creates (Excel's own set: topRight, bottomLeft, bottomRight for a corner freeze; the one frozen
    pane otherwise), each keeping the template's selection of that pane when it had one (so an
    unchanged freeze writes the template's view back as it was).
    """
    view = ws.sheet_view
    if top_left is not None and top_left.upper() == "A1":
        top_left = None
    if top_left is None:
        view.pane = None
        first = next(iter(view.selection), None)
        view.selection = [Selection(activeCell=first.activeCell if first else "A1", sqref=first.sqref if first else "A1")]
        return
    row, col = coordinate_to_tuple(top_left)
    x, y = col - 1, row - 1
    panes = ["topRight", "bottomLeft", "bottomRight"] if x and y else ["bottomLeft"] if y else ["topRight"]
    view.pane = Pane(xSplit=x or None, ySplit=y or None, topLeftCell=top_left, activePane=panes[-1], state="frozen")
    kept: dict[str | None, Selection] = {}
    for sel in view.selection:
        kept.setdefault(sel.pane, sel)
    selections = []
    for p in panes:
        sel = copy.copy(kept[p]) if p in kept else Selection(pane=p, activeCell=None, sqref=None)
        sel.pane = p
        selections.append(sel)
    active = selections[-1]
    if not active.activeCell:
        active.activeCell = active.sqref = top_left
    view.selection = selections


def apply_styled(cell: Cell, value: Styled) -> None:
    if value.fill:
        cell.fill = PatternFill("solid", fgColor="FF" + value.fill, bgColor="FF" + value.fill)
    if value.font_color or value.bold is not None:
        font: Font = copy.copy(cell.font)
        if value.font_color:
            font.color = "FF" + value.font_color
        if value.bold is not None:
            font.b = value.bold
        cell.font = font


def refresh_table_columns(ws: Worksheet, table) -> None:
    """Excel needs a table's column names to equal its header cells (else it "repairs" the file)."""
    c1, r1, c2, _ = range_boundaries(table.ref)
    width = c2 - c1 + 1
    old = list(table.tableColumns or [])
    names: list[str] = []
    seen: set[str] = set()
    for j in range(width):
        value = ws._cells.get((r1, c1 + j)).value if (r1, c1 + j) in ws._cells else None
        if not table.headerRowCount:
            value = old[j].name if j < len(old) else None
        name = str(value).strip() if value not in (None, "") else f"Column{j + 1}"
        base, k = name, 2
        while name.lower() in seen:
            name = f"{base}{k}"
            k += 1
        seen.add(name.lower())
        names.append(name)
    cols = []
    for j, name in enumerate(names):
        tc = copy.copy(old[j]) if j < len(old) else TableColumn(id=j + 1, name=name)
        tc.id = j + 1
        tc.name = name
        cols.append(tc)
    table.tableColumns = cols
    if table.headerRowCount:
        for j, name in enumerate(names):
            cell = ws._cells.get((r1, c1 + j))
            if cell is not None and not isinstance(cell, MergedCell) and cell.value is None:
                cell._value = name
                cell.data_type = "s"
