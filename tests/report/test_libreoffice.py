"""The rendered reports open in a real spreadsheet application (LibreOffice headless): every formula
recalculates to Python's value, nothing shows an error, and the reports print to PDF pages that
are rendered to PNG (the images were looked at by hand: see docs/report.md, "What was checked")."""

from __future__ import annotations

import pytest

from tests.helpers import libreoffice as lo

pytestmark = pytest.mark.libreoffice

ERRORS = ("#REF", "Err:", "#NAME", "#VALUE", "#DIV/0", "#N/A")


@pytest.fixture(scope="module")
def recalculated(fr):
    return lo.recalc(fr.out)


def _row(sheet: list[list], label: str, column: int = 0) -> list:
    for row in sheet:
        if row and len(row) > column and row[column] == label:
            return row
    raise AssertionError(f"no row {label!r}")


def test_no_cell_shows_an_error_after_recalculation(recalculated):
    bad = [(name, v) for name, rows in recalculated.items() for row in rows for v in row
           if isinstance(v, str) and v.startswith(ERRORS)]
    assert bad == []


def test_leaderboard_totals_equal_pythons(fr, recalculated):
    k, lb = fr.ctx["kpi"], fr.ctx["leaderboard"]
    team = _row(recalculated["Classement"], "Équipe")
    assert team[1] == pytest.approx(k["revenue"])  # =SUM(CA)
    assert team[2] == pytest.approx(fr.ctx["cards"]["revenue"]["target"])  # =SUM(quotas)
    assert team[4] == pytest.approx(k["deals_won"])
    assert team[5] == pytest.approx(k["deals_lost"])
    assert team[9] == pytest.approx(k["open_pipeline_value"])
    assert team[10] == pytest.approx(lb["commission"].sum())
    assert team[6] == pytest.approx(k["win_rate"])


def test_other_totals_equal_pythons(fr, recalculated):
    k = fr.ctx["kpi"]
    pipeline = recalculated["Pipeline"]
    assert _row(pipeline, "Équipe")[3] == pytest.approx(k["open_pipeline_value"])
    assert _row(pipeline, "Équipe")[4] == pytest.approx(k["weighted_pipeline"])
    assert _row(recalculated["Activités"], "Équipe")[6] == pytest.approx(k["activities_total"])
    assert _row(recalculated["Clients"], "Total")[6] == pytest.approx(k["mrr"])
    assert _row(recalculated["Acquisition"], "Total")[1] == pytest.approx(k["leads_created"])
    commissions = _row(recalculated["Commissions"], "Total")
    summary = fr.ctx["statements"]["summary"]
    assert commissions[12] == pytest.approx(summary["payable"].sum())


def test_each_reps_statement_adds_up_to_what_they_earned(fr, recalculated):
    for rep in fr.ctx["reps"]:
        earned = _row(recalculated[rep["name"]], "Total gagné")
        assert earned[9] == pytest.approx(rep["statement"]["earned"], abs=0.01), rep["name"]
        assert earned[7] == pytest.approx(rep["statement"]["credited_to_date"], abs=0.01)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_prints_to_landscape_pages(request, lang, tmp_path):
    ex = request.getfixturevalue(lang)
    pdf = lo.to_pdf(ex.out, tmp_path)
    pngs = lo.pdf_to_pngs(pdf, dpi=40)
    assert len(pngs) >= len(ex.report.sheetnames)  # every sheet prints, one page wide
    header = pngs[0].read_bytes()[16:24]
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
    assert width > height  # landscape
    sizes = {p.stat().st_size for p in pngs}
    assert min(sizes) > 2000  # no blank page


def test_summary_values_survive_the_round_trip(fr, recalculated):
    summary = recalculated["Synthèse"]
    assert summary[4][1] == pytest.approx(fr.ctx["kpi"]["revenue"])  # B5, the revenue card
