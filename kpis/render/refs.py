"""Reference shifting: where every template row ends up, and how references follow.

Rendering turns template rows into output rows: a row is kept (maybe moved), repeated (a table's
data row, a ``{% for %}`` body) or removed (directive rows, a false ``{% if %}``). :class:`RowMap`
records, for each output row, the template row it comes from (``src``) and its *key*: the chain of
repeated blocks it sits in, with the iteration number in each (``(("table", 5), 3),)``).

A reference to template row ``r`` then maps like this (Excel's insert-rows + fill-down):

- outside repeated blocks a reference moves with its row; a range whose first row is ``r`` starts
  at the first copy of ``r`` and a range whose last row is ``r`` ends at its last copy, so
  ``=SUM(C5:C5)`` under a table's data row 5 covers every new row;
- inside a repeated block, a relative reference to a row of the same block points into the same
  iteration (``=C5*D5`` on every row), an absolute one (``$D$5``) stays pinned to the first copy
  (so ``=SUM($D$5:D5)`` is a running total and ``$D$5:$D$5`` the whole column); a relative
  reference to a row outside the block moves along with the copy (Excel's fill-down): use ``$`` to
  pin it;
- a reference to a removed row becomes ``#REF!``; a range loses its removed end rows.

Columns never move: tables overwrite cells to the right, they don't insert columns.

:class:`Mapper` applies this to formulas (openpyxl's formula ``Tokenizer``), to sheet-qualified
references from other sheets, defined names, chart series and to cell ranges (merged cells,
conditional formatting, data validation, tables, print areas).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import column_index_from_string, get_column_letter

from kpis.render.names import quote_sheet, unquote_sheet

MAX_ROW = 1_048_576
REF_ERROR = "#REF!"

_CELL = r"(\$?)([A-Za-z]{1,3})(\$?)([0-9]{1,7})"
RE_CELL = re.compile(rf"^{_CELL}$")
RE_AREA = re.compile(rf"^{_CELL}:{_CELL}$")
RE_COLS = re.compile(r"^\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}$")
RE_ROWS = re.compile(r"^(\$?)([0-9]{1,7}):(\$?)([0-9]{1,7})$")
RE_SHEET = re.compile(r"^('(?:[^']|'')+'|[^'!\[\]]+)!(.+)$")
RE_STRUCTURED = re.compile(r"^([A-Za-z_\\][\w.\\]*)\[")

Key = tuple  # tuple[tuple[block_id, iteration], ...]


@dataclass(frozen=True)
class RefContext:
    """Where a formula is written: its output row, template row and block key."""

    out_row: int
    src: int
    key: Key = ()


class RowMap:
    """Template row → output rows of one rendered sheet."""

    def __init__(self, rows: Iterable[tuple[int, Key]], template_rows: int):
        self.template_rows = template_rows
        self.exact: dict[tuple[int, Key], int] = {}
        self.span: dict[tuple[int, Key], list[int]] = {}
        self.chain: dict[int, tuple] = {}
        self.by_src: dict[int, list[tuple[int, Key]]] = {}
        n = 0
        for n, (src, key) in enumerate(rows, 1):
            self.exact.setdefault((src, key), n)
            self.chain.setdefault(src, tuple(b for b, _ in key))
            self.by_src.setdefault(src, []).append((n, key))
            for q in range(len(key) + 1):
                sp = self.span.get((src, key[:q]))
                if sp is None:
                    self.span[(src, key[:q])] = [n, n]
                else:
                    sp[1] = n
        self.out_rows = n
        self.tail_shift = n - template_rows

    @classmethod
    def identity(cls, n: int) -> "RowMap":
        return cls(((r, ()) for r in range(1, n + 1)), n)

    # -- single rows -------------------------------------------------------------------------
    def map_row(self, r: int, role: str = "single", absolute: bool = False, ctx: RefContext | None = None) -> int | None:
        """Output row for template row ``r``; ``role`` is single, start or end (of a range)."""
        if r > self.template_rows:
            return max(1, min(r + self.tail_shift, MAX_ROW))
        chain_r = self.chain.get(r)
        if chain_r is None:
            return None
        prefix: Key = ()
        shared = 0
        chain_s: tuple = ()
        if ctx is not None and ctx.key:
            chain_s = tuple(b for b, _ in ctx.key)
            while shared < min(len(chain_s), len(chain_r)) and chain_s[shared] == chain_r[shared]:
                shared += 1
            q = shared
            if absolute and shared and shared == len(chain_s):
                q -= 1
            prefix = ctx.key[:q]
        sp = self.span.get((r, prefix))
        if sp is None:
            return None
        row = sp[1] if role == "end" else sp[0]
        if ctx is not None and chain_s and not absolute and shared < len(chain_s):
            first_key = ctx.key[:-1] + ((ctx.key[-1][0], 0),)
            o_first = self.exact.get((ctx.src, first_key))
            if o_first is not None:
                row += ctx.out_row - o_first
        return row if 1 <= row <= MAX_ROW else None

    def map_range(self, r1: int, r2: int, abs1: bool = False, abs2: bool = False,
                  ctx: RefContext | None = None) -> tuple[int, int] | None:
        if r1 > r2:
            r1, r2, abs1, abs2 = r2, r1, abs2, abs1
        o1 = o2 = None
        r = r1
        while r <= r2:
            o1 = self.map_row(r, "start", abs1, ctx)
            if o1 is not None or r > self.template_rows:
                break
            r += 1
        r = r2
        while r >= r1:
            o2 = self.map_row(r, "end", abs2, ctx)
            if o2 is not None or r > self.template_rows:
                break
            r -= 1
        if o1 is None or o2 is None or o1 > o2:
            return None
        return o1, o2

    # -- areas that are content (copied per iteration) -----------------------------------------
    def map_area(self, r1: int, r2: int) -> list[tuple[int, int]]:
        """Output row spans of a template area: one per copy when the area lies inside a
        repeated block (merged cells, conditional formats of a data row), else one span."""
        if r1 > r2:
            r1, r2 = r2, r1
        if r2 > self.template_rows:
            m = self.map_range(r1, r2)
            return [m] if m else []
        existing = [r for r in range(r1, r2 + 1) if r in self.chain]
        if not existing:
            return []
        chains = [self.chain[r] for r in existing]
        d = 0
        while all(len(c) > d for c in chains) and len({c[d] for c in chains}) == 1:
            d += 1
        if d == 0:
            m = self.map_range(r1, r2)
            return [m] if m else []
        groups: dict[Key, list[int]] = {}
        for r in existing:
            for out, key in self.by_src[r]:
                g = groups.get(key[:d])
                if g is None:
                    groups[key[:d]] = [out, out]
                else:
                    g[0] = min(g[0], out)
                    g[1] = max(g[1], out)
        return sorted((a, b) for a, b in groups.values())

    def first_copy(self, src: int) -> tuple[int, Key] | None:
        rows = self.by_src.get(src)
        return rows[0] if rows else None


def coalesce(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


@dataclass
class SheetOut:
    """One rendered sheet: its template sheet's title, its own title and row map."""

    template: str
    title: str
    rowmap: RowMap
    table_renames: dict[str, str] = field(default_factory=dict)


