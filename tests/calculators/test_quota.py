"""The quota planner: splits, ramp and proration, redistribution, and the reverse funnel by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from kpis.calculators.quota import plan_quotas, reverse_funnel
from kpis.config import Config
from kpis.dataset import Dataset
from kpis.periods import parse_period

NOV = parse_period("2026-11")


def _team() -> pd.DataFrame:
    # A and B at full capacity, C hired Nov 1 (month 1 of employment: ramp 25 %), M a manager (no quota)
    return pd.DataFrame({"rep": ["A", "B", "C", "M"], "role": ["AE", "AE", "AE", "manager"],
                         "hire_date": pd.to_datetime(["2020-01-01", "2021-01-01", "2026-11-01", "2019-01-01"])})


def _deals() -> pd.DataFrame:
    # Rep A, May-Oct 2026 (the 6 months before November): 10 deals created in June, closed in July,
    # 4 won at 5 000 each and 6 lost. Rep B: one won deal of 8 000 in August. Nothing for C.
    rows = [dict(deal_id=f"A{i}", rep="A", amount=5000.0, status="won" if i < 4 else "lost",
                 created_date=pd.Timestamp("2026-06-01"), close_date=pd.Timestamp("2026-07-01") + pd.Timedelta(days=i))
            for i in range(10)]
    rows.append(dict(deal_id="B1", rep="B", amount=8000.0, status="won", created_date=pd.Timestamp("2026-06-01"),
                     close_date=pd.Timestamp("2026-08-01")))
    return pd.DataFrame(rows)


def _activities() -> pd.DataFrame:
    # A: 15 calls and 5 meetings ; B: 8 calls and 2 meetings (July 2026)
    return pd.DataFrame({"date": pd.to_datetime(["2026-07-01"] * 30), "rep": ["A"] * 20 + ["B"] * 10,
                         "type": ["call"] * 15 + ["meeting"] * 5 + ["call"] * 8 + ["meeting"] * 2})


def _ds() -> Dataset:
    return Dataset.from_frames(team=_team(), deals=_deals(), activities=_activities())


def test_equal_split_ramped_and_redistributed_to_full_capacity_reps():
    qp = plan_quotas(_ds(), NOV, 60000, method="equal", funnel=False)
    q = qp.table.set_index("rep")
    assert list(q.index) == ["A", "B", "C"]  # the manager carries no quota
    # full quota 60 000 / 3 = 20 000 ; C at 25 % -> 5 000 ; the 15 000 shortfall goes to A and B (7 500 each)
    assert q["full_quota"].tolist() == [20000.0] * 3
    assert q["capacity"].tolist() == [1.0, 1.0, 0.25]
    assert q["quota"].tolist() == [27500.0, 27500.0, 5000.0]
    assert qp.total == 60000.0 and qp.gap == 0.0
    kept = plan_quotas(_ds(), NOV, 60000, method="equal", funnel=False, redistribute=False)
    assert kept.table["quota"].tolist() == [20000.0, 20000.0, 5000.0] and kept.gap == 15000.0


def test_history_split_and_growth():
    qp = plan_quotas(_ds(), NOV, 60000, method="history", funnel=False)
    q = qp.table.set_index("rep")
    # trailing 12 months (Nov 2025 - Oct 2026): A 20 000, B 8 000 -> monthly 1 666.67 and 666.67 ;
    # C has none: median of the others = 1 166.67. Weights 1 666.67 : 666.67 : 1 166.67 (sum 3 500)
    assert q.loc["A", "full_quota"] == pytest.approx(60000 * 1666.6667 / 3500, abs=0.01)
    assert q.loc["C", "quota"] == pytest.approx(60000 * 1166.6667 / 3500 * 0.25, abs=0.01)
    assert qp.total == pytest.approx(60000.0)
    g = plan_quotas(_ds(), NOV, None, method="growth", growth=0.2, funnel=False).table.set_index("rep")
    # bottom-up: monthly run-rate × 1 month × 1.2, C ramped at 25 %
    assert g.loc["A", "quota"] == pytest.approx(20000 / 12 * 1.2, abs=0.01)
    assert g.loc["C", "quota"] == pytest.approx(14000 / 12 * 1.2 * 0.25, abs=0.01)


def test_mid_month_hire_prorated():
    team = pd.DataFrame({"rep": ["A", "B"], "hire_date": pd.to_datetime(["2020-01-01", "2026-11-16"])})
    qp = plan_quotas(Dataset.from_frames(team=team), NOV, 30000, method="equal", funnel=False, ramp=[], redistribute=False)
    # B: 15 of 30 days, no ramp -> capacity 0.5 -> 7 500
    assert qp.table.set_index("rep")["quota"].to_dict() == {"A": 15000.0, "B": 7500.0}


def test_reverse_funnel_by_hand():
    qp = plan_quotas(_ds(), NOV, 60000, method="equal", config=Config())
    a = qp.table.set_index("rep").loc["A"]
    # A's own rates over May-Oct (10 closed deals ≥ 3): avg deal 20 000 / 4 = 5 000 ; win rate 4 / 10 = 0.4 ;
    # new opportunities per meeting 10 / 5 = 2 ; meetings per call 5 / 15 = 1/3
    assert a["rates_from"] == "rep"
    assert (a["average_deal_size"], a["win_rate"], a["opportunities_per_meeting"]) == (5000.0, 0.4, 2.0)
    assert a["meetings_per_call"] == pytest.approx(1 / 3)
    # quota 27 500: deals ⌈27 500 / 5 000⌉ = ⌈5.5⌉ = 6 ; pipeline 27 500 / 0.4 = 68 750 ;
    # opportunities ⌈6 / 0.4⌉ = 15 ; meetings ⌈15 / 2⌉ = 8 ; calls ⌈8 / (1/3)⌉ = 24
    assert (a["deals_needed"], a["pipeline_needed"], a["opportunities_needed"], a["meetings_needed"], a["calls_needed"]) == (6, 68750.0, 15, 8, 24)
    b = qp.table.set_index("rep").loc["B"]
    # B closed 1 deal (< 3): team rates: 28 000 / 5 won = 5 600 ; 5 / 11 ; 11 opps / 7 meetings ; 7 / 23
    assert b["rates_from"] == "team"
    assert b["average_deal_size"] == 5600.0 and b["win_rate"] == pytest.approx(5 / 11)
    assert b["opportunities_per_meeting"] == pytest.approx(11 / 7) and b["meetings_per_call"] == pytest.approx(7 / 23)
    assert any(code == "calc_few_history" and p["rep"] == "B" for code, p in qp.notes)


def test_reverse_funnel_pure_and_missing_rates():
    rates = pd.DataFrame({"average_deal_size": [2000.0, None], "win_rate": [0.25, 0.5],
                          "opportunities_per_meeting": [0.5, 1.0], "meetings_per_call": [0.1, 0.2]}, index=["X", "Y"])
    out = reverse_funnel(pd.Series({"X": 10000.0, "Y": 10000.0}), rates)
    # X: 5 deals ; 40 000 pipeline ; 20 opportunities ; 40 meetings ; 400 calls (no float drift: 40 / 0.1)
    assert out.loc["X"].tolist() == [5, 40000.0, 20, 40, 400]
    # Y: no average deal size -> deal-based steps are empty, the pipeline still computes
    assert pd.isna(out.loc["Y", "deals_needed"]) and out.loc["Y", "pipeline_needed"] == 20000.0
    assert pd.isna(out.loc["Y", "calls_needed"])


def test_target_required_except_growth():
    with pytest.raises(ValueError):
        plan_quotas(_ds(), NOV, None, method="equal", funnel=False)


def test_an_equal_split_of_a_target_adds_up_to_the_target_in_whole_cents():
    """10,000 over three reps: 3,333.34 + 3,333.33 + 3,333.33 -- not 3 x 3,333.33 with a gap of 0.01."""
    import pandas as pd

    from kpis.calculators.quota import plan_quotas
    from kpis.config import Config
    from kpis.dataset import Dataset
    from kpis.periods import parse_period

    from .helpers import deals

    team = pd.DataFrame({"rep": ["Alice", "Bruno", "Chloe"], "role": ["AE", "AE", "AE"]})
    ds = Dataset.from_frames(deals=deals(("H1", "Alice", 1000, "2026-03-05")), team=team)
    qp = plan_quotas(ds, parse_period("2026-10"), 10000, method="equal", config=Config(), funnel=False)
    assert qp.table["quota"].tolist() == [3333.34, 3333.33, 3333.33]
    assert qp.gap == 0.0


def test_the_planners_guesses_are_said():
    """History method: Chloe, hired without revenue, is given the others' median as her basis -- said;
    Zed sold 90,000 in the year but is not in the team table -- he gets no quota, said too."""
    import pandas as pd

    from kpis.calculators.quota import plan_quotas
    from kpis.config import Config
    from kpis.dataset import Dataset
    from kpis.periods import parse_period

    from .helpers import deals

    team = pd.DataFrame({"rep": ["Alice", "Bruno", "Chloe"], "role": ["AE", "AE", "AE"]})
    d = deals(("H1", "Alice", 120000, "2026-03-05"), ("H2", "Bruno", 60000, "2026-04-05"), ("Z1", "Zed", 90000, "2026-05-05"))
    qp = plan_quotas(Dataset.from_frames(deals=d, team=team), parse_period("2026-10"), 100000, method="history",
                     config=Config(), funnel=False)
    said = {n.code: n.params for n in qp.notes}
    assert said["calc_quota_median_basis"]["reps"] == "Chloe"
    assert said["calc_quota_not_in_team"]["reps"] == "Zed" and said["calc_quota_not_in_team"]["revenue"] == 90000.0
    assert "Zed : 90\u202f000 de CA crédité sur 12 mois" in next(n for n in qp.notes if n.code == "calc_quota_not_in_team").message("fr")
