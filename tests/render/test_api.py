"""The public API: render, render_to_file (atomic), sheet_writes (for the add-in)."""

from __future__ import annotations

import hashlib
import os

import openpyxl
import pytest

import kpis.render.engine as engine
from kpis.render import Report, TemplateError, render, render_to_file, sheet_writes


def test_render_returns_a_report_with_the_workbook(templates, samples):
    report = render(templates / "table.xlsx", samples.table())
    assert isinstance(report, Report)
    assert report.sheetnames == ["Classement"]
    assert report["Classement"]["A4"].value == "Alice"
    assert isinstance(report.workbook, openpyxl.Workbook)
    assert report.workbook.calculation.fullCalcOnLoad  # the application recomputes formulas on open


def test_templates_can_be_paths_bytes_or_workbooks(templates, samples):
    path = templates / "table.xlsx"
    for source in (path, str(path), path.read_bytes(), openpyxl.load_workbook(path)):
        assert render(source, samples.table())["Classement"]["B8"].value == "=SUM(B4:B7)"


def test_the_template_file_is_never_modified(templates, samples, tmp_path):
    path = templates / "growth.xlsx"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    render_to_file(path, samples.growth(20), tmp_path / "out.xlsx")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_render_to_file_is_atomic(templates, samples, tmp_path, monkeypatch):
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"previous report")
    render_to_file(templates / "table.xlsx", samples.table(), out)
    assert openpyxl.load_workbook(out)["Classement"]["A4"].value == "Alice"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]  # no temporary file left

    out.write_bytes(b"previous report")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(engine.os, "replace", boom)
    with pytest.raises(OSError):
        render_to_file(templates / "table.xlsx", samples.table(), out)
    assert out.read_bytes() == b"previous report"  # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_a_failed_render_writes_nothing(templates, tmp_path):
    out = tmp_path / "report.xlsx"
    with pytest.raises(TemplateError):
        render_to_file(templates / "mistakes.xlsx", {}, out)
    assert not out.exists()


def test_sheet_writes_for_the_excel_add_in(templates, samples):
    (writes,) = sheet_writes(templates / "status.xlsx", samples.status())
    assert writes.name == "Statut"
    by_address = {w.address: w for w in writes.cells}
    b1 = by_address["B1"]
    assert (b1.value, b1.kind, b1.number_format, b1.fill, b1.font_color) == (125400, "value", '#,##0 "€"',
                                                                              "C6EFCE", "006100")
    assert by_address["A6"].kind == "text" and by_address["A6"].value == "Alice"
    assert by_address["D7"].kind == "formula" and by_address["D7"].value == "=IF(C7=0,0,B7/C7)"
    assert by_address["A5"].bold and by_address["A5"].fill == "1F3864"
    assert writes.column_widths["A"] == 24


def test_sheet_writes_for_one_sheet(templates, samples):
    (writes,) = sheet_writes(templates / "growth.xlsx", samples.growth(3), sheet="Synthèse")
    assert writes.name == "Synthèse"
    assert {w.address: w.value for w in writes.cells}["B1"] == "=Ventes!C8"


def test_report_bytes_open_in_openpyxl(templates, samples, tmp_path):
    data = render(templates / "monthly_report.xlsx", samples.monthly_report()).to_bytes()
    path = tmp_path / "r.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    assert wb["Rapport"]["A9"].value == "Alice"
    assert os.path.getsize(path) > 0