class _Deleted:
    pass


DELETED = _Deleted()


@lru_cache(maxsize=8192)
def _split_formula(text: str) -> tuple[tuple[bool, str], ...] | None:
    try:
        tok = Tokenizer(text)
    except Exception:
        return None
    pieces = []
    for t in tok.items:
        is_ref = t.type == Token.OPERAND and t.subtype == Token.RANGE
        pieces.append((is_ref, t.value))
    return tuple(pieces)


class Mapper:
    """Maps references written against template sheets to the rendered sheets."""

    def __init__(self, outputs: Iterable[SheetOut], template_titles: Iterable[str] = ()):
        self.by_template: dict[str, list[SheetOut]] = {t.lower(): [] for t in template_titles}
        for out in outputs:
            self.by_template.setdefault(out.template.lower(), []).append(out)

    def target(self, sheet: str | None, here: SheetOut | None) -> SheetOut | _Deleted | None:
        if sheet is None:
            return here
        outs = self.by_template.get(sheet.lower())
        if outs is None:
            return None
        if not outs:
            return DELETED
        if here is not None and here.template.lower() == sheet.lower():
            return here
        return outs[0]

    # -- formulas ------------------------------------------------------------------------------
    def formula(self, formula: str, here: SheetOut | None, ctx: RefContext | None = None,
                expand_cells: bool = False) -> str:
        """Shift every reference of a formula (with or without its leading ``=``).

        ``expand_cells``: a single-cell reference to a repeated row becomes the range of its copies
        (chart series written against a table's one data row)."""
        has_eq = formula.startswith("=")
        text = formula if has_eq else "=" + formula
        pieces = _split_formula(text)
        if pieces is None:
            return formula
        out = []
        for is_ref, value in pieces:
            out.append(self.reference(value, here, ctx, expand_cells) if is_ref else value)
        result = "=" + "".join(out)
        return result if has_eq else result[1:]

    def reference(self, value: str, here: SheetOut | None, ctx: RefContext | None = None,
                  expand_cells: bool = False) -> str:
        m = RE_SHEET.match(value)
        if m:
            sheet_text, body = m.group(1), m.group(2)
            if sheet_text.startswith("[") or ":" in unquote_sheet(sheet_text):
                return value  # external or 3-D reference: left alone
            sheet: str | None = unquote_sheet(sheet_text)
        else:
            sheet, body = None, value
        target = self.target(sheet, here)
        if target is None:
            return value
        if isinstance(target, _Deleted):
            return REF_ERROR
        same = here is not None and target is here
        mapped = map_body(body, target.rowmap, ctx if same else None, expand_cells)
        if mapped is None:
            return REF_ERROR
        if mapped is body and sheet is None:
            renamed = _rename_table(body, target.table_renames)
            return renamed
        if sheet is None:
            return mapped
        return f"{quote_sheet(target.title)}!{mapped}"

    def area_text(self, text: str, here: SheetOut, content: bool = False) -> str | None:
        """Map a space-separated list of ranges (``sqref``) of this sheet."""
        parts: list[str] = []
        for piece in text.split():
            if content:
                parts.extend(map_content_range(piece, here.rowmap))
            else:
                m = map_body(piece, here.rowmap, None)
                if m is not None:
                    parts.append(m)
        if content:
            parts = coalesce_ranges(parts)
        return " ".join(parts) or None


