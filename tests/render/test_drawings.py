"""Charts, pictures and shapes are kept from the template package (openpyxl alone would drop
the picture and the text box), with their references and anchors moved
(examples/templates/monthly_report.xlsx)."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from kpis.render import render
from tests.render.conftest import chart_formulas, zip_text


@pytest.fixture()
def report_path(templates, samples, tmp_path):
    return render(templates / "monthly_report.xlsx", samples.monthly_report()).save(tmp_path / "r.xlsx")


def test_openpyxl_alone_drops_the_picture_and_the_text_box(templates, tmp_path):
    wb = openpyxl.load_workbook(templates / "monthly_report.xlsx")
    wb.save(tmp_path / "roundtrip.xlsx")
    names = zipfile.ZipFile(tmp_path / "roundtrip.xlsx").namelist()
    assert not any(n.startswith("xl/media/") for n in names)
    assert not any("Document interne" in text for _, text in zip_text(tmp_path / "roundtrip.xlsx", r"drawing"))


def test_the_engine_keeps_chart_picture_and_text_box(templates, report_path):
    with zipfile.ZipFile(report_path) as z:
        names = z.namelist()
        media = [n for n in names if n.startswith("xl/media/")]
        assert len(media) == 1
        template_logo = zipfile.ZipFile(templates / "monthly_report.xlsx").read("xl/media/logo.png")
        assert z.read(media[0]) == template_logo
        types = z.read("[Content_Types].xml").decode()
    assert 'Extension="png"' in types
    (_, drawing), = zip_text(report_path, r"xl/drawings/[^/]+\.xml$")
    assert "Document interne" in drawing and "<xdr:pic>" in drawing and "graphicFrame" in drawing
    (_, rels), = zip_text(report_path, r"xl/drawings/_rels/")
    assert "../media/" in rels and "../charts/" in rels


def test_chart_refs_follow_the_top_filtered_table(report_path):
    # 7 reps → top 5 + "Autres" = 6 data rows from row 9
    assert chart_formulas(report_path) == ["Rapport!B8", "Rapport!$A$9:$A$14",
                                           "Rapport!$B$9:$B$14"]


def test_anchors_move_with_the_rows_above_and_keep_their_size(report_path):
    (_, drawing), = zip_text(report_path, r"xl/drawings/[^/]+\.xml$")
    rows = [int(r) for r in re.findall(r"<(?:xdr:)?row>(\d+)</(?:xdr:)?row>", drawing)]
    # chart: template A12 (row index 11) below a table that grew by 5 rows → 16
    # logo (rows 1-2) and text box (rows 7-9, beside the table header) are above / beside: unchanged
    assert rows == [16, 1, 2, 7, 9]


def test_conditional_format_formula_relative_to_the_range(report_path):
    ws = openpyxl.load_workbook(report_path)["Rapport"]
    (cf,) = list(ws.conditional_formatting)
    assert str(cf.sqref) == "D9:D14"
    assert cf.rules[0].formula == ["AND(ISNUMBER(D9),D9<0.2)"]


def test_a_workbook_object_template_keeps_its_openpyxl_chart(tmp_path):
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "{{ rows }}"
    ws["A2"] = None
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=2, max_row=2))
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=2))
    ws.add_chart(chart, "E10")
    rows = [{"rep": r, "ca": i} for i, r in enumerate("abcd")]
    path = render(wb, {"rows": rows}).save(tmp_path / "o.xlsx")
    assert chart_formulas(path) == ["Data!$A$2:$A$5", "Data!$B$2:$B$5"]  # categories, values


def _chart_over_a_table(edit_as: str | None):
    """A template: a table placeholder at A2 (header) with its data row 3, and a bar chart anchored
    over rows 2-5 (0-based 1..5) beside it, as build.py anchors the charts that grow."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A2"] = "{{ rows }}"
    ws["A3"] = None
    ws["A7"] = "below"
    chart = BarChart()
    chart.type = "bar"
    chart.add_data(Reference(ws, min_col=2, min_row=3, max_row=3))
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=3))
    anchor = TwoCellAnchor(editAs=edit_as, _from=AnchorMarker(col=3, row=1), to=AnchorMarker(col=9, row=5))
    ws.add_chart(chart, anchor)
    return wb


def _anchor_rows(path) -> list[int]:
    (_, drawing), = zip_text(path, r"xl/drawings/[^/]+\.xml$")
    return [int(r) for r in re.findall(r"<(?:xdr:)?row>(\d+)</(?:xdr:)?row>", drawing)]


@pytest.mark.parametrize("n", [1, 4, 30])
def test_a_chart_anchored_to_move_and_size_with_cells_grows_with_its_table(tmp_path, n):
    rows = [{"rep": f"r{i}", "ca": i} for i in range(n)]
    path = render(_chart_over_a_table("twoCell"), {"rows": rows}).save(tmp_path / "o.xlsx")
    # from: row index 1 (the header row 2) stays; to: index 5 (top of row 6), two rows under the
    # data row 3, moves down by the n - 1 rows added: 5 + n - 1
    assert _anchor_rows(path) == [1, 5 + n - 1]
    assert openpyxl.load_workbook(path)["Data"].cell(7 + n - 1, 1).value == "below"


def test_a_chart_without_size_with_cells_keeps_its_height(tmp_path):
    rows = [{"rep": f"r{i}", "ca": i} for i in range(10)]
    path = render(_chart_over_a_table(None), {"rows": rows}).save(tmp_path / "o.xlsx")
    assert _anchor_rows(path) == [1, 5]
