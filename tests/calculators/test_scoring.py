"""Lead and customer scoring: points per rule by hand, bands, ranks, configuration errors."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kpis.calculators import score
from kpis.config import Config, ConfigError, parse_config
from kpis.dataset import Dataset


def _leads_ds() -> Dataset:
    leads = pd.DataFrame({
        "lead_id": ["L1", "L2", "L3", "L4", "L5"],
        "created_at": pd.to_datetime(["2026-10-01", "2026-10-05", "2026-09-01", "2026-10-10", "2026-10-11"]),
        "stage": ["sql", "mql", "lead", "customer", "disqualified"],
        "response": ["positive", None, "negative", "positive", None],
        "first_contact_at": pd.to_datetime(["2026-10-02 10:00", None, "2026-09-02 09:00", None, None]),
        "meeting_date": pd.to_datetime(["2026-10-20", None, None, None, None]),
    })
    acts = pd.DataFrame({"date": pd.to_datetime(["2026-10-25", "2026-10-28", "2026-09-10"]), "lead_id": ["L1", "L1", "L3"],
                         "type": ["call"] * 3})
    return Dataset.from_frames(leads=leads, activities=acts)


def test_lead_scores_by_hand():
    s = score(_leads_ds(), Config(), "leads")
    assert s.as_of == date(2026, 10, 28)  # the latest date in the data
    t = s.table.set_index("lead_id")
    assert list(t.index) == ["L1", "L2", "L3"]  # customers and disqualified leads are not scored
    # L1: stage sql 20 + response positive 15 + meeting 10 + engagement 2 activities / 5 × 20 = 8
    #     + recency (last touch Oct 28, 0 days) 25 = 78 of 100
    assert t.loc["L1", ["stage_points", "response_points", "meeting_points", "engagement_points", "recency_points"]].tolist() == [20, 15, 10, 8, 25]
    assert t.loc["L1", "score"] == 78.0 and t.loc["L1", "band"] == "hot" and t.loc["L1", "rank"] == 1
    # L2: mql 10, nothing else (never contacted) -> 10 ; L3: last activity Sep 10 = 48 days -> 5, stage lead 0 -> 5
    #     plus 1 activity in 90 days -> 4 => 9
    assert t.loc["L2", "score"] == 10.0 and t.loc["L3", "score"] == 9.0
    assert t.loc["L3", "band"] == "cold"


def test_missing_input_drops_the_rule_from_both_sums():
    ds = _leads_ds()
    ds.tables.pop("activities")
    s = score(ds, Config(), "leads")
    assert "engagement" in s.skipped
    # as-of = the latest recorded fact left: L5 created Oct 11 (a meeting booked for Oct 20 is not a fact yet).
    # L1 without engagement: stage 20 + response 15 + meeting booked 10 + recency (first contact Oct 2,
    # 9 days -> 15) = 60 of 80 = 75 ; L3: last contact Sep 2 = 39 days -> 5 of 80 = 6.25
    t = s.table.set_index("lead_id")
    assert s.as_of == date(2026, 10, 11)
    assert t.loc["L1", "score"] == 75.0
    assert t.loc["L3", "score"] == pytest.approx(6.25, abs=0.051)


def test_configured_rules_and_bands():
    cfg = parse_config("""
[scoring]
hot = 50
warm = 20
[scoring.leads.stage]
points = { lead = 0, mql = 30, sql = 40 }
[scoring.leads.source]
field = "source"
points = { salon = 10 }
""")
    ds = _leads_ds()
    ds.tables["leads"] = ds.tables["leads"].assign(source=["salon", "web", "salon", None, None])
    t = score(ds, cfg, "leads").table.set_index("lead_id")
    assert t.loc["L1", "source_points"] == 10 and t.loc["L2", "source_points"] == 0
    # L2: mql 30 of (40 + 15 + 10 + 20 + 25 + 10 = 120) = 25 -> warm with warm = 20
    assert t.loc["L2", "score"] == 25.0 and t.loc["L2", "band"] == "warm"


def test_customer_scores():
    cust = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "name": ["A", "B", "C"],
                         "start_date": pd.to_datetime(["2025-01-01"] * 3), "end_date": pd.to_datetime([None, None, "2026-01-01"]),
                         "mrr": [100.0, 500.0, 50.0]})
    deals = pd.DataFrame({"customer_id": ["C1", "C1", "C2"], "status": ["won"] * 3,
                          "close_date": pd.to_datetime(["2026-03-01", "2026-10-01", "2025-01-01"]), "amount": [1000.0, 2000.0, 9000.0]})
    s = score(Dataset.from_frames(customers=cust, deals=deals), Config(), "customers", as_of=date(2026, 10, 31))
    t = s.table.set_index("customer_id")
    assert list(t.index) == ["C1", "C2"]  # C3 churned
    # C1: 2 purchases in 12 months / 3 × 25 = 16.67 ; amount 3 000 = the 90th percentile of (3 000) -> 25 ;
    #     mrr 100 / p90 of (100, 500) = 460 × 10 = 2.17 ; recency: last purchase Oct 1 = 30 days -> 20
    assert t.loc["C1", ["purchases_points", "amount_points", "mrr_points", "recency_points"]].tolist() == [16.67, 25.0, 2.17, 20.0]
    assert "engagement" in s.skipped  # no activities table
    # (16.67 + 25 + 2.17 + 20) / 80 = 79.8 %
    assert t.loc["C1", "score"] == 79.8


def test_scoring_config_errors_name_the_key():
    with pytest.raises(ConfigError) as e:
        score(_leads_ds(), parse_config("[scoring.leads.recency]\nsteps = [[30, 10], [7, 20]]\n"), "leads")
    assert e.value.key == "scoring.leads.recency.steps" and e.value.line == 2
    with pytest.raises(ConfigError):
        score(_leads_ds(), parse_config("[scoring]\nhot = 150\n"), "leads")
