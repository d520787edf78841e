"""Breakdowns list every member; comparisons before the data starts are n/a; the default period
does not move with the KPIs asked."""

from __future__ import annotations

import pandas as pd

from kpis.dataset import Dataset
from kpis.engine.compute import compute, default_period
from kpis.periods import parse_period
from kpis.reader.canonical import conform


def _ds() -> Dataset:
    deals = conform("deals", pd.DataFrame({
        "deal_id": ["1", "2", "3"], "rep": ["Alice", "Alice", "Bruno"], "stage": ["won", "lost", "won"],
        "status": ["won", "lost", "won"], "amount": [100.0, 50.0, 30.0],
        "created_date": pd.to_datetime(["2026-01-05", "2026-01-10", "2026-02-01"]),
        "close_date": pd.to_datetime(["2026-02-10", "2026-02-12", "2026-02-20"])}))
    team = conform("team", pd.DataFrame({"rep": ["Alice", "Bruno", "Chloé"]}))
    targets = conform("targets", pd.DataFrame({"rep": ["Alice", "David"], "period": pd.to_datetime(["2026-02-01"] * 2),
                                               "quota": [200.0, 100.0]}))
    return Dataset(tables={"deals": deals, "team": team, "targets": targets})


def test_every_member_is_in_the_by_rep_breakdown():
    r = compute(_ds(), parse_period("2026-02"), kpis=["revenue", "win_rate"], by=["rep"])
    # Alice won 100 (D1), Bruno 30 (D3); Chloé (team sheet) and David (a quota) won nothing: 0.
    assert r["revenue"].by["rep"] == {"Alice": 100.0, "Bruno": 30.0, "Chloé": 0.0, "David": 0.0}
    # Win rate: Alice 1 won / 2 closed, Bruno 1/1; no closed deal for Chloé and David: n/a.
    assert r["win_rate"].by["rep"] == {"Alice": 0.5, "Bruno": 1.0, "Chloé": None, "David": None}


def test_year_ago_before_the_data_starts_is_not_available():
    r = compute(_ds(), parse_period("2026-02"), kpis=["revenue"])
    assert r["revenue"].value == 130.0
    assert r["revenue"].year_ago is None  # February 2025: before the first date (2026-01-05)
    assert r["revenue"].previous == 0.0  # January 2026 is inside the data: a real 0


def test_default_period_comes_from_every_table(tmp_path):
    from kpis.cli import main

    import json

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["compute", "examples/suivi_commercial.xlsx", "--kpi", "leads_created", "-f", "json", "-o", str(a)]) in (0, 1)
    leads_only = json.loads(a.read_text(encoding="utf-8"))
    assert main(["compute", "examples/suivi_commercial.xlsx", "--kpi", "revenue", "-f", "json", "-o", str(b)]) in (0, 1)
    revenue = json.loads(b.read_text(encoding="utf-8"))
    assert leads_only["period"] == revenue["period"]
    assert default_period(_ds()) == parse_period("2026-01")  # latest fact 2026-02-20: February in progress


def test_partial_and_outside_periods_are_flagged():
    from kpis.engine.compute import period_flags

    ds = _ds()  # facts from 2026-01-05 to 2026-02-20
    assert period_flags(ds, parse_period("2026-01")) == []
    assert period_flags(ds, parse_period("2026-02")) == [("period_partial", {"period": "2026-02", "last": "2026-02-20"})]
    assert [c for c, _ in period_flags(ds, parse_period("2025-06"))] == ["period_outside_data"]
    assert [c for c, _ in period_flags(ds, parse_period("2026-05"))] == ["period_outside_data"]


def test_only_the_breakdowns_asked_are_computed_and_they_are_the_same():
    """``only`` (what a view reads): revenue by rep and product, deals_won by nothing -- the same
    breakdowns as computing every KPI by every dimension, and no entry for the others."""
    ds, p = _ds(), parse_period("2026-02")
    full = compute(ds, p, kpis=["revenue", "deals_won", "win_rate"], by=["rep", "product"])
    some = compute(ds, p, kpis=["revenue", "deals_won", "win_rate"], by=["rep", "product"],
                   only={"rep": {"revenue", "win_rate"}, "product": {"revenue"}})
    assert some["revenue"].by == full["revenue"].by
    assert some["revenue"].target_by == full["revenue"].target_by  # the quotas by rep come with it
    assert some["win_rate"].by == {"rep": full["win_rate"].by["rep"]}
    assert some["deals_won"].by is None and full["deals_won"].by is not None
    for k in ("revenue", "deals_won", "win_rate"):  # totals and comparisons are untouched
        assert (some[k].value, some[k].previous, some[k].status) == (full[k].value, full[k].previous, full[k].status)
