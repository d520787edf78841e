"""Rendering a template workbook: the steps, in order.

1. load the template (openpyxl) and note which sheets have drawings (charts, pictures, shapes);
2. read each sheet's structure (placeholders, directives) and snapshot what it holds;
3. decide the output sheets: one per template sheet, or one per item for ``{% sheet for %}``;
4. plan each output sheet (rows kept, repeated, removed; placeholder values);
5. name the sheets (rendered, sanitised, unique) and build the reference :class:`Mapper`;
6. write every sheet (cells, styles, formulas, merged cells, conditional formats, validations,
   tables, print settings), then the workbook's defined names;
7. on save, put the template's drawings back with their references moved (``charts.py``).
"""

from __future__ import annotations

import copy
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, TypeAlias

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kpis import i18n
from kpis.atomic import write_atomic
from kpis.render import codecache
from kpis.render.charts import DrawingJob, template_drawings, transplant_drawings
from kpis.render.errors import Problems
from kpis.render.evaluate import FAILED, Evaluator
from kpis.render.layout import LoopInfo, Plan, Planner
from kpis.render.names import sanitise_sheet_name
from kpis.render.placeholders import is_template_text
from kpis.render.refs import Mapper, SheetOut
from kpis.render.sheet_writer import SheetSnapshot, SheetWriter, snapshot
from kpis.render.structure import SheetStructure, parse_sheet
from kpis.render.tables import iter_records

DATE_FORMATS = {"fr": "dd/mm/yyyy", "en": "yyyy-mm-dd"}

TemplateSource: TypeAlias = str | os.PathLike | bytes | Workbook


def template_bytes(template: TemplateSource) -> tuple[bytes, bool]:
    """The template as .xlsx bytes, and whether it keeps VBA (.xlsm)."""
    if isinstance(template, Workbook):
        buf = io.BytesIO()
        template.save(buf)
        return buf.getvalue(), bool(getattr(template, "vba_archive", None))
    if isinstance(template, bytes | bytearray):
        return bytes(template), False
    path = Path(template)
    return path.read_bytes(), path.suffix.lower() == ".xlsm"


def load_template(data: bytes, keep_vba: bool = False) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba, rich_text=False)


@dataclass
class _Output:
    ws: Worksheet
    snap: SheetSnapshot
    scope: dict
    title: str = ""
    plan: Plan | None = None
    out: SheetOut | None = None
    copy_index: int = 0


@dataclass
class Report:
    """A rendered workbook. ``workbook`` is the openpyxl object; save with :meth:`save` (not
    ``workbook.save``) so the template's charts, pictures and shapes are written too."""

    workbook: Workbook
    template: bytes = field(repr=False)
    drawing_jobs: list[DrawingJob] = field(default_factory=list, repr=False)
    mapper: Mapper | None = field(default=None, repr=False)
    lang: str = "fr"

    @property
    def sheetnames(self) -> list[str]:
        return self.workbook.sheetnames

    def __getitem__(self, name: str) -> Worksheet:
        return self.workbook[name]

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.workbook.save(buf)
        data = buf.getvalue()
        if self.drawing_jobs and self.mapper is not None:
            data = transplant_drawings(data, self.template, self.drawing_jobs, self.mapper, self.workbook)
        return data

    def save(self, path: str | os.PathLike) -> Path:
        """Write atomically: a temporary file in the same directory, then ``os.replace``."""
        return atomic_write(Path(path), self.to_bytes())


def atomic_write(path: Path, data: bytes) -> Path:
    return write_atomic(path, data)


def render_workbook(template: TemplateSource, context: Mapping[str, Any], lang: str = "fr") -> Report:
    lang = i18n.normalise_lang(lang)
    data, keep_vba = template_bytes(template)
    wb = load_template(data, keep_vba)
    problems = Problems()
    ev = Evaluator(lang, problems)
    base = {"lang": lang, **dict(context)}

    # 1-2. drawings are put back from the template package; structure and snapshots
    drawings = template_drawings(data)
    sheets: list[tuple[Worksheet, SheetStructure, SheetSnapshot]] = []
    for ws in wb.worksheets:
        if ws.title in drawings:
            ws._charts = []
            ws._images = []
        st = parse_sheet(ws, problems)
        sheets.append((ws, st, snapshot(ws, st)))
    template_titles = [ws.title for ws, _, _ in sheets]

    # 3. output sheets
    outputs: list[_Output] = []
    order: list[Any] = []
    for ws, st, snap in sheets:
        if st.sheet_for is None:
            outputs.append(_Output(ws, snap, base))
            order.append(ws)
            continue
        scopes = _sheet_scopes(st, base, ev)
        for k, scope in enumerate(scopes):
            target = ws if k == 0 else _copy_sheet(wb, ws)
            outputs.append(_Output(target, snap, scope, copy_index=k))
            order.append(target)
        if not scopes:
            order.append(None)
    for ws, _, _ in sheets:
        if ws not in order:
            wb.remove(ws)
    wb._sheets = [ws for ws in order if ws is not None]
    if not wb._sheets:
        wb.create_sheet("Sheet1")
    if wb._active_sheet_index >= len(wb._sheets):
        wb._active_sheet_index = 0

    # 4. plans
    for o in outputs:
        o.plan = Planner(o.snap.structure, ev, problems).plan(o.scope)

    # 5. titles and the mapper
    _name_sheets(outputs, ev)
    _rename_tables(outputs, wb)
    mapper = Mapper([o.out for o in outputs], template_titles)

    # 6. write
    for o in outputs:
        SheetWriter(o.ws, o.snap, o.plan, o.out, mapper, DATE_FORMATS[lang]).write()
    for name, dn in list(wb.defined_names.items()):
        dn.attr_text = mapper.formula(dn.attr_text, None, None)
    wb.calculation.fullCalcOnLoad = True
    codecache.save()  # the placeholders compiled for the first time, for the next run
    problems.raise_if_any(lang)

    jobs = [DrawingJob(o.snap.structure.title, o.out) for o in outputs if o.snap.structure.title in drawings]
    return Report(wb, data, jobs, mapper, lang)


