"""A template sheet's structure: its cells classified, and its rows grouped into blocks.

Rows whose cells hold only directives (``{% for %}``, ``{% if %}`` ...) are control rows: they
open and close blocks and are not written. Everything else is a content row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from kpis.render.errors import Problems
from kpis.render.placeholders import Directive, Expression, Literal, Text, classify


@dataclass
class TemplateCell:
    row: int
    col: int
    cell: Any  # the template's openpyxl cell (kept for value, style, hyperlink, comment)
    part: Literal | Expression | Text | Directive

    @property
    def coordinate(self) -> str:
        return self.cell.coordinate


@dataclass
class RowNode:
    row: int


@dataclass
class ForNode:
    row: int
    directive: Directive
    coordinate: str
    body: list = field(default_factory=list)
    end_row: int = 0


@dataclass
class IfNode:
    row: int
    branches: list = field(default_factory=list)  # [(Directive, coordinate, body)]
    else_body: list | None = None
    end_row: int = 0


@dataclass
class SheetStructure:
    title: str
    cells: dict[int, list[TemplateCell]]  # row → cells in column order
    nodes: list
    template_rows: int  # last template row considered (max_row + 1: room for a table data row)
    sheet_for: Directive | None = None
    sheet_for_cell: str = ""
    directive_rows: set[int] = field(default_factory=set)

    def cell(self, row: int, col: int) -> TemplateCell | None:
        for c in self.cells.get(row, ()):
            if c.col == col:
                return c
        return None

    def placeholder_cells(self):
        for row in sorted(self.cells):
            for c in self.cells[row]:
                if isinstance(c.part, Expression | Text):
                    yield c


def parse_sheet(ws: Worksheet, problems: Problems) -> SheetStructure:
    cells: dict[int, list[TemplateCell]] = {}
    for (row, col), cell in sorted(ws._cells.items()):
        if isinstance(cell, MergedCell):
            part: Any = Literal(None)
        else:
            part = classify(cell._value, cell.data_type)
        cells.setdefault(row, []).append(TemplateCell(row, col, cell, part))
    max_row = max(cells) if cells else 0
    structure = SheetStructure(ws.title, cells, [], max_row + 1)

    root: list = []
    stack: list[tuple[Any, list]] = [(None, root)]
    for row in range(1, max_row + 2):
        directives = [c for c in cells.get(row, ()) if isinstance(c.part, Directive)]
        if not directives:
            stack[-1][1].append(RowNode(row))
            continue
        structure.directive_rows.add(row)
        for tc in directives:
            d: Directive = tc.part
            top = stack[-1][0]
            if d.kind == "for":
                node = ForNode(row, d, tc.coordinate)
                stack[-1][1].append(node)
                stack.append((node, node.body))
            elif d.kind == "if":
                node = IfNode(row, [(d, tc.coordinate, [])])
                stack[-1][1].append(node)
                stack.append((node, node.branches[0][2]))
            elif d.kind in ("elif", "else"):
                if not isinstance(top, IfNode) or top.else_body is not None:
                    problems.add(ws.title, tc.coordinate, "unopened", tag=d.kind)
                    continue
                stack.pop()
                if d.kind == "elif":
                    top.branches.append((d, tc.coordinate, []))
                    stack.append((top, top.branches[-1][2]))
                else:
                    top.else_body = []
                    stack.append((top, top.else_body))
            elif d.kind in ("endfor", "endif"):
                want = ForNode if d.kind == "endfor" else IfNode
                if not isinstance(top, want):
                    problems.add(ws.title, tc.coordinate, "unopened", tag=d.kind)
                    continue
                top.end_row = row
                stack.pop()
            elif d.kind == "sheet_for":
                if structure.sheet_for is not None:
                    problems.add(ws.title, tc.coordinate, "sheet_directive")
                    continue
                structure.sheet_for = d
                structure.sheet_for_cell = tc.coordinate
            else:
                problems.add(ws.title, tc.coordinate, "unknown_directive", text=d.text)
    while len(stack) > 1:
        node, _ = stack.pop()
        if isinstance(node, ForNode):
            problems.add(ws.title, node.coordinate, "unclosed", tag="for")
        else:
            problems.add(ws.title, node.branches[0][1], "unclosed", tag="if")
    structure.nodes = root
    return structure
