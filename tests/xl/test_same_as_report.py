"""The add-in's KPI sheets and the report show IDENTICAL formatted values for the same KPI.

Both outputs are read back as a user sees them: each cell's value formatted with the cell's own
number format (:func:`kpis.present.formats.apply_format`). The report is rendered by ``kpis report``'s
path (:class:`tests.report.conftest.Example`); the add-in's sheets are what « Actualiser les
indicateurs » asks Excel to write, through xlwings' remote engine (values and number formats of
the recorded actions).
"""

from __future__ import annotations

from typing import Any

import pytest

import kpis.xl.scripts as S
from kpis.engine.registry import REGISTRY
from kpis.present import views
from kpis.present.formats import apply_format
from tests.report.conftest import Example

from .conftest import actions, apply_actions, book_json, new_book, run_script, set_cells

EXAMPLE = {"fr": "suivi_commercial.xlsx", "en": "sales_tracking.xlsx"}
# report page -> add-in sheet: the same builder, so the same cells
SAME_PAGES = {"fr": {"Pipeline": "KPI - Pipeline", "Prospects": "KPI - Entonnoir", "Clients": "KPI - Clients",
                     "Acquisition": "KPI - Acquisition"},
              "en": {"Pipeline": "KPI - Pipeline", "Leads": "KPI - Funnel", "Customers": "KPI - Customers",
                     "Acquisition": "KPI - Acquisition"}}


class Addin:
    """The sheets one refresh writes: name -> (values, {(row, col) 0-based: number format})."""

    def __init__(self, acts: list[dict]):
        self.sheets: dict[str, tuple[list[list[Any]], dict[tuple[int, int], str]]] = {}
        names = {a["args"][0]: a["args"][1] for a in acts if a["func"] == "addSheet"}
        for pos, name in names.items():
            (values,) = [a["values"] for a in acts if a["func"] == "setValues" and a["sheet_position"] == pos]
            fmts: dict[tuple[int, int], str] = {}
            for a in acts:
                if a["func"] == "setNumberFormat" and a["sheet_position"] == pos:
                    for r in range(a["start_row"], a["start_row"] + a["row_count"]):
                        for c in range(a["start_column"], a["start_column"] + a["column_count"]):
                            fmts[(r, c)] = a["args"][0]
            self.sheets[name] = (values, fmts)

    def text(self, sheet: str, row: int, col: int, lang: str) -> str:
        values, fmts = self.sheets[sheet]
        v = values[row][col] if row < len(values) and col < len(values[row]) else None
        v = v[1:] if isinstance(v, str) and v.startswith("'") else v
        return _text(None if v == "" else v, fmts.get((row, col), "General"), lang)


def _text(v: Any, fmt: str, lang: str) -> str:
    return "" if v is None else apply_format(v, fmt, lang)


def _report_text(ws, row: int, col: int, lang: str) -> str:
    """Row and column 0-based, as the add-in's grid."""
    cell = ws.cell(row + 1, col + 1)
    return _text(cell.value, cell.number_format, lang)


@pytest.fixture(scope="module", params=["fr", "en"])
def both(request, tmp_path_factory, example_json):
    lang = request.param
    from tests.report.conftest import EXAMPLES

    report = Example(lang, tmp_path_factory.mktemp(f"same_{lang}"))
    payload = example_json if lang == "fr" else book_json(EXAMPLES / EXAMPLE[lang])
    if lang == "en":  # the settings sheet says English (as a user would set it)
        book = new_book(payload)
        run_script(S, "edit_settings", book)
        payload = apply_actions(payload, actions(book))
        sheet = next(x for x in payload["sheets"] if x["name"] == "KPI - Paramètres")
        row = next(i for i, r in enumerate(sheet["values"], 1) if r and r[0] == "lang")
        payload = set_cells(payload, "KPI - Paramètres", {(row, 3): "en"})
    book = new_book(payload)
    run_script(S, "refresh_kpis", book)
    return lang, report, Addin(actions(book))


def test_the_summary_shows_what_the_reports_kpis_page_shows(both):
    lang, report, addin = both
    ws = report.report["Indicateurs" if lang == "fr" else "KPIs"]
    summary = "KPI - Synthèse" if lang == "fr" else "KPI - Summary"
    values, _ = addin.sheets[summary]
    names = {REGISTRY[k].name(lang) for k in views.page_kpis("summary")}
    report_rows = {ws.cell(r, 1).value: r - 1 for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value in names}
    addin_rows = {row[0]: i for i, row in enumerate(values) if row and row[0] in names}
    assert set(report_rows) == set(addin_rows) == names
    compared = 0
    for name in names:
        for col in range(1, 6):  # value, previous, change, year ago, target
            a = addin.text(summary, addin_rows[name], col, lang)
            b = _report_text(ws, report_rows[name], col, lang)
            assert a == b, (name, col, a, b)
            compared += a != ""
    assert compared > 150


def test_the_reps_sheet_shows_what_each_rep_sheet_shows(both):
    lang, report, addin = both
    sheet = "KPI - Commerciaux" if lang == "fr" else "KPI - Reps"
    values, _ = addin.sheets[sheet]
    head = values[3]
    compared = 0
    for i, row in enumerate(values[4:], 4):
        rep = row[0]
        if rep not in report.report.sheetnames:
            continue  # the team's row, the note
        ws = report.report[rep]
        rows = {ws.cell(r, 1).value: r - 1 for r in range(1, ws.max_row + 1)}
        for j, name in enumerate(head[1:], 1):
            a = addin.text(sheet, i, j, lang)
            b = _report_text(ws, rows[name], 1, lang)
            # no value: a table leaves the cell empty, a KPI row says n.d. / n/a (as in the report)
            assert a == b or (a == "" and b in ("n.d.", "n/a")), (rep, name, a, b)
            compared += 1
    assert compared >= 6 * len(views.rep_kpis())


def test_the_section_pages_are_the_same_cells(both):
    lang, report, addin = both
    for page, sheet in SAME_PAGES[lang].items():
        ws = report.report[page]
        values, _ = addin.sheets[sheet]
        assert len(values) == ws.max_row or len(values) == ws.max_row - 1, page
        for r in range(2, len(values)):  # rows 0-1: title and source line (the generation date differs)
            for c in range(len(values[r])):
                assert addin.text(sheet, r, c, lang) == _report_text(ws, r, c, lang), (page, r, c)


def test_attainment_is_coloured_by_its_target_in_the_reps_sheet(both):
    """115 % of quota is green, 95 % red: by the threshold, as the report's cards -- never the trend."""
    lang, report, addin = both
    # the add-in's fills come from the template's conditional formats, evaluated on the values
    from kpis.xl.jobs import sheets_template
    from kpis.xl.templates import render_contents

    contents = render_contents(sheets_template(lang), report.ctx, lang)
    reps = contents["Commerciaux" if lang == "fr" else "Reps"]
    head = reps.values[3]
    j = head.index(REGISTRY["quota_attainment"].name(lang))
    fills = {(f.row, f.col): f.fill for f in reps.formats if f.fill}
    checked = 0
    names = {r["name"] for r in report.ctx["reps"]}
    for i, row in enumerate(reps.values[4:], 4):
        v = row[j]
        if row[0] in names and isinstance(v, float):  # the team's row keeps the total row's style
            assert fills.get((i, j)) == ("#C6EFCE" if v >= 1 else "#FFC7CE"), (row[0], v)
            checked += 1
    assert checked >= 5
