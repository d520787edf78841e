"""Rendered reports open in a real spreadsheet application (LibreOffice headless), recalculate,
print to PDF and rasterise (tests/helpers/libreoffice.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest

from kpis.render import render
from tests.helpers import libreoffice as lo
from tests.render.conftest import chart_formulas

pytestmark = pytest.mark.libreoffice

EXAMPLES = ["placeholders", "table", "table_filters", "growth", "loops", "sheet_per_rep", "status",
            "monthly_report"]


def test_missing_soffice_fails_in_ci_and_skips_locally(monkeypatch):
    monkeypatch.setattr(lo.shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(lo.ToolMissing):
        lo.soffice_path()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        lo.soffice_path()


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_report_opens_and_recalculates(templates, samples, tmp_path, name):
    path = render(templates / f"{name}.xlsx", getattr(samples, name)()).save(tmp_path / f"{name}.xlsx")
    sheets = lo.recalc(path)
    assert sheets, "LibreOffice returned no sheet"
    flat = [v for rows in sheets.values() for row in rows for v in row]
    assert not any(isinstance(v, str) and v.startswith(("#REF", "Err:", "#NAME", "#VALUE")) for v in flat)


def test_sheet_per_rep_values_after_recalculation(templates, samples, tmp_path):
    path = render(templates / "sheet_per_rep.xlsx", samples.sheet_per_rep()).save(tmp_path / "reps.xlsx")
    got = lo.recalc(path)
    assert got["Alice"][3][1] == pytest.approx(64000 / 60000)  # B4 attainment
    assert got["Chloé"][9][1] == 27500  # B10 = SUM of the deals
    assert got["Bruno Nord équipe 1"][7][1] == 0


def test_a_template_saved_by_libreoffice_keeps_its_chart(templates, samples, tmp_path):
    """Charts written by a real application (c: prefixes, caches, style) survive rendering, with
    their references moved and caches refreshed."""
    lo_template = lo.convert(templates / "growth.xlsx", "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    ctx = samples.growth(12)
    out = render(lo_template, ctx).save(tmp_path / "out.xlsx")
    assert chart_formulas(out) == ["Ventes!C4", "Ventes!$A$5:$A$16", "Ventes!$C$5:$C$16"]
    with zipfile.ZipFile(out) as z:
        chart = next(z.read(n).decode() for n in z.namelist() if re.search(r"xl/charts/[^/]+\.xml$", n))
    cache = re.search(r"<c:numCache>(.*?)</c:numCache>", chart, re.S).group(1)
    assert '<c:ptCount val="12"/>' in cache
    points = [float(v) for v in re.findall(r"<c:v>([^<]*)</c:v>", cache)]
    assert points == pytest.approx(list(ctx["sales"]["montant"]))
    assert lo.recalc(out)["Ventes"][16][2] == pytest.approx(float(ctx["sales"]["montant"].sum()))


def test_monthly_report_prints_to_pdf_and_png(templates, samples, tmp_path):
    path = render(templates / "monthly_report.xlsx", samples.monthly_report()).save(tmp_path / "rapport.xlsx")
    pdf = lo.to_pdf(path, tmp_path / "pdf")
    pngs = lo.pdf_to_pngs(pdf)
    assert len(pngs) >= 1 and all(p.stat().st_size > 5_000 for p in pngs)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              timeout=60).stdout
        for expected in ("Durand & Fils", "octobre 2026", "Alice", "Autres", "144", "CA par commercial"):
            assert expected in text
