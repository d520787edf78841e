"""Writing sheet contents with xlwings: values, formulas, text that must stay text, format runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kpis.xl.sheets import Fmt, Formula, coalesce, ensure_sheet, owned_sheets, safe_cell, write_content

from .conftest import actions, new_book

TEMPLATES = Path(__file__).resolve().parents[2] / "examples" / "templates"
PAYLOAD = {"client": "Office.js", "version": None, "book": {"name": "b.xlsx", "active_sheet_index": 0, "selection": "A1"},
           "names": [], "sheets": [{"name": "Données", "values": [["x"]], "pictures": [], "tables": []}]}


def _payload():
    import xlwings as xw

    return {**PAYLOAD, "version": xw.__version__}


@pytest.mark.parametrize("text, written", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+33 6 12", "'+33 6 12"), ("-remise", "'-remise"),
    ("@me", "'@me"), ("2026-10", "'2026-10"), ("00123", "'00123"), ("12 %", "'12 %"), ("VRAI", "'VRAI"),
    ("Alice", "Alice"), ("T3 2026", "T3 2026"), ("-", "-"),
])
def test_text_stays_text(text, written):
    assert safe_cell(text) == written


def test_values_are_made_plain():
    import numpy as np
    import pandas as pd

    assert safe_cell(np.float64(2.5)) == 2.5 and type(safe_cell(np.int64(3))) is int
    assert safe_cell(float("nan")) is None and safe_cell(pd.NaT) is None and safe_cell(pd.NA) is None
    assert safe_cell(Formula("=SUM(A1:A2)")) == "=SUM(A1:A2)"


def test_coalesce_joins_runs_side_by_side_and_stacked():
    fmts = [Fmt(2, c, bold=True, fill="#DDEBF7") for c in range(5)] + [Fmt(r, 1, number_format="0.0%") for r in range(3, 10)]
    out = coalesce(fmts)
    assert Fmt(2, 0, 1, 5, bold=True) in out and Fmt(2, 0, 1, 5, fill="#DDEBF7") in out  # one call per attribute
    assert Fmt(3, 1, 7, 1, number_format="0.0%") in out
    assert len(out) == 3


def test_coalesce_joins_a_column_format_across_zebra_rows():
    """A rendered template shades every other row: the column's number format is still one call."""
    fmts = [Fmt(r, 1, number_format="0.0%", fill="#F2F5FA" if r % 2 else None) for r in range(3, 13)]
    out = coalesce(fmts)
    assert Fmt(3, 1, 10, 1, number_format="0.0%") in out
    assert len([f for f in out if f.fill]) == 5


def test_owned_sheet_is_found_by_its_marker_even_renamed():
    book = new_book(_payload())
    sheet = ensure_sheet(book, "summary", "fr")
    assert sheet.name == "KPI - Synthèse"
    assert owned_sheets(book)["summary"].name == sheet.name
    sheet.name = "Mes indicateurs"
    again = ensure_sheet(book, "summary", "fr")
    assert again.name == "Mes indicateurs" and len(book.sheets) == 2
    assert actions(book)[-1]["func"] == "sheetClear"


def test_rendered_template_into_an_owned_sheet():
    """A template rendered by kpis.render lands in the workbook with its formulas and formats."""
    sys.path.insert(0, str(TEMPLATES))
    try:
        import sample_contexts
    finally:
        sys.path.remove(str(TEMPLATES))
    from kpis.xl.templates import render_contents

    contents = render_contents(TEMPLATES / "table.xlsx", sample_contexts.table(), "fr")
    book = new_book(_payload())
    sheet = ensure_sheet(book, "report_test", "fr", name="KPI - Classement")
    write_content(sheet, contents["Classement"])
    acts = actions(book)
    (values,) = [a["values"] for a in acts if a["func"] == "setValues"]
    assert values[3][:4] == ["Alice", 52000.0, 0.35, 12]
    assert values[3][4] == "=B4/SUM($B$4:$B$7)"  # a formula of the template stays a formula
    assert values[7][1] == "=SUM(B4:B7)"
    header = [a for a in acts if a["func"] == "setRangeColor" and a["start_row"] == 2]
    assert header and header[0]["column_count"] == 5  # one call for the header row
    assert [a["args"] for a in acts if a["func"] == "rangeMerge"]
