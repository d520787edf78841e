"""Top N + "others" (kpis/report/topn.py): known answers on five hand-made reps."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from kpis.config import Config
from kpis.dataset import Dataset
from kpis.engine import Evaluator, compute
from kpis.periods import parse_period
from kpis.report.context import by_table
from kpis.report.topn import kpi_over, others_label, top_rows, watch_rows

OCT = parse_period("2026-10")
NONE = "(non renseigné)"


def _deals() -> pd.DataFrame:
    # rep: (status, amount)... all closed in October 2026
    spec = {
        "Ann": [("won", 5000), ("won", 3000)],                                   # revenue 8000, 2 won 0 lost
        "Ben": [("won", 4000), ("lost", 1000)],                                  # 4000, 1 won 1 lost
        "Cid": [("won", 1000), ("lost", 700), ("lost", 300)],                    # 1000, 1 won 2 lost
        "Dan": [("won", 500), ("lost", 100), ("lost", 100), ("lost", 100)],      # 500, 1 won 3 lost
        "Eve": [("lost", 2000)],                                                 # 0, 0 won 1 lost
    }
    rows = []
    for rep, deals in spec.items():
        for i, (status, amount) in enumerate(deals):
            rows.append({"deal_id": f"{rep}{i}", "rep": rep, "status": status, "stage": status, "amount": float(amount),
                         "created_date": pd.Timestamp("2026-09-01"), "close_date": pd.Timestamp("2026-10-10")})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def five():
    ds = Dataset.from_frames(deals=_deals())
    ev = Evaluator(ds, Config(), date(2026, 11, 20))
    results = compute(ds, OCT, by=["rep"], evaluator=ev, kpis=["revenue", "deals_won", "deals_lost", "win_rate"])
    frame = by_table(results, ("revenue", "deals_won", "deals_lost", "win_rate"), "rep", None, NONE)
    return ev, results, frame


def test_others_row_sums_counts_and_recomputes_the_ratio(five):
    ev, results, frame = five
    out = top_rows(frame, "rep", "revenue", 2, NONE, lambda n: others_label("rep", "en", n),
                   lambda k, keys: kpi_over(ev, k, OCT, "rep", keys))
    assert list(out["rep"]) == ["Ann", "Ben", "Others (3 reps)"]  # largest revenue first
    others = out.iloc[-1]
    assert others["revenue"] == 1500  # Cid 1000 + Dan 500 + Eve 0
    assert others["deals_won"] == 2  # 1 + 1 + 0
    assert others["deals_lost"] == 6  # 2 + 3 + 1
    # win rate over the group = 2 won / 8 closed = 25 % -- not the mean of the rates
    # (1/3 + 1/4 + 0) / 3 = 19.4 %
    assert others["win_rate"] == pytest.approx(0.25)
    # the column sums still equal the team's totals
    assert out["revenue"].sum() == pytest.approx(results["revenue"].value) == 13500
    assert out["deals_won"].sum() == results["deals_won"].value == 5


def test_others_row_in_french_and_no_others_for_one_left(five):
    ev, _, frame = five
    out = top_rows(frame, "rep", "revenue", 3, NONE, lambda n: others_label("rep", "fr", n),
                   lambda k, keys: kpi_over(ev, k, OCT, "rep", keys))
    assert out["rep"].iloc[-1] == "Autres (2 commerciaux)"
    # n + 1 rows or fewer: every row shown (an "others" row for a single rep would only hide it), sorted
    out = top_rows(frame, "rep", "revenue", 4, NONE, lambda n: others_label("rep", "en", n), lambda k, keys: np.nan)
    assert list(out["rep"]) == ["Ann", "Ben", "Cid", "Dan", "Eve"]


def test_blank_row_stays_before_others_and_unknown_ratio_is_empty():
    frame = pd.DataFrame({"rep": ["a", "b", NONE, "c", "d"], "count": [1.0, 5.0, 2.0, 3.0, 4.0],
                          "win_rate": [0.1, 0.5, 0.2, 0.3, 0.4], "label": ["x"] * 5})
    out = top_rows(frame, "rep", "count", 1, NONE, lambda n: others_label("rep", "en", n), lambda k, keys: np.nan)
    assert list(out["rep"]) == ["b", NONE, "Others (3 reps)"]
    assert out["count"].iloc[-1] == 8  # a + c + d: a count that is not a KPI adds up
    assert np.isnan(out["win_rate"].iloc[-1]) and pd.isna(out["label"].iloc[-1])


def test_a_distinct_count_is_not_summed(five):
    ev, *_ = five
    from kpis.engine.model import Measure, Simple

    distinct_accounts = Simple(Measure("deals", "nunique", "deal_id"))
    assert np.isnan(kpi_over(ev, distinct_accounts, OCT, "rep", ["Cid", "Dan"]))


def test_watch_list_keeps_the_largest_deals_in_its_order_then_one_row():
    deals = pd.DataFrame({"team": ["T"] * 5, "rep": list("abcde"), "deal_id": list("12345"),
                          "amount": [10.0, 50.0, 20.0, 40.0, 30.0],
                          "is_stale": ["●", "", "●", "●", ""]})
    out = watch_rows(deals, 2, "fr")
    assert list(out["deal_id"][:2]) == ["2", "4"]  # 50 and 40, in the list's order
    last = out.iloc[-1]
    assert others_label("deal", "fr", 1050) == "Autres (1\u202f050 affaires)"
    assert others_label("deal", "en", 1050) == "Others (1,050 deals)"
    assert last["rep"] == "Autres (3 affaires)" and last["amount"] == 60  # 10 + 20 + 30
    assert last["is_stale"] == 2  # deals 1 and 3
