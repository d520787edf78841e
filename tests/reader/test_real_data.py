"""The three real public datasets of ``../shared/data/real`` read with NO configuration, compared
with the truth computed independently with pandas from the raw files."""

from __future__ import annotations

import pandas as pd
import pytest

from kpis.reader import read_workbook
from kpis.reader.text import name_key

from .real_data import maven_workbook, olist_workbook, superstore_csv, superstore_rows, superstore_workbook
from tests.helpers.shared import shared_path

pytestmark = pytest.mark.shared


def _raw(*parts: str) -> pd.DataFrame:
    return pd.read_csv(shared_path("data", "real", *parts), dtype=str, keep_default_na=False)


def _codes(ds) -> set[str]:
    return {i.code for i in ds.quality}


# -- Maven: a B2B pipeline and its team sheet ---------------------------------------------------

@pytest.fixture(scope="module")
def maven(tmp_path_factory):
    return read_workbook(maven_workbook(tmp_path_factory.mktemp("maven")))


def test_maven_deals_match_the_csv(maven):
    raw = _raw("maven", "sales_pipeline.csv")
    d = maven.tables["deals"]
    assert len(d) == len(raw) == 8800
    assert list(d["deal_id"]) == list(raw["opportunity_id"])
    assert list(d["rep"]) == list(raw["sales_agent"])  # sales_agent is the rep
    assert list(d["stage"]) == list(raw["deal_stage"])
    status = raw["deal_stage"].map({"Won": "won", "Lost": "lost", "Engaging": "open", "Prospecting": "open"})
    assert list(d["status"]) == list(status)  # Engaging is a known open stage
    engage = pd.to_datetime(raw["engage_date"].replace("", None)).astype("datetime64[ns]")
    close = pd.to_datetime(raw["close_date"].replace("", None)).astype("datetime64[ns]")
    pd.testing.assert_series_equal(d["created_date"], engage.rename("created_date"), check_dtype=False)
    pd.testing.assert_series_equal(d["close_date"], close.rename("close_date"), check_dtype=False)
    amount = pd.to_numeric(raw["close_value"].replace("", None))
    pd.testing.assert_series_equal(d["amount"], amount.astype("float64").rename("amount"))
    assert [a if isinstance(a, str) else "" for a in d["account"]] == list(raw["account"])
    # product spellings ("GTXPro" / "GTX Pro") are folded to one: same product by its key
    assert [name_key(p) for p in d["product"]] == [name_key(p) for p in raw["product"]]
    assert "unknown_stage" not in _codes(maven)


def test_maven_team_sheet(maven):
    raw = _raw("maven", "sales_teams.csv")
    t = maven.tables["team"]
    assert list(t["rep"]) == list(raw["sales_agent"])
    assert list(t["manager"]) == list(raw["manager"])
    assert list(t["location"]) == list(raw["regional_office"])


def test_maven_revenue_by_team_and_location_through_the_rep(maven):
    from kpis.engine.compute import compute
    from kpis.periods import parse_period

    raw = _raw("maven", "sales_pipeline.csv").merge(_raw("maven", "sales_teams.csv"), on="sales_agent")
    raw["close"] = pd.to_datetime(raw["close_date"].replace("", None))
    raw["value"] = pd.to_numeric(raw["close_value"].replace("", None))
    won = raw[(raw["deal_stage"] == "Won") & (raw["close"].dt.to_period("M") == "2017-06")]
    res = compute(maven, parse_period("2017-06"), kpis=["revenue"], by=["team", "location"])
    for dim, col in (("team", "manager"), ("location", "regional_office")):
        truth = won.groupby(col)["value"].sum()
        got = res["revenue"].by[dim]
        assert {k: round(v, 2) for k, v in got.items() if v} == {k: round(float(v), 2) for k, v in truth.items()}


# -- Superstore: an order ledger ------------------------------------------------------------------

