"""Every workbook ``kpis report`` and ``kpis commissions`` write opens in Excel without a repair prompt.

The outputs of both example workbooks (French and English) are written once per session: the
monthly reports, every rep's own workbook, the commission statements, and the report rendered into
the add-in's sheet contents then saved by :func:`kpis.xl.xlsx.write_contents`. Checked part by part:

- their sheet views (the regression of issue 15: a template sheet frozen again got five
  ``<selection>`` elements, two panes repeated, which Excel "repairs");
- the rules Excel enforces that no schema catches (:mod:`kpis.render.excel_rules`);
- the ISO/IEC 29500 transitional schemas (``../shared/ooxml-schemas``, via :mod:`tests.ooxml.validate`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from kpis.render.excel_rules import check_package, parse_cell
from kpis.report import build_statements_context, default_template, render_report, rep_context

from .conftest import GENERATED, PERIOD

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
LANGS = ("fr", "en")


@pytest.fixture(scope="session")
def written(fr, en, tmp_path_factory) -> dict[str, Path]:
    """Label -> path of every file written from the examples: reports, per-rep files, statements, and
    the report's sheets as the add-in lays them out (:func:`kpis.xl.templates.render_contents`)."""
    from kpis.calculators import commission_statements
    from kpis.xl.templates import render_contents
    from kpis.xl.xlsx import write_contents

    out: dict[str, Path] = {}
    folder = tmp_path_factory.mktemp("written")
    for ex in (fr, en):
        out[f"report_{ex.lang}"] = ex.out
        for i, rep in enumerate(ex.ctx["reps"]):
            report = render_report(default_template("rep", ex.lang), rep_context(ex.ctx, rep), lang=ex.lang)
            out[f"rep_{ex.lang}_{i}"] = report.save(folder / f"rep_{ex.lang}_{i}.xlsx")
        st = commission_statements(ex.ds, PERIOD, ex.config)
        ctx = build_statements_context(ex.ds, st, PERIOD, ex.config, generated_at=GENERATED)
        report = render_report(default_template("statements", ex.lang), ctx, lang=ex.lang)
        out[f"statements_{ex.lang}"] = report.save(folder / f"statements_{ex.lang}.xlsx")
        # the add-in's report sheets rendered from the same template, saved by kpis.xl.xlsx
        contents = render_contents(ex.template, ex.ctx, ex.lang)
        out[f"addin_report_{ex.lang}"] = write_contents(contents, folder / f"addin_report_{ex.lang}.xlsx")
    return out


def sheet_views(path: Path) -> list[tuple[str, etree._Element]]:
    """(part, sheetView element) of every worksheet of ``path``."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                root = etree.fromstring(z.read(name))
                out += [(name, v) for v in root.iter(f"{MAIN}sheetView")]
    return out


# Excel's own selection set for each kind of freeze: one selection per pane the split creates.
EXPECTED_PANES = {(True, True): ["topRight", "bottomLeft", "bottomRight"], (False, True): ["bottomLeft"],
                  (True, False): ["topRight"]}


def test_frozen_sheets_have_one_selection_per_pane(written):
    frozen = 0
    for label, path in written.items():
        for part, view in sheet_views(path):
            pane = view.find(f"{MAIN}pane")
            panes = [s.get("pane", "topLeft") for s in view.findall(f"{MAIN}selection")]
            if pane is None:
                assert len(panes) <= 1, (label, part, panes)
                continue
            frozen += 1
            x, y = int(float(pane.get("xSplit", 0))), int(float(pane.get("ySplit", 0)))
            assert pane.get("state") == "frozen", (label, part)
            # the pane's first scrollable cell is the freeze cell: right of xSplit, below ySplit
            assert parse_cell(pane.get("topLeftCell")) == (y + 1, x + 1), (label, part, pane.attrib)
            expected = EXPECTED_PANES[(bool(x), bool(y))]
            assert panes == expected, (label, part, panes)
            assert pane.get("activePane") == expected[-1], (label, part)
    # Indicateurs/KPIs, Classement/Leaderboard, Commissions, rep sheets, Synthèse/Summary ... are frozen
    assert frozen >= 10


@pytest.mark.parametrize("lang", LANGS)
def test_a_freeze_moved_by_the_rows_above_is_rebuilt_not_appended(lang, tmp_path):
    """A template frozen below a loop: the freeze moves down, the view still has one selection per pane."""
    import openpyxl

    from kpis.render import render

    tpl = openpyxl.Workbook()
    ws = tpl.active
    ws.title = "S"
    ws["A1"] = "{% for r in rows %}"
    ws["A2"] = "{{ r }}"
    ws["A3"] = "{% endfor %}"
    ws["A4"] = "Header"
    ws["B4"] = "Value"
    ws["A5"] = "x"
    ws.freeze_panes = "B5"
    path = tmp_path / "tpl.xlsx"
    tpl.save(path)
    out = render(path, {"rows": ["a", "b", "c", "d", "e"]}, lang=lang).save(tmp_path / "out.xlsx")
    ((_, view),) = sheet_views(out)
    pane = view.find(f"{MAIN}pane")
    # five rows where the loop was, its two directive rows gone: the template's row 5 is now row 7
    assert pane.get("topLeftCell") == "B7" and pane.get("ySplit") == "6" and pane.get("xSplit") == "1"
    assert [s.get("pane") for s in view.findall(f"{MAIN}selection")] == EXPECTED_PANES[(True, True)]


def test_excel_rules_hold_on_every_written_file(written):
    found = {label: [str(f) for f in check_package(path)] for label, path in written.items()}
    assert found == {label: [] for label in written}


@pytest.mark.shared
def test_every_written_file_is_schema_valid(written):
    from tests.helpers.shared import shared_path
    from tests.ooxml.validate import validate_package

    folder = shared_path("ooxml-schemas")
    found = {label: [str(f) for f in validate_package(path, folder)[0]] for label, path in written.items()}
    assert found == {label: [] for label in written}
