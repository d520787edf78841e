"""Checking a template without rendering it: syntax, block structure, placeholders that match
nothing in the context (by key names, or against a sample context down to attributes), and what
Excel would "repair" in the file itself (:mod:`kpis.render.excel_rules`: table names and headers,
overlapping merges, defined names, ranges, sheet views, style indexes, sheet names)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from jinja2 import TemplateSyntaxError, meta

from kpis.render import excel_rules
from kpis.render.engine import TemplateSource, load_template, template_bytes
from kpis.render.errors import Problem, Problems
from kpis.render.placeholders import Expression, Text, is_template_text
from kpis.render.sandbox import _MISSING, chains, environment, resolve
from kpis.render.structure import ForNode, IfNode, RowNode, SheetStructure, parse_sheet
from kpis.render.tables import iter_records

ALWAYS_DEFINED = {"lang", "loop", "row", "row_index"}


def check_template(template: TemplateSource, context: Mapping[str, Any] | Iterable[str] | None = None,
                   lang: str = "en") -> list[Problem]:
    """List the problems of a template, then the Excel rules it breaks (``excel_*`` codes, each
    naming its part). ``context`` is a sample context (checked down to
    attributes: ``kpi.win_rat`` is reported when ``kpi`` has no ``win_rat``), or just the context's
    key names (only the first name of each placeholder is checked), or None (syntax only)."""
    data, keep_vba = template_bytes(template)
    problems = Problems()
    # the file as Excel reads it: a template Excel repairs on opening gives reports it repairs too
    excel = excel_rules.as_problems(excel_rules.check_package(data))
    try:
        wb = load_template(data, keep_vba)
    except Exception:
        if not excel:
            raise
        wb = None  # openpyxl refuses some of what Excel repairs (a sheet named "a?b"): say what
    if wb is not None:
        checker = _Checker(problems, context, lang)
        for ws in wb.worksheets:
            st = parse_sheet(ws, problems)
            checker.sheet(st)
    for sheet, cell, code, params in excel:
        problems.add(sheet, cell, code, **params)
    return problems.list()


class _Checker:
    def __init__(self, problems: Problems, context: Any, lang: str):
        self.problems = problems
        self.env = environment(lang)
        if context is None:
            self.keys: set[str] | None = None
            self.sample: dict[str, Any] | None = None
        elif isinstance(context, Mapping):
            self.keys = set(context)
            self.sample = dict(context)
        else:
            self.keys = set(context)
            self.sample = None

    def sheet(self, st: SheetStructure) -> None:
        scope: dict[str, Any] = {}
        if st.sheet_for is not None:
            self._source("{{ " + st.sheet_for.expr + " }}", st.title, st.sheet_for_cell, scope)
            self._bind(st.sheet_for.targets, st.sheet_for.expr, scope)
        if is_template_text(st.title):
            self._source(st.title, st.title, "", scope)
        self._nodes(st, st.nodes, scope)

    def _nodes(self, st: SheetStructure, nodes: list, scope: dict) -> None:
        for node in nodes:
            if isinstance(node, RowNode):
                for tc in st.cells.get(node.row, ()):
                    if isinstance(tc.part, Expression):
                        self._source("{{ " + tc.part.source + " }}", st.title, tc.coordinate, scope)
                    elif isinstance(tc.part, Text):
                        self._source(tc.part.source, st.title, tc.coordinate, scope)
            elif isinstance(node, ForNode):
                d = node.directive
                self._source("{{ " + d.expr + " }}", st.title, node.coordinate, scope)
                inner = dict(scope)
                self._bind(d.targets, d.expr, inner)
                if d.test:
                    self._source("{{ " + d.test + " }}", st.title, node.coordinate, inner)
                self._nodes(st, node.body, inner)
            elif isinstance(node, IfNode):
                for d, coordinate, body in node.branches:
                    self._source("{{ " + d.expr + " }}", st.title, coordinate, scope)
                    self._nodes(st, body, scope)
                if node.else_body is not None:
                    self._nodes(st, node.else_body, scope)

    def _bind(self, targets: tuple[str, ...], expr: str, scope: dict) -> None:
        first: Any = _MISSING
        if self.sample is not None:
            try:
                value = self.env.compile_expression(expr, undefined_to_none=False)(**{**self.sample, **scope})
                items = iter(iter_records(value))
                first = next(items, _MISSING)
            except Exception:
                first = _MISSING
        if len(targets) == 1:
            scope[targets[0]] = first
        else:
            values = list(first) if first is not _MISSING and not isinstance(first, dict) else []
            for i, t in enumerate(targets):
                scope[t] = values[i] if i < len(values) else _MISSING

    def _source(self, source: str, sheet: str, cell: str, scope: dict) -> None:
        try:
            ast = self.env.parse(source)
        except TemplateSyntaxError as exc:
            self.problems.add(sheet, cell, "syntax", error=exc.message or str(exc))
            return
        if self.keys is None:
            return
        undeclared = meta.find_undeclared_variables(ast)
        for root, keys in chains(ast):
            if root not in undeclared or root in self.env.globals or root in ALWAYS_DEFINED:
                continue
            if root in scope:
                if self.sample is not None and scope[root] is not _MISSING:
                    found, text = resolve(self.env, scope, root, keys)
                    if not found:
                        self.problems.add(sheet, cell, "undefined", name=text)
                continue
            if root not in self.keys:
                self.problems.add(sheet, cell, "undefined", name=root)
            elif self.sample is not None:
                found, text = resolve(self.env, self.sample, root, keys)
                if not found:
                    self.problems.add(sheet, cell, "undefined", name=text)