def _copy_sheet(wb: Workbook, ws: Worksheet) -> Worksheet:
    """A copy for ``{% sheet for %}``: openpyxl's copy plus what it leaves out (views, header and
    footer, protection, state); cells and ranges are written from the snapshot afterwards."""
    # SheetWriter.write starts the copy from no cells: copying the template's cells (each with its
    # style, link and comment) would walk them all once per copy -- per rep -- for nothing.
    cells, ws._cells = ws._cells, {}
    try:
        target = wb.copy_worksheet(ws)
    finally:
        ws._cells = cells
    target.views = copy.deepcopy(ws.views)
    for view in target.views.sheetView:
        view.tabSelected = False
    target.HeaderFooter = copy.deepcopy(ws.HeaderFooter)
    target.protection = copy.deepcopy(ws.protection)
    target.sheet_state = ws.sheet_state
    return target


def _sheet_scopes(st: SheetStructure, base: dict, ev: Evaluator) -> list[dict]:
    d = st.sheet_for
    value = ev.expression(d.expr, base, st.title, st.sheet_for_cell)
    if value is FAILED:
        return [base]
    try:
        items = list(iter_records(value))
    except TypeError as exc:
        ev.problems.add(st.title, st.sheet_for_cell, "not_iterable", expr=d.expr, error=str(exc))
        return [base]
    scopes = []
    for item in items:
        scope = dict(base)
        if len(d.targets) == 1:
            scope[d.targets[0]] = item
        else:
            try:
                scope.update(zip(d.targets, list(item.values()) if isinstance(item, dict) else list(item)))
            except TypeError as exc:
                ev.problems.add(st.title, st.sheet_for_cell, "not_iterable", expr=d.expr, error=str(exc))
                return [base]
        if d.test:
            ok = ev.truth(d.test, scope, st.title, st.sheet_for_cell)
            if ok is FAILED:
                return [base]
            if not ok:
                continue
        scopes.append(scope)
    for i, scope in enumerate(scopes):
        scope["loop"] = LoopInfo(i, len(scopes))
    return scopes


def _name_sheets(outputs: list[_Output], ev: Evaluator) -> None:
    taken: set[str] = set()
    fixed = [o for o in outputs if not is_template_text(o.snap.structure.title) and o.snap.structure.sheet_for is None]
    for o in fixed:
        o.title = sanitise_sheet_name(o.snap.structure.title, taken)
    for o in outputs:
        if o in fixed:
            continue
        tpl_title = o.snap.structure.title
        if is_template_text(tpl_title):
            text = ev.text(tpl_title, o.scope, tpl_title, "")
            wanted = "" if text is FAILED else str(text)
        else:
            wanted = f"{tpl_title} {o.copy_index + 1}"
        o.title = sanitise_sheet_name(wanted, taken, fallback=f"Sheet{len(taken) + 1}")
    for i, o in enumerate(outputs):
        o.ws.title = f"__kpis_{i}__"
    for o in outputs:
        o.ws.title = o.title
        o.out = SheetOut(o.snap.structure.title, o.title, o.plan.rowmap())


def _rename_tables(outputs: list[_Output], wb: Workbook) -> None:
    """Copies of a sheet get their own table names (Excel needs them unique in a workbook)."""
    taken = {t.name.lower() for o in outputs if o.copy_index == 0 for t in o.snap.tables}
    for o in outputs:
        if o.copy_index == 0:
            continue
        for t in o.snap.tables:
            k, name = o.copy_index + 1, f"{t.name}_{o.copy_index + 1}"
            while name.lower() in taken:
                k += 1
                name = f"{t.name}_{k}"
            taken.add(name.lower())
            o.out.table_renames[t.name] = name
