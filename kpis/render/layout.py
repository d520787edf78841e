"""Planning a rendered sheet: which template row each output row comes from, with what values.

The plan is a list of :class:`OutRow` (output row n = index + 1). Content rows are evaluated in
their scope; a cell whose value is a table expands into a header row (the placeholder row) and one
data row per record (copies of the template row below the placeholder, or of the placeholder row
itself with ``| noheader``); ``{% for %}`` bodies are repeated, ``{% if %}`` branches kept or
dropped, control rows dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kpis.render.errors import Problems
from kpis.render.evaluate import FAILED, Evaluator
from kpis.render.placeholders import Expression, Text
from kpis.render.refs import Key, RowMap
from kpis.render.structure import ForNode, IfNode, RowNode, SheetStructure
from kpis.render.tables import TableData, is_table, iter_records, to_table

MAX_STYLE_SCAN = 256


@dataclass(slots=True)
class OutCell:
    value: Any
    style_from: tuple[int, int] | None = None  # template (row, col) to take the style from
    text: bool = False  # rendered text (never typed, never a formula)


@dataclass(slots=True)
class OutRow:
    src: int
    key: Key
    scope: dict
    values: dict[int, OutCell]
    blank: bool = False  # a hidden empty row standing for a loop with no items


@dataclass(frozen=True)
class LoopInfo:
    """``loop`` inside a ``{% for %}`` body: ``loop.index`` (1-based), ``index0``, ``first``,
    ``last``, ``length``, ``revindex``."""

    index0: int
    length: int

    @property
    def index(self) -> int:
        return self.index0 + 1

    @property
    def first(self) -> bool:
        return self.index0 == 0

    @property
    def last(self) -> bool:
        return self.index0 == self.length - 1

    @property
    def revindex(self) -> int:
        return self.length - self.index0


@dataclass
class Plan:
    rows: list[OutRow]
    template_rows: int
    tables: list[tuple[int, int, int, TableData]]  # (header row or 0, data row, col, table) in template coords

    def rowmap(self) -> RowMap:
        return RowMap(((r.src, r.key) for r in self.rows), self.template_rows)


def _first_row(nodes: list) -> int | None:
    for node in nodes:
        if isinstance(node, RowNode):
            return node.row
        if isinstance(node, ForNode):
            found = _first_row(node.body)
        elif isinstance(node, IfNode):
            found = None
            for _, _, body in node.branches:
                found = found or _first_row(body)
            if found is None and node.else_body:
                found = _first_row(node.else_body)
        else:
            found = None
        if found is not None:
            return found
    return None


class Planner:
    def __init__(self, structure: SheetStructure, evaluator: Evaluator, problems: Problems):
        self.s = structure
        self.ev = evaluator
        self.problems = problems
        self.sheet = structure.title
        self._cols: dict[int, dict[int, Any]] = {
            r: {c.col: c for c in cells} for r, cells in structure.cells.items()
        }
        self.tables: list[tuple[int, int, int, TableData]] = []

    def plan(self, scope: dict[str, Any]) -> Plan:
        out: list[OutRow] = []
        self._expand(self.s.nodes, scope, (), out)
        return Plan(out, self.s.template_rows, self.tables)

    # -- blocks ----------------------------------------------------------------------------------
    def _expand(self, nodes: list, scope: dict, key: Key, out: list[OutRow]) -> None:
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, RowNode):
                nxt = nodes[i + 1] if i + 1 < len(nodes) else None
                i += 1 + self._row(node.row, nxt, scope, key, out)
                continue
            if isinstance(node, ForNode):
                self._for(node, scope, key, out)
            elif isinstance(node, IfNode):
                self._if(node, scope, key, out)
            i += 1

    def _for(self, node: ForNode, scope: dict, key: Key, out: list[OutRow]) -> None:
        d = node.directive
        value = self.ev.expression(d.expr, scope, self.sheet, node.coordinate)
        if value is FAILED:
            return
        try:
            items = list(iter_records(value))
        except TypeError as exc:
            self.problems.add(self.sheet, node.coordinate, "not_iterable", expr=d.expr, error=str(exc))
            return
        scopes = []
        for item in items:
            s2 = dict(scope)
            if not self._bind(d.targets, item, s2, node.coordinate):
                return
            if d.test:
                ok = self.ev.truth(d.test, s2, self.sheet, node.coordinate)
                if ok is FAILED:
                    return
                if not ok:
                    continue
            scopes.append(s2)
        for i, s2 in enumerate(scopes):
            s2["loop"] = LoopInfo(i, len(scopes))
            self._expand(node.body, s2, key + ((("for", node.row), i),), out)
        if not scopes:
            # keep one hidden empty row, so that ranges over the body (a subtotal) stay valid
            first = _first_row(node.body)
            if first is not None:
                out.append(OutRow(first, key + ((("for", node.row), 0),), scope, {}, blank=True))

    def _bind(self, targets: tuple[str, ...], item: Any, scope: dict, coordinate: str) -> bool:
        if len(targets) == 1:
            scope[targets[0]] = item
            return True
        try:
            values = list(item.values()) if isinstance(item, dict) else list(item)
            if len(values) != len(targets):
                raise ValueError(f"expected {len(targets)} values, got {len(values)}")
        except (TypeError, ValueError) as exc:
            self.problems.add(self.sheet, coordinate, "not_iterable", expr=", ".join(targets), error=str(exc))
            return False
        scope.update(zip(targets, values))
        return True

    def _if(self, node: IfNode, scope: dict, key: Key, out: list[OutRow]) -> None:
        for d, coordinate, body in node.branches:
            ok = self.ev.truth(d.expr, scope, self.sheet, coordinate)
            if ok is FAILED:
                return
            if ok:
                self._expand(body, scope, key, out)
                return
        if node.else_body is not None:
            self._expand(node.else_body, scope, key, out)

    # -- rows and tables ---------------------------------------------------------------------------
    def _evaluate_row(self, row: int, scope: dict, skip: set[int] = frozenset()) -> dict[int, Any]:
        values: dict[int, Any] = {}
        for tc in self.s.cells.get(row, ()):
            if tc.col in skip:
                continue
            if isinstance(tc.part, Expression):
                values[tc.col] = self.ev.expression(tc.part.source, scope, self.sheet, tc.coordinate)
            elif isinstance(tc.part, Text):
                values[tc.col] = OutCell(self.ev.text(tc.part.source, scope, self.sheet, tc.coordinate), text=True)
        return values

    def _row(self, row: int, nxt: Any, scope: dict, key: Key, out: list[OutRow]) -> int:
        """Plan one content row; returns how many following nodes it consumed (a table's data row)."""
        trial = Problems()
        saved, self.ev.problems = self.ev.problems, trial
        try:
            raw = self._evaluate_row(row, scope)
        finally:
            self.ev.problems = saved
        tables = [(col, to_table(v)) for col, v in raw.items() if not isinstance(v, OutCell) and is_table(v)]
        if not tables:
            self._merge(trial)
            out.append(OutRow(row, key, scope, {c: v if isinstance(v, OutCell) else OutCell(v) for c, v in raw.items()}))
            return 0
        first_cell = self._cols[row][tables[0][0]].coordinate
        headers = {t.header for _, t in tables}
        header = True in headers
        if len(headers) > 1:
            self.problems.add(self.sheet, first_cell, "table_mixed_header")
        table_cols = {c for c, _ in tables}
        consumed = 0
        if header:
            self._merge(trial)
            values = {c: v if isinstance(v, OutCell) else OutCell(v) for c, v in raw.items() if c not in table_cols}
            for col, t in tables:
                width = self._styled_width(row, col)
                for j, name in enumerate(t.columns):
                    values[col + j] = OutCell(name, (row, col + min(j, width - 1)), text=True)
            out.append(OutRow(row, key, scope, values))
            if not (isinstance(nxt, RowNode) and nxt.row == row + 1):
                self.problems.add(self.sheet, first_cell, "table_no_data_row")
                return 0
            data_row, consumed = row + 1, 1
        else:
            data_row = row
        for col, t in tables:
            self.tables.append((row if header else 0, data_row, col, t))
        self._data_rows(data_row, tables, table_cols if not header else set(), scope, key, out)
        return consumed

    def _data_rows(self, data_row: int, tables: list[tuple[int, TableData]], skip: set[int],
                   scope: dict, key: Key, out: list[OutRow]) -> None:
        block = ("table", data_row)
        n = max(len(t.rows) for _, t in tables)
        widths = {col: self._styled_width(data_row, col) for col, _ in tables}
        first_columns = tables[0][1].columns
        for i in range(max(n, 1)):
            first = tables[0][1]
            record = dict(zip(first_columns, first.rows[i])) if i < len(first.rows) else {}
            s2 = dict(scope)
            s2["row"] = record
            s2["row_index"] = i + 1
            values = {
                c: v if isinstance(v, OutCell) else OutCell(v)
                for c, v in self._evaluate_row(data_row, s2, skip).items()
            }
            for col, t in tables:
                width = widths[col]
                cells = t.rows[i] if i < len(t.rows) else [None] * len(t.columns)
                for j, v in enumerate(cells):
                    values[col + j] = OutCell(v, (data_row, col + min(j, width - 1)))
            out.append(OutRow(data_row, key + ((block, i),), s2, values))

    def _merge(self, trial: Problems) -> None:
        for p in trial:
            self.problems.add(p.sheet, p.cell, p.code, **p.params)

    def _styled_width(self, row: int, col: int) -> int:
        """How many template cells from ``col`` rightwards carry a style or value (at least 1):
        table columns beyond that repeat the last one's style."""
        cols = self._cols.get(row, {})
        width = 0
        while width < MAX_STYLE_SCAN:
            tc = cols.get(col + width)
            if tc is None or not (tc.cell.has_style or tc.cell._value is not None):
                break
            width += 1
        return max(width, 1)
