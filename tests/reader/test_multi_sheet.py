"""One canonical table kept on several sheets ("Affaires 2025" / "Affaires 2026"): read from all,
concatenated in workbook order; ids copied from one sheet to the next kept once (the later sheet)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from kpis.cli import app
from kpis.config import ConfigError, parse_config
from kpis.reader import read_workbook

from .helpers import assert_table, frame, write_xlsx

D = dt.date
ts = __import__("pandas").Timestamp

H25 = ["N° affaire", "Client", "Commercial", "Montant HT (€)", "Étape", "Date de clôture", "Source"]
H26 = ["Commercial", "Date de clôture", "Étape", "N° affaire", "Montant HT (€)", "Client"]  # other order, no Source


def issues(ds, code):
    return [i for i in ds.quality if i.code == code]


@pytest.fixture
def two_years(tmp_path):
    return write_xlsx(tmp_path / "suivi.xlsx", {
        "Affaires 2025": [H25,
                          ["A1", "ACME", "Alice", 1000, "Gagné", D(2025, 3, 1), "Salon"],
                          ["A2", "Beta", "bruno", 2000, "Perdu", D(2025, 6, 1), "Web"]],
        "Affaires 2026": [H26,
                          ["Bruno", D(2026, 2, 1), "Gagné", "B1", 3000, "Gamma"],
                          ["Alice 60% / Bruno 40%", D(2026, 4, 1), "Perdu", "B2", 4000, "Delta"]],
    })


def test_two_sheets_read_as_one_table(two_years):
    ds = read_workbook(two_years)
    expected = frame("deals", deal_id=["A1", "A2", "B1", "B2"], account=["ACME", "Beta", "Gamma", "Delta"],
                     rep=["Alice", "Bruno", "Bruno", "Alice"], stage=["Gagné", "Perdu", "Gagné", "Perdu"],
                     amount=[1000.0, 2000.0, 3000.0, 4000.0],
                     close_date=[ts("2025-03-01"), ts("2025-06-01"), ts("2026-02-01"), ts("2026-04-01")],
                     source=["Salon", "Web", None, None], status=["won", "lost", "won", "lost"])
    assert_table(ds.tables["deals"], expected)
    assert ds.sources["deals"] == "'Affaires 2025'!A1:G3; 'Affaires 2026'!A1:F3"
    assert ds.sources["splits"] == ds.sources["deals"]
    appended = issues(ds, "sheet_appended")
    assert [(i.sheet, i.action, i.params["table"]) for i in appended] == [("Affaires 2026", "info", "deals")]
    assert "appended to Deals" in appended[0].reason("en") and "ajoutée à la table Affaires" in appended[0].reason("fr")
    assert not issues(ds, "duplicate_source")
    [found] = issues(ds, "table_found")
    assert found.params["rows"] == 4 and found.params["range"] == ds.sources["deals"]


def test_steps_after_concatenation_keep_each_rows_sheet(two_years):
    ds = read_workbook(two_years)
    # splits found in the second sheet, reported at its row and header
    assert ds.tables["splits"]["deal_id"].tolist() == ["B2", "B2"]
    [read] = issues(ds, "splits_read")
    assert (read.sheet, read.row, read.column) == ("Affaires 2026", 3, "Commercial")
    # "bruno" (2025) and "Bruno" (2026) are one person: the fold is reported where the spelling is
    [folded] = issues(ds, "name_folded")
    assert (folded.sheet, folded.row, folded.value) == ("Affaires 2025", 3, "bruno")


def test_same_id_in_two_sheets_keeps_the_later_sheet(tmp_path):
    path = write_xlsx(tmp_path / "suivi.xlsx", {
        "Affaires 2025": [H25,
                          ["A1", "ACME", "Alice", 1000, "Négociation", D(2025, 12, 1), "Salon"],
                          ["A2", "Beta", "Bruno", 2000, "Perdu", D(2025, 6, 1), "Web"]],
        "Affaires 2026": [H26,
                          ["Alice", D(2026, 2, 1), "Gagné", "A1", 1200, "ACME"],
                          ["Bruno", D(2026, 3, 1), "Gagné", "B1", 3000, "Gamma"]],
    })
    ds = read_workbook(path)
    deals = ds.tables["deals"]
    assert deals["deal_id"].tolist() == ["A2", "A1", "B1"]
    assert deals.set_index("deal_id").loc["A1", "amount"] == 1200.0  # the 2026 row
    [dup] = issues(ds, "duplicate_across_sheets")
    assert (dup.sheet, dup.row, dup.column, dup.value, dup.action) == ("Affaires 2025", 2, "N° affaire", "A1", "ignored")
    assert dup.severity == "warning" and dup.params["kept"] == "Affaires 2026"
    assert "Affaires 2026" in dup.reason("fr") and "kept" in dup.reason("en")
    assert not issues(ds, "duplicate_id")  # not reported twice


def test_duplicates_within_one_sheet_are_unchanged(tmp_path):
    rows = [["N° affaire", "Client", "Commercial", "Montant", "Étape"], ["A1", "X", "Alice", 1, "Gagné"],
            ["A1", "X", "Alice", 1, "Gagné"]]
    path = write_xlsx(tmp_path / "w.xlsx", {"Affaires 2025": rows, "Affaires 2026": [rows[0], ["B1", "Y", "Bob", 2, "Perdu"]]})
    ds = read_workbook(path)
    assert ds.tables["deals"]["deal_id"].tolist() == ["A1", "A1", "B1"]
    assert [i.sheet for i in issues(ds, "duplicate_id")] == ["Affaires 2025"]
    assert not issues(ds, "duplicate_across_sheets")


def test_weakly_matching_sheet_is_not_pulled_in(tmp_path):
    path = write_xlsx(tmp_path / "suivi.xlsx", {
        "Affaires": [H25, ["A1", "ACME", "Alice", 1000, "Gagné", D(2025, 3, 1), "Salon"]],
        "Top 5": [["Client", "Montant", "Étape"], ["ACME", 1000, "Gagné"]],
    })
    ds = read_workbook(path)
    assert ds.tables["deals"]["deal_id"].tolist() == ["A1"]
    assert ds.sources["deals"] == "Affaires!A1:G2"
    assert not issues(ds, "sheet_appended")
    assert [i.sheet for i in ds.quality if i.code in ("duplicate_source", "sheet_unused", "sheet_unused_near")] == ["Top 5"]


def test_other_layout_or_other_columns_not_pulled_in(tmp_path):
    # same name stem, but shares too few fields with the first sheet
    path = write_xlsx(tmp_path / "suivi.xlsx", {
        "Affaires 2025": [H25 + ["Date de création", "Probabilité"], ["A1", "ACME", "Alice", 1000, "Gagné", D(2025, 3, 1),
                                                                   "Salon", D(2025, 1, 1), 0.5]],
        "Affaires 2026": [["Étape", "Montant", "Commentaire"], ["Gagné", 5, "x"]],
    })
    ds = read_workbook(path)
    assert ds.tables["deals"]["deal_id"].tolist() == ["A1"]
    assert not issues(ds, "sheet_appended")


def test_mapping_sheets_pins_several_sheets(tmp_path):
    # names and columns too different to be joined on their own: the configuration says they are one table
    path = write_xlsx(tmp_path / "suivi.xlsx", {
        "Ancien": [["Réf", "Commercial", "Montant", "Étape", "Date de création"], ["A1", "Alice", 1, "Gagné", D(2025, 1, 1)]],
        "Nouveau": [["Réf", "Commercial", "Montant", "Étape", "Source"], ["B1", "Bob", 2, "Perdu", "Web"]],
    })
    auto = read_workbook(path)
    assert len(auto.tables["deals"]) == 1 and len(issues(auto, "duplicate_source")) == 1
    ds = read_workbook(path, parse_config('[mapping.deals]\nsheets = ["Ancien", "nouveau"]\n'))
    assert ds.tables["deals"]["deal_id"].tolist() == ["A1", "B1"]
    assert ds.tables["deals"]["source"].isna().tolist() == [True, False]
    assert ds.sources["deals"] == "Ancien!A1:E2; Nouveau!A1:E2"
    assert [i.sheet for i in issues(ds, "sheet_appended")] == ["Nouveau"]
    # `sheet` still pins exactly one sheet
    one = read_workbook(path, parse_config('[mapping.deals]\nsheet = "Nouveau"\n'))
    assert one.tables["deals"]["deal_id"].tolist() == ["B1"]
    assert [i.sheet for i in issues(one, "duplicate_source")] == ["Ancien"]


def test_pinned_sheet_is_not_extended(two_years):
    ds = read_workbook(two_years, parse_config('[mapping.deals]\nsheet = "Affaires 2026"\n'))
    assert ds.tables["deals"]["deal_id"].tolist() == ["B1", "B2"]
    assert [i.sheet for i in issues(ds, "duplicate_source")] == ["Affaires 2025"]


@pytest.mark.parametrize("text, key, words", [
    ('[mapping.deals]\nsheets = "Ancien"\n', "mapping.deals.sheets", "list of sheet names"),
    ('[mapping.deals]\nsheets = []\n', "mapping.deals.sheets", "list of sheet names"),
    ('[mapping.deals]\nsheet = "A"\nsheets = ["B"]\n', "mapping.deals.sheets", "either sheet or sheets"),
])
def test_mapping_sheets_errors(text, key, words):
    with pytest.raises(ConfigError) as e:
        parse_config(text)
    assert key in str(e.value) and words in str(e.value)


def test_mapping_sheets_unknown_sheet_names_the_key(two_years):
    with pytest.raises(ConfigError) as e:
        read_workbook(two_years, parse_config('[mapping.deals]\nsheets = ["Affaires 2025", "Affaires 2027"]\n'))
    assert "mapping.deals.sheets" in str(e.value) and "Affaires 2027" in str(e.value)


def test_validate_lists_both_ranges(two_years):
    r = CliRunner().invoke(app, ["validate", str(two_years), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "'Affaires 2025'!A1:G3; 'Affaires 2026'!A1:F3" in r.output
    assert "appended to Deals" in r.output  # the table by its label
    r = CliRunner().invoke(app, ["validate", str(two_years), "--format", "json"])
    data = json.loads(r.output)
    [deals] = [t for t in data["tables"] if t["table"] == "deals"]
    assert deals["range"] == "'Affaires 2025'!A1:G3; 'Affaires 2026'!A1:F3" and deals["rows"] == 4


def test_sheets_per_team_and_wide_targets_per_year(tmp_path):
    path = write_xlsx(tmp_path / "suivi.xlsx", {
        # each has an optional column the other lacks: joined because the name names the table
        "Ventes Nord": [["N° affaire", "Client", "Commercial", "Montant", "Étape", "Source"], ["A1", "X", "Alice", 1, "Gagné", "Web"]],
        "Ventes Sud": [["N° affaire", "Client", "Commercial", "Montant", "Étape", "Date de création"],
                       ["B1", "Z", "Bob", 3, "Perdu", D(2026, 1, 1)]],
        # one column per month, not the same months: turned into rows, then put together
        "Objectifs 2025": [["Commercial", "janv. 2025", "févr. 2025"], ["Alice", 10, 20]],
        "Objectifs 2026": [["Commercial", "janv. 2026", "févr. 2026", "mars 2026"], ["alice", 30, 40, 50]],
    })
    ds = read_workbook(path)
    expected = frame("deals", deal_id=["A1", "B1"], account=["X", "Z"], rep=["Alice", "Bob"], stage=["Gagné", "Perdu"],
                     amount=[1.0, 3.0], created_date=[None, ts("2026-01-01")], source=["Web", None],
                     status=["won", "lost"])
    assert_table(ds.tables["deals"], expected)
    expected = frame("targets", rep=["Alice"] * 5, period=[ts(m) for m in ("2025-01-01", "2025-02-01", "2026-01-01",
                     "2026-02-01", "2026-03-01")], quota=[10.0, 20.0, 30.0, 40.0, 50.0])
    assert_table(ds.tables["targets"], expected)
    assert ds.sources["targets"] == "'Objectifs 2025'!A1:C2; 'Objectifs 2026'!A1:D2"
    assert sorted(i.sheet for i in issues(ds, "sheet_appended")) == ["Objectifs 2026", "Ventes Sud"]
    [folded] = issues(ds, "name_folded")
    assert (folded.sheet, folded.row, folded.table) == ("Objectifs 2026", 2, "targets")
