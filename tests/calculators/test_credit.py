"""Known answers for credited revenue and prorated quotas (kpis/credit.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis.credit import credit_lines, credited_by_rep, prorated_quotas
from kpis.periods import parse_period

OCT = parse_period("2026-10")
Q4 = parse_period("2026-Q4")


def _deals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "deal_id": ["D1", "D2", "D3", "D4", "D5", "D6"],
            "account": ["Acme", "Bolt", "Cora", "Dune", "Eden", "Fjord"],
            "rep": ["Alice", "Bruno", "Alice", "Alice", None, "Bruno"],
            "amount": [1000.0, 2000.0, 3000.0, 500.0, 400.0, 700.0],
            "status": ["won", "won", "lost", "won", "won", "won"],
            "close_date": pd.to_datetime(["2026-10-03", "2026-10-10", "2026-10-11", "2026-09-30", "2026-10-31", "2026-11-01"]),
            "deal_type": ["new", "renewal", "new", "new", "new", "new"],
            "product": ["Formation", "Conseil", "Conseil", "Conseil", "Conseil", "Conseil"],
        }
    )


def test_only_won_deals_closed_in_period_are_credited():
    lines = credit_lines(_deals(), None, OCT)
    # D3 lost, D4 closed in September, D6 in November: out. D5 has no rep: kept with rep missing.
    assert list(lines["deal_id"]) == ["D1", "D2", "D5"]
    assert lines["share"].tolist() == [1.0, 1.0, 1.0]
    assert lines["rep"].isna().tolist() == [False, False, True]
    assert credited_by_rep(lines).to_dict() == {"Alice": 1000.0, "Bruno": 2000.0}
    for col in ("close_date", "product", "deal_type"):
        assert col in lines.columns


def test_splits_are_normalised_to_100_percent_and_weights_apply():
    # The sheet says 60 % / 30 % for D2 (a data slip): normalised to 2/3 and 1/3.
    splits = pd.DataFrame({"deal_id": ["D2", "D2", "ZZ"], "rep": ["Alice", "Bruno", "Cleo"], "share": [0.6, 0.3, 1.0]})
    lines = credit_lines(_deals(), splits, OCT, weights={"renewal": 0.5})
    d2 = lines.loc[lines["deal_id"] == "D2"].set_index("rep")
    assert d2["share"].sum() == pytest.approx(1.0)
    # 2000 × (0.6/0.9) × 0.5 = 666.67 ; 2000 × (0.3/0.9) × 0.5 = 333.33
    assert d2.loc["Alice", "credited"] == pytest.approx(666.6666667)
    assert d2.loc["Bruno", "credited"] == pytest.approx(333.3333333)
    assert "Cleo" not in set(lines["rep"].dropna())  # a split of an unknown deal credits nothing
    assert credited_by_rep(lines).to_dict() == pytest.approx({"Alice": 1666.6666667, "Bruno": 333.3333333})


@given(st.lists(st.floats(min_value=0.01, max_value=5.0), min_size=1, max_size=5))
def test_property_splits_credit_exactly_one_deal(shares):
    deals = pd.DataFrame({"deal_id": ["X"], "rep": ["Owner"], "amount": [1234.5], "status": ["won"], "close_date": pd.to_datetime(["2026-10-15"])})
    splits = pd.DataFrame({"deal_id": ["X"] * len(shares), "rep": [f"R{i}" for i in range(len(shares))], "share": shares})
    lines = credit_lines(deals, splits, OCT)
    assert lines["share"].sum() == pytest.approx(1.0)
    assert lines["credited"].sum() == pytest.approx(1234.5)


def _targets() -> pd.DataFrame:
    months = pd.to_datetime(["2026-10-01", "2026-11-01", "2026-12-01"])
    return pd.DataFrame(
        {
            "rep": ["Alice"] * 3 + ["Bruno"] * 3 + ["Cleo"] * 3,
            "period": list(months) * 3,
            "quota": [10000.0] * 3 + [20000.0] * 3 + [6000.0] * 3,
        }
    )


def _team() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rep": ["Alice", "Bruno", "Cleo"],
            "hire_date": pd.to_datetime(["2026-10-16", "2019-05-01", None]),
            "leave_date": pd.to_datetime([None, None, "2026-11-10"]),
        }
    )


def test_prorated_quota_mid_month_hire_and_leaver():
    q = prorated_quotas(_targets(), _team(), OCT)
    # Alice hired Oct 16: 16 of 31 days -> 10000 × 16/31 = 5161.29
    assert q["Alice"] == pytest.approx(10000 * 16 / 31)
    assert q["Bruno"] == pytest.approx(20000.0)
    assert q["Cleo"] == pytest.approx(6000.0)
    # Quarter: Cleo leaves Nov 10 -> Oct full + Nov 10/30 + Dec 0 = 6000 + 2000 = 8000
    q4 = prorated_quotas(_targets(), _team(), Q4)
    assert q4["Cleo"] == pytest.approx(8000.0)
    assert q4["Alice"] == pytest.approx(10000 * 16 / 31 + 20000)


def test_ramp_month_containing_hire_date_is_month_one():
    q4 = prorated_quotas(_targets(), _team(), Q4, ramp=[0.25, 0.5, 0.75])
    # Alice: Oct (month 1) 10000 × 16/31 × 0.25 = 1290.32 ; Nov (month 2) 10000 × 0.5 ; Dec (month 3) × 0.75
    assert q4["Alice"] == pytest.approx(10000 * 16 / 31 * 0.25 + 5000 + 7500)
    # Bruno hired long ago, Cleo without a hire date: never ramped.
    assert q4["Bruno"] == pytest.approx(60000.0)
    assert q4["Cleo"] == pytest.approx(8000.0)


def test_reps_without_employment_in_period_have_no_quota():
    dec = parse_period("2026-12")
    q = prorated_quotas(_targets(), _team(), dec)
    assert "Cleo" not in q.index  # left in November
    assert set(q.index) == {"Alice", "Bruno"}


def test_custom_period_takes_the_days_it_covers():
    p = parse_period("2026-10-16:2026-11-15")
    q = prorated_quotas(_targets(), None, p)
    # Bruno: Oct 16 days of 31 + Nov 15 of 30
    assert q["Bruno"] == pytest.approx(20000 * 16 / 31 + 20000 * 15 / 30)


def test_empty_inputs():
    assert prorated_quotas(pd.DataFrame(columns=["rep", "period", "quota"]), None, OCT).empty
    empty = credit_lines(_deals().iloc[0:0], None, OCT)
    assert empty.empty and "credited" in empty.columns


def test_a_split_of_a_deal_id_several_won_deals_carry_goes_only_where_its_reps_are():
    """Two won deals numbered D1: Alice's, shared 50/50 with Bruno, and Chloe's alone. The split
    cannot say which D1 it belongs to; it applies to the D1 whose rep it names -- Chloe keeps her
    6,000 (it went to Alice and Bruno before: 8,000 each, Chloe 0) -- and the same rows are split
    whichever period is asked (Chloe's D1 alone in November is still hers)."""
    deals = pd.DataFrame({"deal_id": ["D1", "D1"], "rep": ["Alice", "Chloe"], "amount": [10000.0, 6000.0],
                          "status": ["won", "won"], "close_date": pd.to_datetime(["2026-10-03", "2026-11-05"])})
    splits = pd.DataFrame({"deal_id": ["D1", "D1"], "rep": ["Alice", "Bruno"], "share": [0.5, 0.5]})
    q4 = credited_by_rep(credit_lines(deals, splits, Q4)).to_dict()
    assert q4 == {"Alice": 5000.0, "Bruno": 5000.0, "Chloe": 6000.0}
    nov = credit_lines(deals, splits, parse_period("2026-11"))
    assert nov[["rep", "credited"]].values.tolist() == [["Chloe", 6000.0]]
    unique = deals.assign(deal_id=["D1", "D2"])  # ids told apart: the split applies to D1 whoever its rep
    assert credited_by_rep(credit_lines(unique.assign(rep=["Team", "Chloe"]), splits, Q4)).to_dict() == {
        "Alice": 5000.0, "Bruno": 5000.0, "Chloe": 6000.0}
