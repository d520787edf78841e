"""The default templates render the example workbooks' reports, cell by cell where it matters."""

from __future__ import annotations

import importlib.util

import openpyxl
import pytest

from kpis.render import check_template
from kpis.report import build_statements_context, default_template, render_report, rep_context
from kpis.report.templates import DEFAULTS
from tests.report.conftest import GENERATED, PERIOD, ROOT, find_row

SHEETS = {
    "fr": ["Synthèse", "Indicateurs", "Classement", "Pipeline", "Prévision", "Mouvement du pipeline", "Affaires à surveiller",
           "Activités", "Prospects", "Clients", "Acquisition", "Tendances", "Commissions"],
    "en": ["Summary", "KPIs", "Leaderboard", "Pipeline", "Forecast", "Pipeline movement", "Deals to watch", "Activities", "Leads",
           "Customers", "Acquisition", "Trends",
           "Commissions"],
}
QUALITY = {"fr": "Qualité des données", "en": "Data quality"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_sheets_in_order_with_one_sheet_per_rep(request, lang):
    ex = request.getfixturevalue(lang)
    reps = [r["name"] for r in ex.ctx["reps"]]
    assert ex.report.sheetnames == SHEETS[lang] + reps + [QUALITY[lang]]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_default_templates_match_the_context(request, lang):
    ex = request.getfixturevalue(lang)
    for kind in DEFAULTS:
        assert check_template(default_template(kind, lang), ex.ctx) == [], kind


def test_summary_cards_are_typed_numbers_with_unit_formats(fr, en):
    for ex, money in ((fr, '#,##0\u00a0"€"'), (en, '"€"#,##0')):  # one format module: kpis/present/formats.py
        wb = openpyxl.load_workbook(ex.out)
        ws = wb[SHEETS[ex.lang][0]]
        cell = ws["B5"]  # the first card's value: revenue
        assert cell.value == pytest.approx(ex.ctx["kpi"]["revenue"])
        assert cell.number_format == money
        assert cell.fill.fgColor.rgb.endswith("C6EFCE" if ex.ctx["cards"]["revenue"]["status"] == "good" else "FFC7CE")
        rate = ws["L5"]  # third card: win rate
        # French typography: a no-break space before % (48,1 %)
        assert rate.value == pytest.approx(ex.ctx["kpi"]["win_rate"])
        assert rate.number_format == ("0.0\u00a0%" if ex.lang == "fr" else "0.0%")
        assert ws["M7"].value == pytest.approx(ex.ctx["cards"]["win_rate"]["change_display"])  # change in points
        assert "pts" in ws["M7"].number_format


def test_leaderboard_rows_and_totals(fr):
    wb = openpyxl.load_workbook(fr.out)
    ws = wb["Classement"]
    lb = fr.ctx["leaderboard"]
    total = find_row(ws, "Équipe")
    assert total == 5 + len(lb)
    assert [ws.cell(r, 1).value for r in range(5, total)] == list(lb["rep"])
    assert ws.cell(total, 2).value == f"=SUM(B5:B{total - 1})"
    assert ws.cell(total, 11).value == f"=SUM(K5:K{total - 1})"
    assert ws.cell(total, 7).value == pytest.approx(fr.ctx["kpi"]["win_rate"])  # a ratio: the engine's, not a sum
    assert ws.freeze_panes == "B5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_trend_tables_and_charts_cover_thirteen_months(fr):
    from tests.render.conftest import chart_formulas

    wb = openpyxl.load_workbook(fr.out)
    ws = wb["Tendances"]
    head = find_row(ws, "Mois")
    assert [ws.cell(head + 1 + i, 1).value for i in range(13)] == list(fr.ctx["trend"]["month"])
    assert ws.cell(head + 1, 2).value == pytest.approx(fr.ctx["trend"]["revenue"].iloc[0])
    formulas = chart_formulas(fr.out)
    assert f"Tendances!$B${head + 1}:$B${head + 13}" in formulas  # a series stretched over the 13 months
    # the summary's chart of the reps: its own hidden table of the first ten reps (kpis/report/topn.py)
    assert any(f.startswith("'Synthèse'!$") for f in formulas)


def test_rep_sheet_has_the_reps_numbers_and_statement(fr):
    wb = openpyxl.load_workbook(fr.out)
    rep = fr.ctx["reps"][0]
    ws = wb[rep["name"]]
    assert ws["A1"].value == f"Fiche individuelle — {rep['name']}"
    assert ws["A2"].value.startswith("octobre 2026")
    assert ws["A6"].value == "Chiffre d'affaires"
    assert ws["B6"].value == pytest.approx(rep["kpi"]["revenue"])
    assert ws["F6"].value == pytest.approx(fr.ctx["kpi"]["revenue"])  # the team column
    earned = find_row(ws, "Total gagné", 1)
    assert ws.cell(earned, 10).value.startswith("=SUM(J")


def test_quality_sheet_lists_every_problem(fr):
    wb = openpyxl.load_workbook(fr.out)
    ws = wb["Qualité des données"]
    head = find_row(ws, "Feuille")
    n = len(fr.ctx["quality"])
    assert [ws.cell(head + 1 + i, 7).value for i in range(n)] == list(fr.ctx["quality"]["reason"])


def test_per_rep_workbook_holds_only_that_rep(fr, tmp_path):
    rep = fr.ctx["reps"][1]
    ctx = rep_context(fr.ctx, rep)
    assert "leaderboard" not in ctx and ctx["reps"] == [rep]
    path = render_report(default_template("rep", "fr"), ctx, lang="fr").save(tmp_path / "rep.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [rep["name"]]
    others = {r["name"] for r in fr.ctx["reps"]} - {rep["name"]}
    text = {c.value for row in wb.active.iter_rows() for c in row if isinstance(c.value, str)}
    assert not any(o in t for o in others for t in text)


def test_statements_workbook(fr, tmp_path):
    from kpis.calculators import commission_statements

    st = commission_statements(fr.ds, PERIOD, fr.config)
    ctx = build_statements_context(fr.ds, st, PERIOD, fr.config, generated_at=GENERATED)
    path = render_report(default_template("statements", "fr"), ctx, lang="fr").save(tmp_path / "st.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Synthèse", *st.reps]
    ws = wb["Synthèse"]
    assert find_row(ws, "Total") == 5 + len(st.reps)  # the {% if %} row above the table is removed


def test_currency_follows_the_configuration(fr):
    ctx = {**fr.ctx, "currency": "USD", "currency_symbol": "$"}
    wb = render_report(default_template("report", "fr"), ctx, lang="fr").workbook
    assert wb["Synthèse"]["B5"].number_format == '#,##0\u00a0"$"'  # a no-break space before the unit (kpis/present/formats.py)
    assert wb["Classement"]["K5"].number_format == '#,##0.00\u00a0"$"'


def test_packaged_templates_are_what_the_build_script_makes(tmp_path):
    """The committed .xlsx files are up to date with templates/build.py (same cells, formats,
    merged cells, conditional formats and charts)."""
    spec = importlib.util.spec_from_file_location("kpis_template_build", ROOT / "templates" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    made = build.build_all(tmp_path)
    assert {p.name for p in made} == {n for names in DEFAULTS.values() for n in names.values()}
    for path in made:
        fresh, shipped = openpyxl.load_workbook(path), openpyxl.load_workbook(default_template_path(path.name))
        assert fresh.sheetnames == shipped.sheetnames, path.name
        for a, b in zip(fresh.worksheets, shipped.worksheets):
            cells = lambda ws: {(c.coordinate, c.value, c.number_format) for row in ws.iter_rows() for c in row}  # noqa: E731
            assert cells(a) == cells(b), (path.name, a.title)
            assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges))
            assert len(a._charts) == len(b._charts)


def default_template_path(name: str):
    return ROOT / "kpis" / "templates" / name


def test_statement_text_that_looks_like_a_formula_stays_text(tmp_path):
    import pandas as pd

    from kpis.calculators import commission_statements
    from kpis.config import parse_config
    from kpis.dataset import Dataset

    deals = pd.DataFrame({"deal_id": ["D1"], "account": ['=HYPERLINK("http://x","clic")'], "rep": ["Alice"],
                          "amount": [8000.0], "status": ["won"], "close_date": pd.to_datetime(["2026-10-05"]),
                          "deal_type": ["new"]})
    targets = pd.DataFrame({"rep": ["Alice"], "period": pd.to_datetime(["2026-10-01"]), "quota": [10000.0]})
    ds = Dataset.from_frames(deals=deals, targets=targets)
    cfg = parse_config("[plans.p]\nrates = [[0, 0.05]]\n")
    st = commission_statements(ds, PERIOD, cfg)
    ctx = build_statements_context(ds, st, PERIOD, cfg, generated_at=GENERATED)
    path = render_report(default_template("statements", "fr"), ctx, lang="fr").save(tmp_path / "st.xlsx")
    ws = openpyxl.load_workbook(path)["Alice"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYPER")]
    assert cells and all(c.data_type == "s" for c in cells)
