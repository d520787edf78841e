"""Hand-made messy workbooks, read back cell by cell, with the report they must produce."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpis.config import parse_config
from kpis.reader import read_workbook

from .helpers import assert_table, frame, issues, ts, write_xlsx

D = dt.date


@pytest.fixture
def messy_deals(tmp_path):
    """Title rows, a merged title, header in row 4 from column B, text amounts and dates, name noise,
    a blank row, a split deal, a totals row, an unknown stage, a row without stage, a "k€" amount."""
    rows = [
        [None, "Suivi des affaires — équipe Nord"],
        [None, "Mis à jour le 15/10/2026"],
        [],
        [None, "N° affaire", "Client", "Commercial", "Montant HT (€)", "Date de signature", "Étape", "Commentaire"],
        [None, 1001, "ACME", "Alice Martin", 12500, D(2026, 10, 1), "Gagné", "ok"],
        [None, 1002.0, "Beta SA", "alice martin ", "12 500,00 €", "15/10/2026", "Perdu", None],
        [None, "1003", "Gamma", "ALICE  MARTIN", "3 400,50", "2026-10-20", "Signé", None],
        [None, None, None, None, None, None, None, None],
        [None, 1004, "Delta", "Bruno Lefèvre 60% / Alice Martin 40%", 8000, "20 oct. 2026", "Négociation", None],
        [None, 1005, "Epsilon", "Bruno Lefevre", "1 200 k€", None, "En attente client", None],
        [None, 1006, "Zeta", "Bruno Lefèvre", 500, None, None, "pas d'étape"],
        [None, 1007, "Eta", "bruno lefèvre", "(1 000)", "Oct 21, 2026", "Closed Won", None],
        [None, "Total", None, None, 24400.5, None, None, None],
    ]
    return write_xlsx(tmp_path / "suivi.xlsx", {"Affaires": rows}, merged={"Affaires": ["B1:H1"]})


def test_messy_deals_read_cell_by_cell(messy_deals):
    ds = read_workbook(messy_deals)
    expected = frame(
        "deals",
        deal_id=["1001", "1002", "1003", "1004", "1005", "1007"],
        account=["ACME", "Beta SA", "Gamma", "Delta", "Epsilon", "Eta"],
        rep=["Alice Martin", "Alice Martin", "Alice Martin", "Bruno Lefèvre", "Bruno Lefèvre", "Bruno Lefèvre"],
        stage=["Gagné", "Perdu", "Signé", "Négociation", "En attente client", "Closed Won"],
        amount=[12500.0, 12500.0, 3400.5, 8000.0, None, -1000.0],
        close_date=[ts("2026-10-01"), ts("2026-10-15"), ts("2026-10-20"), ts("2026-10-20"), None, ts("2026-10-21")],
        status=["won", "lost", "won", "open", "open", "won"],
    )
    assert_table(ds.tables["deals"], expected)
    assert_table(ds.tables["splits"], frame("splits", deal_id=["1004", "1004"], rep=["Bruno Lefèvre", "Alice Martin"],
                                            share=[0.6, 0.4]))
    assert ds.sources["deals"] == "Affaires!B4:H13"


def test_messy_deals_report(messy_deals):
    ds = read_workbook(messy_deals)
    q = ds.quality
    by_code = {}
    for i in q:
        by_code.setdefault(i.code, []).append(i)
    (skip,) = by_code["missing_required"]
    assert (skip.sheet, skip.row, skip.column, skip.action) == ("Affaires", 11, "Étape", "skipped")
    (total,) = by_code["totals_row"]
    assert (total.row, total.column, total.value, total.action) == (13, "N° affaire", "Total", "ignored")
    (blank,) = by_code["blank_rows"]
    assert blank.row == 8 and blank.params["count"] == 1
    (mult,) = by_code["amount_multiplier"]
    assert (mult.row, mult.column, mult.value, mult.action) == (10, "Montant HT (€)", "1 200 k€", "left_empty")
    (unknown,) = by_code["unknown_stage"]
    assert (unknown.row, unknown.value, unknown.action, unknown.params["count"]) == (10, "En attente client", "info", 1)
    conv = {i.code: i for i in by_code["text_converted_money"] + by_code["text_converted_date"]}
    assert conv["text_converted_money"].params["count"] == 3 and conv["text_converted_money"].row == 6
    assert conv["text_converted_date"].params["count"] == 4
    folded = {(i.value, i.params["name"]) for i in by_code["name_folded"]}
    assert ("alice martin", "Alice Martin") in folded and ("Bruno Lefevre", "Bruno Lefèvre") in folded
    assert by_code["column_unmapped"][0].column == "Commentaire"
    assert q.rows_skipped == 1 and q.has_errors
    assert_renders(ds)


def test_excel_table_with_totals_row_and_english_headers(tmp_path):
    rows = [
        ["Deal tracker"], [],
        ["Deal ID", "Account", "Owner", "Stage", "Amount", "Close date", "Probability"],
        [1, "ACME", "Alice", "Closed Won", 100, D(2026, 1, 5), 1],
        [2, "Beta", "Bob", "Proposal", "$1,250.00", None, "60%"],
        [3, "Gamma", "bob ", "Lost", 50.5, "Jan 7, 2026", 0],
        ["Total", None, None, None, 1400.5, None, None],
    ]
    path = write_xlsx(tmp_path / "t.xlsx", {"Pipeline": rows}, tables={"Pipeline": ("Deals2026", "A3:G7", True)})
    ds = read_workbook(path)
    expected = frame("deals", deal_id=["1", "2", "3"], account=["ACME", "Beta", "Gamma"], rep=["Alice", "Bob", "Bob"],
                     stage=["Closed Won", "Proposal", "Lost"], amount=[100.0, 1250.0, 50.5],
                     close_date=[ts("2026-01-05"), None, ts("2026-01-07")], probability=[1.0, 0.6, 0.0],
                     status=["won", "open", "lost"])
    assert_table(ds.tables["deals"], expected)
    assert ds.sources["deals"] == "Pipeline!A3:G6"
    (total,) = issues(ds, "totals_row")
    assert total.row == 7 and total.value == "Total"


def test_wide_targets_with_mixed_month_headers_and_a_total(tmp_path):
    rows = [
        ["Objectifs commerciaux 2026"], [],
        ["Commercial", "janv. 2026", "2026-02", dt.datetime(2026, 3, 1), "Apr 2026", "05/2026", "Total"],
        ["Alice Martin", 10000, "11 000 €", 12000, None, 9000, 42000],
        ["Bruno Lefèvre", 8000, 8000, "huit mille", 8500, 8500, 41000],
        ["Total", 18000, 19000, 12000, 8500, 17500, 83000],
    ]
    path = write_xlsx(tmp_path / "obj.xlsx", {"Objectifs": rows})
    ds = read_workbook(path)
    m = [ts(f"2026-0{i}-01") for i in range(1, 6)]
    expected = frame("targets", rep=["Alice Martin"] * 4 + ["Bruno Lefèvre"] * 4,
                     period=[m[0], m[1], m[2], m[4], m[0], m[1], m[3], m[4]],
                     quota=[10000.0, 11000.0, 12000.0, 9000.0, 8000.0, 8000.0, 8500.0, 8500.0])
    assert_table(ds.tables["targets"], expected, sort_by=["rep", "period"])
    bad = issues(ds, "bad_amount")
    assert [(i.row, i.column, i.value, i.action) for i in bad] == [(5, "2026-03", "huit mille", "left_empty")]
    assert [i.row for i in issues(ds, "totals_row")] == [6]
    assert [i.column for i in issues(ds, "column_unmapped")] == ["Total"]


def test_long_targets_and_months_as_text(tmp_path):
    rows = [["Commercial", "Mois", "Objectif"], ["Alice", "janv. 2026", 1000], ["Alice", "2026-02", "1 100"],
            ["Bob", D(2026, 1, 15), 900], ["Bob", "février", 950]]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Quotas": rows}))
    expected = frame("targets", rep=["Alice", "Alice", "Bob"], period=[ts("2026-01-01"), ts("2026-02-01"), ts("2026-01-01")],
                     quota=[1000.0, 1100.0, 900.0])
    assert_table(ds.tables["targets"], expected)
    (skip,) = issues(ds, "bad_month")
    assert (skip.row, skip.value, skip.action) == (5, "février", "skipped")


def test_activities_categories_and_unknown_words_once_per_word(tmp_path):
    rows = [["Date", "Commercial", "Type", "Résultat", "N° affaire"]]
    words = [("Appel", "Fait"), ("RDV", "Annulé"), ("LinkedIn", "Fait"), ("E-mail", "Sans réponse"), ("LinkedIn", "Reporté"),
             ("Démo", "Planifié"), ("Visite client", "ok"), ("linkedin", "bof")]
    for k, (t, o) in enumerate(words):
        rows.append([D(2026, 10, 1 + k), "Alice", t, o, 1000 + k])
    cfg = parse_config('[outcomes]\ndone = ["bof"]\n')
    ds = read_workbook(write_xlsx(tmp_path / "a.xlsx", {"Journal": rows}), cfg)
    a = ds.tables["activities"]
    assert a["type"].tolist()[:2] == ["call", "meeting"] and pd.isna(a["type"][2]) and pd.isna(a["type"][7])
    assert a["type"].tolist()[5:7] == ["demo", "visit"]
    assert a["outcome"].tolist() == ["done", "canceled", "done", "no_answer", "postponed", "scheduled", "done", "done"]
    assert a["deal_id"].tolist() == [str(1000 + k) for k in range(8)]
    unknown = issues(ds, "unknown_category")
    assert [(i.value, i.params["count"], i.row) for i in unknown] == [("LinkedIn", 2, 4), ("linkedin", 1, 9)]
    assert all(i.action == "left_empty" and i.column == "Type" for i in unknown)
    assert_renders(ds)


def assert_renders(ds):
    """Every issue renders in both languages without a missing parameter."""
    for i in ds.quality:
        for lang in ("fr", "en"):
            text = i.reason(lang)
            assert "{" not in text and not text.startswith(i.code + "("), (i.code, text)


def test_merged_cells_are_copied_down(tmp_path):
    rows = [["Commercial", "Date", "Type"], ["Alice", D(2026, 1, 1), "Appel"], [None, D(2026, 1, 2), "Appel"],
            [None, D(2026, 1, 3), "Visite"], ["Bob", D(2026, 1, 4), "Appel"]]
    ds = read_workbook(write_xlsx(tmp_path / "m.xlsx", {"Activités": rows}, merged={"Activités": ["A2:A4"]}))
    assert ds.tables["activities"]["rep"].tolist() == ["Alice", "Alice", "Alice", "Bob"]
    assert issues(ds, "merged_filled")[0].params["count"] == 2


def test_names_fold_across_tables_to_the_most_frequent_spelling(tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", {
        "Affaires": [["Commercial", "Étape", "Montant"], ["chloe dubois", "Gagné", 1], ["Chloé Dubois", "Perdu", 2]],
        "Activités": [["Date", "Commercial", "Type"], [D(2026, 1, 1), "Chloé Dubois", "Appel"],
                      [D(2026, 1, 2), "CHLOÉ  DUBOIS ", "Appel"], [D(2026, 1, 3), "Chloé Dubois", "Appel"]],
        "Équipe": [["Commercial", "Poste", "Manager"], ["Chloe Dubois", "Commercial", "chloé dubois"]],
    })
    ds = read_workbook(path)
    for table, field in (("deals", "rep"), ("activities", "rep"), ("team", "rep"), ("team", "manager")):
        assert set(ds.tables[table][field]) == {"Chloé Dubois"}, (table, field)
    assert ds.tables["team"]["role"].tolist() == ["AE"]


def test_formulas_are_read_by_their_cached_values(tmp_path):
    import xlsxwriter

    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Affaires")
    for j, h in enumerate(["Client", "Étape", "Prix", "Quantité", "Montant"]):
        ws.write(0, j, h)
    ws.write_row(1, 0, ["ACME", "Gagné", 100, 3])
    ws.write_formula(1, 4, "=C2*D2", None, 300)
    ws.write_row(2, 0, ["Beta", "Perdu", 50, 2])
    ws.write_formula(2, 4, "=C3*D3", None, 100)
    wb.close()
    ds = read_workbook(path)
    assert ds.tables["deals"]["amount"].tolist() == [300.0, 100.0]


def test_surveys_scores_out_of_range_are_left_empty(tmp_path):
    rows = [["Date", "N° client", "Note NPS", "Satisfaction"], [D(2026, 1, 1), "C1", 9, 4], [D(2026, 1, 2), "C2", 11, 5],
            [D(2026, 1, 3), "C3", "7/10", 0]]
    ds = read_workbook(write_xlsx(tmp_path / "s.xlsx", {"NPS": rows}))
    s = ds.tables["surveys"]
    assert s["score"].tolist()[0] == 9.0 and np.isnan(s["score"][1])
    assert s["csat"].tolist()[:2] == [4.0, 5.0] and np.isnan(s["csat"][2])
    out = issues(ds, "out_of_range")
    assert {(i.row, i.column) for i in out} == {(3, "Note NPS"), (4, "Satisfaction")}
    assert {(i.row, i.code) for i in issues(ds, "bad_number")} == {(4, "bad_number")}


def test_an_empty_or_unrelated_workbook_gives_an_empty_dataset_and_says_so(tmp_path):
    ds = read_workbook(write_xlsx(tmp_path / "e.xlsx", {"Notes": [["Bonjour"]], "Vide": []}))
    assert ds.tables == {}
    assert {i.code for i in ds.quality} >= {"sheet_unused", "no_tables"}
    assert not ds.quality.has_errors


def test_wide_spend_by_channel(tmp_path):
    rows = [["Budget marketing 2026"], ["Canal", "Catégorie", "janv. 2026", "févr. 2026"],
            ["Salon", "Marketing", 1000, None], ["LinkedIn", "Publicité", "250,50 €", 300], ["Total", None, 1250.5, 300]]
    ds = read_workbook(write_xlsx(tmp_path / "s.xlsx", {"Dépenses": rows}))
    expected = frame("spend", period=[ts("2026-01-01"), ts("2026-01-01"), ts("2026-02-01")],
                     channel=["Salon", "LinkedIn", "LinkedIn"], category=["marketing", "marketing", "marketing"],
                     amount=[1000.0, 250.5, 300.0])
    assert_table(ds.tables["spend"], expected)
    assert [i.row for i in issues(ds, "totals_row")] == [5]


@pytest.mark.parametrize("sheets", [
    {"Affaires": [["Client", "Commercial", "Montant", "Étape"]]},  # header only
    {"Affaires": [["Client", "Commercial", "Montant", "Étape"], [], [], []]},  # blank rows only
    {"Objectifs": [["Commercial", "janv. 2026", "févr. 2026"]]},  # wide, no rows
    {"Objectifs": [["Commercial", "janv. 2026", "févr. 2026"], ["Alice", None, None]]},  # wide, no values
    {"Affaires": [["Étape"], ["Gagné"], [None], ["Total"]]},  # one column
    {"Affaires": [["Client", "Étape", "Montant"], [dt.time(10, 30), dt.timedelta(days=1), True]]},  # odd cell types
    {"Activités": [["Date", "Commercial"], [D(1899, 12, 31), "A"], [D(9999, 12, 31), "B"], [-1, "C"], [3e9, "D"]]},
])
def test_edge_cases_never_raise(tmp_path, sheets):
    ds = read_workbook(write_xlsx(tmp_path / "edge.xlsx", sheets))
    for df in ds.tables.values():
        assert df.index.is_unique
    assert_renders(ds)


def test_far_right_formatting_does_not_widen_the_table(tmp_path):
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Affaires"
    ws.append(["Client", "Étape", "Montant"])
    ws.append(["A", "Gagné", 10])
    ws.cell(1, 200).fill = PatternFill("solid", fgColor="FFFF00")  # a styled empty cell far right
    wb.save(tmp_path / "w.xlsx")
    ds = read_workbook(tmp_path / "w.xlsx")
    assert ds.sources["deals"] == "Affaires!A1:C2"


def test_many_bad_cells_in_a_column_are_capped(tmp_path):
    from kpis.reader.build import MAX_CELL_ISSUES

    rows = [["Date", "Commercial", "Type"]] + [[D(2026, 1, 1), "A", f"canal {k}"] for k in range(3)]
    rows += [[D(2026, 1, 2), "A", "Appel"]]
    rows2 = [["Client", "Étape", "Montant"]] + [["A", "Gagné", f"{k}k"] for k in range(MAX_CELL_ISSUES + 30)]
    ds = read_workbook(write_xlsx(tmp_path / "c.xlsx", {"Activités": rows, "Affaires": rows2}))
    bad = issues(ds, "amount_multiplier")
    more = issues(ds, "more_issues")
    assert len(bad) == MAX_CELL_ISSUES and len(more) == 1 and more[0].params["count"] == 30
    assert len(ds.tables["deals"]) == MAX_CELL_ISSUES + 30  # rows kept, amounts left empty
    assert_renders(ds)


def test_an_amount_far_beyond_its_column_is_kept_and_said(tmp_path):
    """A deal typed in cents (or with zeros too many) among ordinary ones: 1,000 times the column's
    median or more is kept as it is and named in the quality report, row and column, FR and EN."""
    # amounts 5,000..5,039; row 11 (deal 9, 5,009) typed in cents: 501,200,000; row 21 (deal 19,
    # 5,019) a refund of 2 billion. The 40 sizes sorted: 5,000..5,008, 5,010..5,018, 5,020..5,039,
    # 501,200,000, 2,000,000,000 -> median (5,021 + 5,022) / 2 = 5,021.5 (shown "5 022": half away
    # from zero); 501,200,000 / 5,021.5 = 99,810.8 -> "99 811" times
    rows = [["N° affaire", "Client", "Étape", "Montant HT"]]
    rows += [[k, f"Client {k}", "Gagné", 5000 + k] for k in range(40)]
    rows[10][3] = 501_200_000
    rows[20][3] = "-2 000 000 000,00 €"  # a refund of two billion, typed as text: as doubtful
    ds = read_workbook(write_xlsx(tmp_path / "d.xlsx", {"Affaires": rows}))
    assert ds.tables["deals"]["amount"].iloc[9] == 501_200_000.0  # kept: a warning, not a refusal
    assert ds.tables["deals"]["amount"].iloc[19] == -2e9
    first, refund = issues(ds, "amount_outlier")
    assert (first.row, first.column, first.value, first.field) == (11, "Montant HT", 501_200_000, "amount")
    assert first.severity == "warning"
    assert first.params["times"] == pytest.approx(501_200_000 / 5021.5) and first.params["median"] == 5021.5
    nbsp = "\u202f"
    assert f"99{nbsp}811 fois la médiane de la colonne (5{nbsp}022)" in first.reason("fr")
    assert "99,811 times the column's median (5,022)" in first.reason("en")
    assert (refund.row, refund.value) == (21, "-2 000 000 000,00 €")  # the cell as found
    assert_renders(ds)


def test_amount_outliers_need_a_column_to_compare_with_and_are_capped(tmp_path):
    from kpis.reader.build import MAX_OUTLIER_ISSUES, OUTLIER_MIN_VALUES

    few = [["N° affaire", "Étape", "Montant"]] + [[k, "Gagné", 10 if k else 1e9] for k in range(OUTLIER_MIN_VALUES - 1)]
    ds = read_workbook(write_xlsx(tmp_path / "few.xlsx", {"Affaires": few}))
    assert not issues(ds, "amount_outlier")  # 19 amounts: no median worth comparing with
    many = [["N° affaire", "Étape", "Montant"]] + [[k, "Gagné", 0.05] for k in range(200)]
    for k in range(MAX_OUTLIER_ISSUES + 5):
        many[1 + 5 * k][2] = 50.0  # exactly 1,000x: said
    many[2][2] = 49.99  # just below: not said
    many[3][2] = 0.0  # zeros are not amounts to compare with, nor outliers
    ds = read_workbook(write_xlsx(tmp_path / "many.xlsx", {"Affaires": many}))
    said = issues(ds, "amount_outlier")
    assert len(said) == MAX_OUTLIER_ISSUES and [i.row for i in said] == [2 + 5 * k for k in range(MAX_OUTLIER_ISSUES)]
    [more] = issues(ds, "amount_outliers_more")
    assert more.params["count"] == 5 and more.params["limit"] == 1000 and more.params["median"] == 0.05
    assert "5 autre(s) montant(s)" in more.reason("fr") and "1\u202f000 fois sa médiane (0,05)" in more.reason("fr")
    assert "5 more amount(s)" in more.reason("en") and "1,000 times its median (0.05)" in more.reason("en")


def test_wide_targets_are_checked_as_one_column(tmp_path):
    """Quotas one column per month: one median for all of them (30 reps x 3 months of 10,000, one
    cell typed as 10,000,000,000)."""
    rows = [["Commercial", "janv. 2026", "févr. 2026", "mars 2026"]]
    rows += [[f"Rep {k}", 10_000, 10_000, 10_000] for k in range(30)]
    rows[7][2] = 10_000_000_000
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Objectifs": rows}))
    [out] = issues(ds, "amount_outlier")
    assert (out.row, out.column, out.value, out.params["median"]) == (8, "févr. 2026", 10_000_000_000, 10_000.0)
