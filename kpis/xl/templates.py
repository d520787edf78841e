"""Template sheets rendered by the report's engine (:mod:`kpis.render`), as contents for xlwings.

How the add-in writes a rendered sheet into the open workbook: the template is rendered in memory
with openpyxl -- exactly as ``kpis report`` renders it -- then each sheet's used range is turned
into a :class:`~kpis.xl.sheets.SheetContent`: values (formulas kept as formulas, text always as
text), number formats, bold / italic / font colours / fills, widths, heights, merged cells and frozen
panes, which :func:`~kpis.xl.sheets.write_content` writes into a sheet the add-in owns (one value
write, then one call per run of formats). How the sheets look is decided by the template the user
can restyle, not here.

xlwings cannot write conditional formats (nor the remote engine of xlwings Lite): the template's
simple rules are evaluated here, on the rendered values, into plain fills and font colours -- an
attainment against its target (``cellIs`` rules with a number), zebra rows (``MOD(ROW()-n,2)=1``),
a row flagged by a text in one of its cells (``$F10="erreur"``). Other rules (data bars, formulas
beyond these) and charts are not carried to the add-in's sheets; the report file keeps them.
"""

from __future__ import annotations

import operator
import re
from typing import Any

from .sheets import Formula, SheetContent

_OPS = {"greaterThanOrEqual": operator.ge, "greaterThan": operator.gt, "lessThan": operator.lt,
        "lessThanOrEqual": operator.le, "equal": operator.eq, "notEqual": operator.ne}
_ZEBRA = re.compile(r"^MOD\(ROW\(\)-(\d+),2\)=([01])$", re.I)
_TEXT_IS = re.compile(r'^\$([A-Z]{1,3})\$?(\d+)="(.*)"$')


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def content_from_writes(writes: Any, overrides: dict[tuple[int, int], tuple[str | None, str | None]] | None = None,
                        freeze: tuple[int, int] | None = None) -> SheetContent:
    """A :class:`kpis.render.SheetWrites` as sheet content (0-based rows and columns).

    ``overrides``: (row, column) 1-based -> (fill, font colour) "RRGGBB" that replace the cell's own
    (what the sheet's conditional formats give the cell)."""
    overrides = overrides or {}
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
        fill_rgb, font_rgb = w.fill, w.font_color
        if (w.row, w.column) in overrides:
            o_fill, o_font = overrides[(w.row, w.column)]
            fill_rgb, font_rgb = o_fill or fill_rgb, o_font or font_rgb
        fmt = w.number_format if w.number_format and w.number_format != "General" else None
        fill = f"#{fill_rgb}" if fill_rgb else None
        color = f"#{font_rgb}" if font_rgb and font_rgb not in ("000000",) else None
        if fmt or w.bold or w.italic or fill or color or w.wrap:
            c.fmt(r, col, number_format=fmt, bold=w.bold, italic=w.italic, fill=fill, font_color=color, wrap=w.wrap)
    for letters, width in (writes.column_widths or {}).items():
        c.widths[_column_index(letters)] = width
    c.heights = {r - 1: h for r, h in (writes.row_heights or {}).items()}
    c.merged = list(writes.merged or [])
    c.freeze = freeze
    return c


def _rgb(color: Any) -> str | None:
    rgb = getattr(color, "rgb", None)
    return rgb[-6:].upper() if isinstance(rgb, str) else None


def _rule_style(rule: Any) -> tuple[str | None, str | None]:
    dxf = rule.dxf
    if dxf is None:
        return None, None
    fill = None
    if dxf.fill is not None:
        fill = _rgb(dxf.fill.bgColor) or _rgb(dxf.fill.fgColor)
    font = _rgb(dxf.font.color) if dxf.font is not None and dxf.font.color is not None else None
    return fill, font


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v else None


def _rule_holds(rule: Any, ws: Any, row: int, col: int, first_row: int) -> bool:
    formula = (rule.formula or [""])[0]
    if rule.type == "cellIs" and rule.operator in _OPS:
        v, ref = _number(ws.cell(row, col).value), _number(_float(formula))
        return v is not None and ref is not None and _OPS[rule.operator](v, ref)
    if rule.type == "expression":
        m = _ZEBRA.match(formula.replace(" ", ""))
        if m:
            return (row - int(m.group(1))) % 2 == int(m.group(2))
        m = _TEXT_IS.match(formula.strip())
        if m:
            value = ws.cell(row - first_row + int(m.group(2)), _column_index(m.group(1)) + 1).value
            return isinstance(value, str) and value == m.group(3)
    return False


def _float(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def conditional_styles(ws: Any) -> dict[tuple[int, int], tuple[str | None, str | None]]:
    """(row, column) -> (fill, font colour) the sheet's simple conditional formats give each cell;
    of several true rules, the one of highest priority wins each attribute (as in Excel)."""
    out: dict[tuple[int, int], tuple[str | None, str | None]] = {}
    rules: list[tuple[int, Any, Any]] = []
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            rules.append((rule.priority or 0, cf.sqref, rule))
    for _, sqref, rule in sorted(rules, key=lambda t: t[0], reverse=True):  # lowest priority first...
        fill, font = _rule_style(rule)
        if fill is None and font is None:
            continue
        for rng in sqref.ranges:
            min_col, min_row, max_col, max_row = rng.bounds
            for row in range(min_row, max_row + 1):
                for col in range(min_col, max_col + 1):
                    if _rule_holds(rule, ws, row, col, min_row):
                        old = out.get((row, col), (None, None))
                        out[(row, col)] = (fill or old[0], font or old[1])  # ... the highest overwrites
    return out


def _freeze(ws: Any) -> tuple[int, int] | None:
    from openpyxl.utils.cell import coordinate_to_tuple

    if not ws.freeze_panes:
        return None
    row, col = coordinate_to_tuple(ws.freeze_panes)
    return (row - 1, col - 1) if (row, col) != (1, 1) else None


def render_contents(template: Any, context: dict[str, Any], lang: str, *, sheets: list[str] | None = None
                    ) -> dict[str, SheetContent]:
    """Every sheet of ``template`` (or those named in ``sheets``) rendered with ``context``:
    sheet name -> content. Sheets left out are dropped before rendering (their placeholders need
    not be in ``context``)."""
    from ..render import render
    from ..render.cellwrites import sheet_to_writes

    if sheets is not None:
        template = _only(template, sheets)
    report = render(template, context, lang=lang)
    out = {}
    for name in report.sheetnames:
        ws = report.workbook[name]
        out[name] = content_from_writes(sheet_to_writes(ws), conditional_styles(ws), _freeze(ws))
    return out


def _only(template: Any, sheets: list[str]) -> Any:
    from ..render.engine import load_template, template_bytes

    data, keep_vba = template_bytes(template)
    wb = load_template(data, keep_vba)
    for name in list(wb.sheetnames):
        if name not in sheets:
            del wb[name]
    return wb