def _rename_table(body: str, renames: dict[str, str]) -> str:
    if not renames:
        return body
    m = RE_STRUCTURED.match(body)
    if m and m.group(1) in renames:
        return renames[m.group(1)] + body[len(m.group(1)):]
    if body in renames:
        return renames[body]
    return body


def map_body(body: str, rowmap: RowMap, ctx: RefContext | None, expand_cells: bool = False) -> str | None:
    """Map a reference without its sheet part; returns the same object when nothing applies."""
    m = RE_CELL.match(body)
    if m:
        cabs, col, rabs, row = m.groups()
        if expand_cells:
            span = rowmap.map_range(int(row), int(row), bool(rabs), bool(rabs), ctx)
            if span is None:
                return None
            if span[0] != span[1]:
                return f"{cabs}{col}{rabs}{span[0]}:{cabs}{col}{rabs}{span[1]}"
            return f"{cabs}{col}{rabs}{span[0]}"
        new = rowmap.map_row(int(row), "single", bool(rabs), ctx)
        return None if new is None else f"{cabs}{col}{rabs}{new}"
    m = RE_AREA.match(body)
    if m:
        c1a, c1, r1a, r1, c2a, c2, r2a, r2 = m.groups()
        span = rowmap.map_range(int(r1), int(r2), bool(r1a), bool(r2a), ctx)
        if span is None:
            return None
        a, b = span
        if int(r1) > int(r2):
            a, b = b, a
        return f"{c1a}{c1}{r1a}{a}:{c2a}{c2}{r2a}{b}"
    m = RE_ROWS.match(body)
    if m:
        r1a, r1, r2a, r2 = m.groups()
        span = rowmap.map_range(int(r1), int(r2), bool(r1a), bool(r2a), ctx)
        if span is None:
            return None
        return f"{r1a}{span[0]}:{r2a}{span[1]}"
    return body  # whole columns, names, structured references


def map_content_range(text: str, rowmap: RowMap) -> list[str]:
    """A range of content (merged cell, CF or DV area): one range per copy."""
    m = RE_AREA.match(text)
    if m:
        c1a, c1, r1a, r1, c2a, c2, r2a, r2 = m.groups()
        return [f"{c1}{a}:{c2}{b}" if (a != b or c1 != c2) else f"{c1}{a}"
                for a, b in rowmap.map_area(int(r1), int(r2))]
    m = RE_CELL.match(text)
    if m:
        _, col, _, row = m.groups()
        return [f"{col}{a}" if a == b else f"{col}{a}:{col}{b}" for a, b in rowmap.map_area(int(row), int(row))]
    mapped = map_body(text, rowmap, None)
    return [] if mapped is None else [mapped]


def split_area(text: str) -> tuple[int, int, int, int] | None:
    """``B5:D9`` → (min_col, min_row, max_col, max_row)."""
    m = RE_AREA.match(text.replace("$", "")) if ":" in text else None
    if m:
        _, c1, _, r1, _, c2, _, r2 = m.groups()
        return (column_index_from_string(c1), int(r1), column_index_from_string(c2), int(r2))
    m = RE_CELL.match(text.replace("$", ""))
    if m:
        _, c, _, r = m.groups()
        return (column_index_from_string(c), int(r), column_index_from_string(c), int(r))
    return None


def coalesce_ranges(ranges: list[str]) -> list[str]:
    """Join vertically adjacent ranges over the same columns (``C5 C6 C7`` → ``C5:C7``)."""
    parsed: dict[tuple[int, int], list[tuple[int, int]]] = {}
    others: list[str] = []
    order: list[tuple[int, int]] = []
    for text in ranges:
        area = split_area(text)
        if area is None:
            others.append(text)
            continue
        c1, r1, c2, r2 = area
        if (c1, c2) not in parsed:
            order.append((c1, c2))
        parsed.setdefault((c1, c2), []).append((r1, r2))
    out: list[str] = []
    for c1, c2 in order:
        for r1, r2 in coalesce(parsed[(c1, c2)]):
            a, b = f"{get_column_letter(c1)}{r1}", f"{get_column_letter(c2)}{r2}"
            out.append(a if a == b else f"{a}:{b}")
    return out + others
