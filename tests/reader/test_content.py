"""Recognition by content: values that contradict a header's field veto it, values that fit break ties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.reader import read_workbook
from kpis.reader.content import REASONS, content_fit, profile
from kpis.schema import TABLES

from .helpers import write_xlsx

D = dt.date


def _codes(ds, code):
    return [(i.column, i.field) for i in ds.quality if i.code == code]


def test_a_yes_no_flag_is_no_account_and_a_unique_seller_no_rep(tmp_path):
    rows = [["Deal ID", "Seller", "Sales rep", "Company", "Stage", "Amount"]]
    rows += [[f"D{k}", f"seller-{k}", ["Ann", "Bob", "Cid"][k % 3], ["TRUE", "FALSE", None][k % 3], "Won", 100]
             for k in range(40)]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Deals": rows}))
    d = ds.tables["deals"]
    assert set(d["rep"]) == {"Ann", "Bob", "Cid"}  # "Sales rep", not the seller distinct on every row
    assert "account" not in d.columns
    assert ("Company", "account") in _codes(ds, "column_rejected_yes_no_flag")


def test_a_postal_code_is_no_deal_id_and_a_region_beats_country_and_city(tmp_path):
    rows = [["Code", "Country", "City", "Region", "Étape", "Montant"]]
    cities = ["Paris", "Lyon", "Lille", "Nantes", "Nice", "Brest", "Metz", "Caen"]
    rows += [[["75011", "69001", "59000"][k % 3], "France", cities[k % 8], ["Nord", "Sud"][k % 2], "Gagné", 10]
             for k in range(30)]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows}))
    d = ds.tables["deals"]
    assert "deal_id" not in d.columns
    assert ("Code", "deal_id") in _codes(ds, "column_rejected_postal_code")
    assert set(d["location"]) == {"Nord", "Sud"}


def test_words_of_no_deal_type_and_text_in_a_date_column_are_not_taken(tmp_path):
    rows = [["Nature de la vente", "Date", "Étape", "Montant", "Date de création"]]
    rows += [[["Furniture", "Office Supplies"][k % 2], ["bientôt", "plus tard"][k % 2], "Gagné", 10, D(2026, 10, 1)]
             for k in range(10)]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows}))
    d = ds.tables["deals"]
    assert "deal_type" not in d.columns and "close_date" not in d.columns
    assert ("Nature de la vente", "deal_type") in _codes(ds, "column_rejected_not_categories")
    assert ("Date", "close_date") in _codes(ds, "column_rejected_not_dates")


def test_an_exact_header_keeps_words_the_configuration_teaches(tmp_path):
    from kpis.config import parse_config

    rows = [["Date", "Commercial", "Type"]] + [[D(2026, 10, 1), "Ann", "Phoning"] for _ in range(5)]
    path = write_xlsx(tmp_path / "t.xlsx", {"Activités": rows})
    acts = read_workbook(path, parse_config('[activity_types]\ncall = ["Phoning"]\n')).tables["activities"]
    assert list(acts["type"]) == ["call"] * 5


def test_a_won_date_column_says_which_deals_were_won(tmp_path):
    rows = [["Deal ID", "Owner", "Won date", "Lost date"],
            ["1", "Ann", D(2026, 10, 1), None], ["2", "Ann", None, D(2026, 10, 2)], ["3", "Bob", None, None]]
    d = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Deals": rows})).tables["deals"]
    assert list(d["status"]) == ["won", "lost", "open"]
    assert list(d["close_date"].dt.day.fillna(0)) == [1, 2, 0]


_cells = st.one_of(st.none(), st.text(max_size=12), st.integers(-10**6, 10**6), st.floats(allow_nan=False, width=32),
                   st.booleans(), st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 1, 1)))


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(_cells, max_size=40), table=st.sampled_from(sorted(TABLES)), data=st.data())
def test_content_fit_always_answers_a_known_reason_or_none(cells, table, data):
    fld = data.draw(st.sampled_from(TABLES[table].field_names))
    adj, reason = content_fit(table, fld, TABLES[table].field(fld).kind, profile(cells))
    assert reason is None or reason in REASONS
    assert -1.0 <= adj <= 1.0
