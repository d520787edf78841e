"""The configuration's say over the reader: [mapping] overrides detection, word lists extend vocabularies."""

from __future__ import annotations

import datetime as dt

import pytest

from kpis.config import ConfigError, parse_config
from kpis.reader import read_workbook

from .helpers import assert_table, frame, issues, ts, write_xlsx

D = dt.date


@pytest.fixture
def odd_workbook(tmp_path):
    """Headers nobody could guess, two candidate deal sheets, a sheet that looks like activities."""
    return write_xlsx(tmp_path / "odd.xlsx", {
        "Suivi": [["Extraction du 15/10"], ["Réf", "Qui", "Combien", "Où en est-on", "Quand"],
                  ["A1", "Alice", 100, "Bon de commande reçu", D(2026, 10, 1)],
                  ["A2", "Bob", 200, "Sans nouvelles", D(2026, 10, 2)],
                  ["A3", "Bob", 300, "Pas retenu", D(2026, 10, 3)]],
        "Affaires": [["Client", "Commercial", "Montant", "Étape"], ["X", "Zoé", 1, "Gagné"]],
        "Journal": [["Date", "Commercial", "Type"], [D(2026, 10, 1), "Alice", "Phoning"]],
    })


MAPPING = """
[mapping.deals]
sheet = "Suivi"
header_row = 2
columns = { deal_id = "Réf", rep = "qui", amount = "C", stage = "Où en est-on", close_date = "Quand" }

[stages]
won = ["Bon de commande reçu"]
lost = ["Pas retenu"]
open = ["Sans nouvelles"]

[activity_types]
call = ["Phoning"]
"""


def test_mapping_overrides_detection(odd_workbook):
    ds = read_workbook(odd_workbook, parse_config(MAPPING))
    expected = frame("deals", deal_id=["A1", "A2", "A3"], rep=["Alice", "Bob", "Bob"], stage=["Bon de commande reçu",
                     "Sans nouvelles", "Pas retenu"], amount=[100.0, 200.0, 300.0],
                     close_date=[ts("2026-10-01"), ts("2026-10-02"), ts("2026-10-03")], status=["won", "open", "lost"])
    assert_table(ds.tables["deals"], expected)
    assert ds.sources["deals"] == "Suivi!A2:E5"
    assert not issues(ds, "unknown_stage")
    assert ds.tables["activities"]["type"].tolist() == ["call"]
    # the other deals-like sheet is reported, not silently dropped
    assert [i.sheet for i in issues(ds, "duplicate_source")] == ["Affaires"]


def test_mapping_without_header_row_or_columns_finds_the_rest(odd_workbook):
    cfg = parse_config('[mapping.deals]\nsheet = "affaires"\n')  # case and accents do not matter
    ds = read_workbook(odd_workbook, cfg)
    assert ds.sources["deals"] == "Affaires!A1:D2"


def test_ignored_table(odd_workbook):
    ds = read_workbook(odd_workbook, parse_config("[mapping.activities]\nignore = true\n"))
    assert "activities" not in ds.tables


def test_mapping_errors_name_the_key_and_line(odd_workbook):
    with pytest.raises(ConfigError) as e:
        read_workbook(odd_workbook, parse_config('[mapping.deals]\nsheet = "Nulle part"\n'))
    assert "config:2" in str(e.value) and "mapping.deals.sheet" in str(e.value) and "Suivi" in str(e.value)
    with pytest.raises(ConfigError) as e:
        read_workbook(odd_workbook, parse_config('[mapping.deals]\nsheet = "Suivi"\nheader_row = 2\n'
                                                 'columns = { amount = "Montant TTC" }\n'))
    assert "mapping.deals.columns.amount" in str(e.value) and "Combien" in str(e.value)


def test_date_order_mdy(tmp_path):
    path = write_xlsx(tmp_path / "us.xlsx", {"Deals": [["Stage", "Close date"], ["Won", "03/04/2026"], ["Won", "13/04/2026"]]})
    us = read_workbook(path, parse_config('date_order = "mdy"\n'))
    assert us.tables["deals"]["close_date"].tolist() == [ts("2026-03-04"), ts("2026-04-13")]
    (swapped,) = issues(us, "date_order_swapped")
    assert swapped.params == {"count": 1, "order": "dmy"} and swapped.value == "13/04/2026" and swapped.row == 3
    ds = read_workbook(path)
    assert ds.tables["deals"]["close_date"].tolist() == [ts("2026-04-03"), ts("2026-04-13")]
    assert not issues(ds, "date_order_swapped")


def test_config_lang_sets_the_language_of_errors(tmp_path):
    from kpis.reader import ReadError

    with pytest.raises(ReadError) as e:
        read_workbook(tmp_path / "nope.xlsx", parse_config('lang = "en"\n'))
    assert str(e.value).startswith("file not found")


def test_mapping_by_excel_table_name(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"Feuil1": [["x", "y"], [1, 2], [], ["Qui", "Statut", "Valeur"], ["Alice", "Won", 5]]},
                      tables={"Feuil1": ("TabVentes", "A4:C5", False)})
    cfg = parse_config('[mapping.deals]\nsheet = "tabventes"\ncolumns = { rep = "Qui", stage = "Statut", amount = "Valeur" }\n')
    ds = read_workbook(path, cfg)
    assert ds.sources["deals"] == "Feuil1!A4:C5"
    assert ds.tables["deals"]["amount"].tolist() == [5.0]
