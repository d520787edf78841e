"""Known-answer tests for commission statements, worked by hand in the comments.

Unless a test says otherwise: rate bands [[0, 2 %], [50 %, 5 %], [100 %, 8 %], [150 %, 12 %]] and a
quota of 10 000 per month, so the band edges sit at 5 000, 10 000 and 15 000 of credited revenue.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpis.calculators import commission_statements
from kpis.config import parse_config
from kpis.periods import parse_period

from .helpers import config, dataset, deals, targets

OCT = parse_period("2026-10")
NOV = parse_period("2026-11")
DEC = parse_period("2026-12")


def _alice_oct():
    # Alice: 8 000 on Oct 5, 4 000 on Oct 20 -> credited 12 000, attainment 120 %.
    return deals(("D1", "Alice", 8000, "2026-10-05"), ("D2", "Alice", 4000, "2026-10-20"))


def _identity(s) -> float:
    return round(s.lines["commission"].sum() + s.spiffs - s.clawbacks - s.recovered + s.deferred + s.draw, 2)


def test_marginal_and_retroactive_give_different_totals():
    ds = dataset(deals=_alice_oct(), targets=targets(["Alice"], ["2026-10"]))
    m = commission_statements(ds, OCT, config('tiers = "marginal"')).reps["Alice"]
    # marginal: 5 000 × 2 % = 100 ; 5 000 × 5 % = 250 ; 2 000 × 8 % = 160 -> 510
    assert m.commission == 510.0
    assert m.attainment == pytest.approx(1.2)
    # walking the deals: D1 (0 -> 8 000): 100 + 3 000 × 5 % = 250 (blended 3.125 %)
    #                    D2 (8 000 -> 12 000): 2 000 × 5 % + 2 000 × 8 % = 260 (blended 6.5 %)
    assert m.lines["commission"].tolist() == [250.0, 260.0]
    assert m.lines["rate"].tolist() == pytest.approx([0.03125, 0.065])
    r = commission_statements(ds, OCT, config('tiers = "retroactive"')).reps["Alice"]
    # retroactive: 120 % reaches the 8 % band: 12 000 × 8 % = 960 (D1 640, D2 320)
    assert r.commission == 960.0
    assert r.lines["commission"].tolist() == [640.0, 320.0]
    assert r.payable == 960.0 and m.payable == 510.0


def test_accelerator_bands():
    ds = dataset(deals=deals(("D1", "Alice", 17000, "2026-10-05")), targets=targets(["Alice"], ["2026-10"]))
    m = commission_statements(ds, OCT, config("")).reps["Alice"]
    # 100 + 250 + 5 000 × 8 % = 400 + 2 000 × 12 % = 240 -> 990
    assert m.commission == 990.0
    r = commission_statements(ds, OCT, config('tiers = "retroactive"')).reps["Alice"]
    assert r.commission == 2040.0  # 17 000 × 12 %
    assert r.rate == 0.12


def test_gate():
    ds = dataset(deals=deals(("D1", "Bruno", 2500, "2026-10-05"), ("D2", "Cleo", 3000, "2026-10-06")),
                 targets=targets(["Bruno", "Cleo"], ["2026-10"]))
    st = commission_statements(ds, OCT, config("gate = 0.3"))
    assert st.reps["Bruno"].commission == 0.0  # 25 % < 30 % gate
    assert any(code == "calc_gated" for code, _ in st.reps["Bruno"].notes)
    assert st.reps["Cleo"].commission == 60.0  # exactly 30 %: passes; 3 000 × 2 %


def test_cap_cuts_the_deal_that_reaches_it():
    ds = dataset(deals=_alice_oct(), targets=targets(["Alice"], ["2026-10"]))
    s = commission_statements(ds, OCT, config("cap = 500")).reps["Alice"]
    # uncapped 510: D1 earns its 250, D2 only what is left under the cap: 250
    assert s.commission == 500.0
    assert s.lines["commission"].tolist() == [250.0, 250.0]
    assert any(code == "calc_capped" for code, _ in s.notes)


def test_deal_type_weights_and_splits():
    d = deals(("R1", "Alice", 4000, "2026-10-03", {"deal_type": "renewal"}), ("S1", "Alice", 10000, "2026-10-09"))
    splits = pd.DataFrame({"deal_id": ["S1", "S1"], "rep": ["Alice", "Bruno"], "share": [0.6, 0.4]})
    ds = dataset(deals=d, splits=splits, targets=targets(["Alice", "Bruno"], ["2026-10"]))
    st = commission_statements(ds, OCT, config("deal_type_weights = { renewal = 0.5 }"))
    a, b = st.reps["Alice"], st.reps["Bruno"]
    # Alice: renewal 4 000 × 50 % = 2 000 + 60 % of 10 000 = 6 000 -> 8 000 (80 %)
    #        100 + 3 000 × 5 % = 250 ; R1 (2 000) earns 40, S1 (6 000) earns 60 + 150 = 210
    assert a.credited == 8000.0
    assert a.commission == 250.0
    assert a.lines.set_index("deal_id")["commission"].to_dict() == {"R1": 40.0, "S1": 210.0}
    assert a.lines.set_index("deal_id")["weight"].to_dict() == {"R1": 0.5, "S1": 1.0}
    # Bruno: 40 % of 10 000 = 4 000 (40 %) -> 80
    assert b.credited == 4000.0 and b.commission == 80.0
    assert b.lines["share"].tolist() == [0.4]


def test_spiffs_shared_by_split():
    d = deals(("F1", "Alice", 2000, "2026-10-03", {"product": "Formation"}),
              ("F2", "Alice", 2000, "2026-10-04", {"product": "formation "}),
              ("C1", "Alice", 2000, "2026-10-05"))
    splits = pd.DataFrame({"deal_id": ["F2", "F2"], "rep": ["Alice", "Bruno"], "share": [0.5, 0.5]})
    body = '[[plans.p.spiffs]]\nname = "Formation"\nmatch = { product = "Formation" }\namount = 150\n'
    st = commission_statements(dataset(deals=d, splits=splits, targets=targets(["Alice", "Bruno"], ["2026-10"])), OCT, config(body))
    # Alice: F1 150 + half of F2 75 = 225 ; Bruno: the other half of F2, 75. C1 is not Formation.
    assert st.reps["Alice"].spiffs == 225.0
    assert st.reps["Bruno"].spiffs == 75.0
    assert st.reps["Alice"].spiff_lines["deal_id"].tolist() == ["F1", "F2"]
    # SPIFFs are paid below the gate too: Bruno's 1 000 credited is 10 %, under a 30 % gate
    st = commission_statements(dataset(deals=d, splits=splits, targets=targets(["Alice", "Bruno"], ["2026-10"])), OCT,
                               config("gate = 0.3\n" + body))
    assert st.reps["Bruno"].commission == 0.0 and st.reps["Bruno"].payable == 75.0


def test_clawback_in_a_later_period():
    d = deals(("D1", "Alice", 6000, "2026-09-10", {"customer_id": "C1"}),
              ("D2", "Alice", 3000, "2026-09-12", {"customer_id": "C2"}),
              ("D3", "Alice", 8000, "2026-10-05", {"customer_id": "C3"}))
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
                              "start_date": pd.to_datetime(["2026-09-10", "2026-09-12", "2026-10-05"]),
                              "end_date": pd.to_datetime(["2026-10-30", "2027-02-01", None])})
    ds = dataset(deals=d, customers=customers, targets=targets(["Alice"], ["2026-09", "2026-10", "2027-02"]))
    cfg = config("clawback_days = 90")
    sep = commission_statements(ds, parse_period("2026-09"), cfg).reps["Alice"]
    # September: 9 000 credited (90 %): D1 (0 -> 6 000) = 100 + 1 000 × 5 % = 150 ; D2 (6 000 -> 9 000) = 150
    assert sep.lines.set_index("deal_id")["commission"].to_dict() == {"D1": 150.0, "D2": 150.0}
    octo = commission_statements(ds, OCT, cfg).reps["Alice"]
    # October: D3 8 000 -> 100 + 3 000 × 5 % = 250 ; C1 churns Oct 30, 50 days after D1 closed (≤ 90):
    # D1's 150 is reversed at the rate paid (2.5 %). payable = 250 − 150 = 100
    assert octo.commission == 250.0
    assert octo.clawbacks == 150.0
    assert octo.clawback_lines["deal_id"].tolist() == ["D1"]
    assert octo.clawback_lines["rate"].tolist() == pytest.approx([0.025])
    assert octo.payable == 100.0
    # C2 churns 2027-02-01, 142 days after D2: no clawback
    feb = commission_statements(ds, parse_period("2027-02"), cfg)
    assert "Alice" not in feb.reps or feb.reps["Alice"].clawbacks == 0.0


def test_clawback_larger_than_earnings_is_carried_forward():
    d = deals(("D1", "Alice", 12000, "2026-09-10", {"customer_id": "C1"}), ("D2", "Alice", 3000, "2026-11-03"))
    customers = pd.DataFrame({"customer_id": ["C1"], "start_date": pd.to_datetime(["2026-09-10"]), "end_date": pd.to_datetime(["2026-10-15"])})
    ds = dataset(deals=d, customers=customers, targets=targets(["Alice"], ["2026-09", "2026-10", "2026-11"]))
    cfg = config("clawback_days = 90")
    # Sep: 12 000 -> 510 paid. Oct: nothing earned, D1 clawed back: earned −510 -> payable 0, 510 carried.
    o = commission_statements(ds, OCT, cfg).reps["Alice"]
    assert (o.clawbacks, o.payable, o.deferred, o.balance_out) == (510.0, 0.0, 510.0, 510.0)
    assert _identity(o) == o.payable
    # Nov: 3 000 -> 60 earned, all recovered: payable 0, 450 still owed
    n = commission_statements(ds, NOV, cfg).reps["Alice"]
    assert (n.commission, n.recovered, n.payable, n.balance_out) == (60.0, 60.0, 0.0, 450.0)
    assert _identity(n) == n.payable


def _draw_data():
    # Sep 6 000 (60 %) -> 150 ; Oct 12 000 -> 510 ; Nov 30 000 (300 %) -> 100 + 250 + 400 + 15 000 × 12 % = 2 550
    d = deals(("S", "Alice", 6000, "2026-09-10"), ("O1", "Alice", 8000, "2026-10-05"), ("O2", "Alice", 4000, "2026-10-20"),
              ("N", "Alice", 30000, "2026-11-10"))
    return dataset(deals=d, targets=targets(["Alice"], ["2026-09", "2026-10", "2026-11"]))


def test_recoverable_draw_over_three_periods():
    cfg = config("draw = { amount = 1000, recoverable = true }")
    ds = _draw_data()
    sep = commission_statements(ds, parse_period("2026-09"), cfg).reps["Alice"]
    # Sep: earned 150 < 1 000 -> paid 1 000, draw 850 advanced and owed
    assert (sep.commission, sep.draw, sep.payable, sep.balance_out) == (150.0, 850.0, 1000.0, 850.0)
    o = commission_statements(ds, OCT, cfg).reps["Alice"]
    # Oct: earned 510, all recovered (510 ≤ 850); paid 1 000 = the draw; owed 850 − 510 + 1 000 = 1 340
    assert (o.balance_in, o.commission, o.recovered, o.draw, o.payable, o.balance_out) == (850.0, 510.0, 510.0, 1000.0, 1000.0, 1340.0)
    n = commission_statements(ds, NOV, cfg).reps["Alice"]
    # Nov: earned 2 550 − 1 340 owed = 1 210 ≥ 1 000 -> paid 1 210, nothing owed any more
    assert (n.commission, n.recovered, n.draw, n.payable, n.balance_out) == (2550.0, 1340.0, 0.0, 1210.0, 0.0)
    for s in (sep, o, n):
        assert _identity(s) == s.payable
    hist = commission_statements(ds, NOV, cfg).history
    assert hist["payable"].tolist() == [1000.0, 1000.0, 1210.0]


def test_non_recoverable_draw_over_three_periods():
    cfg = config("draw = { amount = 1000, recoverable = false }")
    ds = _draw_data()
    st = [commission_statements(ds, p, cfg).reps["Alice"] for p in (parse_period("2026-09"), OCT, NOV)]
    # Sep: 150 topped up by 850 ; Oct: 510 topped up by 490 ; Nov: 2 550 paid in full (nothing to recover)
    assert [s.draw for s in st] == [850.0, 490.0, 0.0]
    assert [s.payable for s in st] == [1000.0, 1000.0, 2550.0]
    assert [s.balance_out for s in st] == [0.0, 0.0, 0.0]


def test_draw_is_paid_without_sales_and_prorated_for_a_mid_month_hire():
    team = pd.DataFrame({"rep": ["Alice", "Cleo"], "hire_date": pd.to_datetime(["2020-01-01", "2026-10-16"]), "plan": ["p", "p"]})
    ds = dataset(deals=deals(("D1", "Alice", 12000, "2026-10-05")), team=team, targets=targets(["Alice", "Cleo"], ["2026-10"]))
    st = commission_statements(ds, OCT, config("draw = { amount = 1000, recoverable = false }"))
    # Cleo: no deal, employed 16 of 31 days -> guarantee 1 000 × 16/31 = 516.13
    assert st.reps["Cleo"].payable == 516.13
    assert st.reps["Cleo"].draw == 516.13


def test_mid_month_hire_prorated_quota():
    team = pd.DataFrame({"rep": ["Cleo"], "hire_date": pd.to_datetime(["2026-10-16"])})
    ds = dataset(deals=deals(("D1", "Cleo", 5000, "2026-10-25")), team=team, targets=targets(["Cleo"], ["2026-10"]))
    s = commission_statements(ds, OCT, config("")).reps["Cleo"]
    # quota 10 000 × 16/31 = 5 161.29 ; 50 % edge at 2 580.645
    # 2 580.645 × 2 % = 51.6129 ; (5 000 − 2 580.645) × 5 % = 120.9677 -> 172.58
    assert s.quota == pytest.approx(5161.2903, abs=1e-3)
    assert s.attainment == pytest.approx(5000 / 5161.2903, abs=1e-6)
    assert s.commission == 172.58


def test_ramp_is_a_plan_option():
    team = pd.DataFrame({"rep": ["Cleo"], "hire_date": pd.to_datetime(["2026-10-16"])})
    ds = dataset(deals=deals(("D1", "Cleo", 5000, "2026-10-25")), team=team, targets=targets(["Cleo"], ["2026-10"]))
    s = commission_statements(ds, OCT, config("ramp = [0.5, 0.75]")).reps["Cleo"]
    # quota 10 000 × 16/31 × 50 % (month 1) = 2 580.645 ; edges 1 290.32 / 2 580.65 / 3 870.97
    # 1 290.32 × 2 % = 25.806 ; × 5 % = 64.516 ; × 8 % = 103.226 ; (5 000 − 3 870.97) × 12 % = 135.484 -> 329.03
    assert s.quota == pytest.approx(2580.6452, abs=1e-3)
    assert s.commission == 329.03
    # ramp = true takes the file's ramp list (25 % first month)
    s = commission_statements(ds, OCT, config("ramp = true", extra="ramp = [0.25, 0.5, 0.75]")).reps["Cleo"]
    assert s.quota == pytest.approx(10000 * 16 / 31 * 0.25, abs=1e-3)
    # default: targets taken as written (already ramped by the manager) -> no second ramp
    s = commission_statements(ds, OCT, config("")).reps["Cleo"]
    assert s.quota == pytest.approx(10000 * 16 / 31, abs=1e-3)


def test_quarter_to_date_attainment_with_true_ups():
    d = deals(("O", "Alice", 4000, "2026-10-05"), ("N", "Alice", 8000, "2026-11-05"))
    ds = dataset(deals=d, targets=targets(["Alice"], ["2026-10", "2026-11", "2026-12"]))
    m = commission_statements(ds, NOV, config('attainment = "quarter_to_date"')).reps["Alice"]
    # marginal, QTD quota 20 000: Oct paid 4 000 × 2 % = 80 ; running 12 000: 10 000 × 2 % + 2 000 × 5 % = 300
    # -> N earns 300 − 80 = 220 ; O needs no true-up
    assert m.quota == 20000.0 and m.attainment == pytest.approx(0.6)
    assert m.commission == 220.0
    assert m.lines["kind"].tolist() == ["deal"]
    r = commission_statements(ds, NOV, config('tiers = "retroactive"\nattainment = "quarter_to_date"')).reps["Alice"]
    # retroactive: Oct 4 000 × 2 % = 80 ; Nov QTD 60 % -> 5 %: N 400, O re-rated 200 -> true-up +120
    assert r.commission == 520.0
    assert r.lines.set_index("deal_id")["commission"].to_dict() == {"O": 120.0, "N": 400.0}
    assert r.lines.set_index("deal_id")["kind"].to_dict() == {"O": "true_up", "N": "deal"}


def test_quarterly_plan():
    d = deals(("O", "Alice", 4000, "2026-10-05"), ("N", "Alice", 8000, "2026-11-05"), ("D", "Alice", 20000, "2026-12-05"))
    ds = dataset(deals=d, targets=targets(["Alice"], ["2026-10", "2026-11", "2026-12"]))
    st = commission_statements(ds, parse_period("2026-Q4"), config('period = "quarter"'))
    s = st.reps["Alice"]
    # Q4 quota 30 000, credited 32 000: 15 000 × 2 % + 15 000 × 5 % + 2 000 × 8 % = 300 + 750 + 160 = 1 210
    assert s.quota == 30000.0 and s.commission == 1210.0
    assert s.period.label == "2026-Q4"


def test_monthly_plan_refuses_a_quarter():
    from kpis.calculators import CalculatorError

    ds = dataset(deals=_alice_oct(), targets=targets(["Alice"], ["2026-10"]))
    with pytest.raises(CalculatorError):
        commission_statements(ds, parse_period("2026-Q4"), config(""))


def test_warnings_no_quota_no_rep_no_plan():
    d = deals(("D1", "Alice", 8000, "2026-10-05"), ("D2", None, 1000, "2026-10-06"), ("D3", "Zoe", 1000, "2026-10-07"))
    team = pd.DataFrame({"rep": ["Alice", "Zoe"], "plan": ["p", None]})
    cfg = parse_config("[plans.p]\nrates = [[0, 0.05]]\n[plans.q]\nrates = [[0, 0.1]]\n")
    st = commission_statements(dataset(deals=d, team=team), OCT, cfg)
    codes = [c for c, _ in st.warnings]
    assert "calc_no_rep" in codes and "calc_no_plan" in codes and "calc_no_targets" in codes
    assert st.reps["Alice"].commission == 0.0
    assert [c for c, _ in st.reps["Alice"].notes] == ["calc_no_quota"]
    assert st.has_problems


def test_fallback_quota_from_the_plan():
    ds = dataset(deals=_alice_oct())
    s = commission_statements(ds, OCT, config("quota = 10000")).reps["Alice"]
    assert s.quota == 10000.0 and s.commission == 510.0


def test_json_shape():
    import json

    ds = dataset(deals=_alice_oct(), targets=targets(["Alice"], ["2026-10"]))
    data = json.loads(commission_statements(ds, OCT, config("")).to_json())
    assert data["period"]["start"] == "2026-10-01"
    alice = data["reps"]["Alice"]
    for k in ("credited", "quota", "attainment", "commission", "spiffs", "clawbacks", "draw", "payable", "lines"):
        assert k in alice
    assert alice["lines"][0]["deal_id"] == "D1"
    assert set(alice["lines"][0]) >= {"deal_id", "account", "amount", "share", "weight", "credited", "rate", "commission"}


def test_rounding_remainder_stays_on_the_lines():
    # three deals of 333.33… at a flat 1 %: each earns 3.333… cents-wise
    d = deals(*[(f"D{i}", "Alice", 1000 / 3, f"2026-10-0{i + 1}") for i in range(3)])
    ds = dataset(deals=d, targets=targets(["Alice"], ["2026-10"]))
    cfg = parse_config("[plans.p]\nrates = [[0, 0.01]]\n")
    s = commission_statements(ds, OCT, cfg).reps["Alice"]
    # 1 000 × 1 % = 10.00 ; lines 3.33 / 3.34 / 3.33 (differences of rounded running totals 3.33, 6.67, 10.00)
    assert s.lines["commission"].tolist() == [3.33, 3.34, 3.33]
    assert s.commission == 10.0


def test_a_spiff_on_a_deal_shared_three_ways_pays_its_amount_in_whole_cents():
    """A 100 SPIFF on a deal split in thirds: 33.34 + 33.33 + 33.33 = 100 (three times 33.33 paid
    99.99, against the plan's 'a split deal pays one SPIFF in total')."""
    from kpis.dataset import Dataset

    from .helpers import RATES

    splits = pd.DataFrame({"deal_id": ["S1"] * 3, "rep": ["Alice", "Bruno", "Chloe"], "share": [1, 1, 1]})
    ds = Dataset.from_frames(deals=deals(("S1", "Alice", 9000, "2026-10-05")), splits=splits,
                             targets=targets(["Alice", "Bruno", "Chloe"], ["2026-10"]))
    cfg = parse_config(f'[plans.p]\nrates = {RATES}\n[[plans.p.spiffs]]\nname = "any"\namount = 100\n')
    st = commission_statements(ds, parse_period("2026-10"), cfg)
    assert {r: s.spiffs for r, s in st.reps.items()} == {"Alice": 33.34, "Bruno": 33.33, "Chloe": 33.33}


def test_half_a_cent_of_commission_rounds_as_the_spreadsheet_does():
    """1,000.25 at 2 %: 20.005, which Excel's ROUND(…; 2) makes 20.01 (numpy's round made 20.00)."""
    from kpis.dataset import Dataset

    ds = Dataset.from_frames(deals=deals(("H1", "Alice", 1000.25, "2026-10-05")), targets=targets(["Alice"], ["2026-10"]))
    st = commission_statements(ds, parse_period("2026-10"), parse_config("[plans.p]\nrates = [[0, 0.02]]\n"))
    assert st.reps["Alice"].commission == 20.01


def test_a_rep_without_a_plan_is_warned_over_the_quarter_to_date_a_statement_covers():
    """A quarterly plan asked for November covers October 1 to November 30: Zed's October deal, on
    no plan, is warned about (it was not: only November was looked at)."""
    from kpis.dataset import Dataset

    from .helpers import RATES

    team = pd.DataFrame({"rep": ["Alice"], "role": ["AE"], "plan": ["a"]})
    d = deals(("S1", "Alice", 10000, "2026-10-05"), ("Z1", "Zed", 8000, "2026-10-09"), ("A2", "Alice", 1000, "2026-11-03"))
    ds = Dataset.from_frames(deals=d, team=team, targets=targets(["Alice", "Zed"], ["2026-10", "2026-11"]))
    two = 'period = "quarter"\n'  # two plans: a rep the team table gives none of them has no plan
    cfg = parse_config(f"[plans.a]\nrates = {RATES}\n{two}[plans.b]\nrates = {RATES}\n{two}")
    st = commission_statements(ds, parse_period("2026-11"), cfg)
    assert [(n.code, n.params) for n in st.warnings] == [("calc_no_plan", {"rep": "Zed"})]
    monthly = parse_config(f"[plans.a]\nrates = {RATES}\n[plans.b]\nrates = {RATES}\n")
    assert [n.code for n in commission_statements(ds, parse_period("2026-11"), monthly).warnings] == []  # November only