def _superstore_truth() -> pd.DataFrame:
    rows = superstore_rows()["Orders"]
    df = pd.DataFrame(rows[1:], columns=rows[0])
    g = df.groupby("Order ID", sort=False)
    truth = pd.DataFrame({
        "deal_id": list(g.groups),
        "amount": g["Sales"].sum().to_numpy(dtype=float),
        "cost": (g["Sales"].sum() - g["Profit"].sum()).to_numpy(dtype=float),
        "close_date": pd.to_datetime(g["Order Date"].first().to_numpy()),
        "account": g["Customer Name"].first().to_numpy(),
        "customer_id": g["Customer ID"].first().to_numpy(),
        "location": g["Region"].first().to_numpy(),
    })
    return truth


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_superstore_orders_are_won_sales_one_per_order(tmp_path, form):
    path = superstore_workbook(tmp_path) if form == "xlsx" else superstore_csv(tmp_path)
    ds = read_workbook(path)
    d = ds.tables["deals"]
    truth = _superstore_truth()
    assert len(d) == len(truth) == 5009  # 9,994 lines, 5,009 orders
    assert list(d["deal_id"]) == list(truth["deal_id"])  # Order ID, not Postal Code
    assert set(d["status"]) == {"won"}
    assert (d["amount"] - truth["amount"]).abs().max() < 1e-6
    assert (d["cost"] - truth["cost"]).abs().max() < 1e-6  # cost = Sales - Profit
    assert list(d["close_date"]) == list(truth["close_date"])
    assert list(d["customer_id"]) == list(truth["customer_id"])
    assert list(d["location"]) == list(truth["location"])  # Region, not Country
    assert "activities" not in ds.tables
    assert "order_lines_grouped" in _codes(ds) and "stage_from_ledger" in _codes(ds)


# -- Olist: closed deals and marketing-qualified leads ---------------------------------------------

@pytest.fixture(scope="module")
def olist(tmp_path_factory):
    return read_workbook(olist_workbook(tmp_path_factory.mktemp("olist")))


def test_olist_closed_deals_are_won_on_their_won_date(olist):
    raw = _raw("olist", "olist_closed_deals_dataset.csv")
    d = olist.tables["deals"]
    assert len(d) == len(raw) == 842
    assert list(d["deal_id"]) == list(raw["mql_id"])
    assert list(d["rep"]) == list(raw["sr_id"])  # the sales rep, not the seller (the customer)
    assert set(d["status"]) == {"won"}
    won = pd.to_datetime(raw["won_date"], format="%d-%m-%Y %H:%M").dt.normalize()
    assert list(d["close_date"]) == list(won)
    assert "account" not in d.columns  # has_company is a yes/no flag
    assert "amount" not in d.columns  # declared_monthly_revenue is 0 on nearly every row
    rejected = {(i.column, i.code) for i in olist.quality if i.code.startswith("column_rejected")}
    assert ("seller_id", "column_rejected_unique_per_row") in rejected
    assert ("has_company", "column_rejected_yes_no_flag") in rejected


def test_olist_marketing_qualified_leads(olist):
    raw = _raw("olist", "olist_marketing_qualified_leads_dataset.csv")
    leads = olist.tables["leads"]
    assert len(leads) == len(raw) == 8000
    assert list(leads["lead_id"]) == list(raw["mql_id"])
    assert list(leads["created_at"]) == list(pd.to_datetime(raw["first_contact_date"], format="%d-%m-%Y"))
    assert [s if isinstance(s, str) else "" for s in leads["source"]] == list(raw["origin"])
    assert "column_guessed_only_date" in _codes(olist)


@pytest.mark.parametrize("parts, table, rows, fields", [
    (("maven", "sales_pipeline.csv"), "deals", 8800,
     {"deal_id", "account", "rep", "stage", "amount", "created_date", "close_date", "product", "status"}),
    (("maven", "sales_teams.csv"), "team", 35, {"rep", "manager", "location"}),
    (("olist", "olist_closed_deals_dataset.csv"), "deals", 842, {"deal_id", "rep", "stage", "close_date", "status"}),
    (("olist", "olist_marketing_qualified_leads_dataset.csv"), "leads", 8000, {"lead_id", "created_at", "source"}),
])
def test_each_raw_csv_alone(parts, table, rows, fields):
    ds = read_workbook(shared_path("data", "real", *parts))
    assert list(ds.tables) == [table]
    assert len(ds.tables[table]) == rows
    assert set(ds.tables[table].columns) == fields
