"""Known answers for every KPI, on the hand-built tables of ``tests/engine/data.py``.

Every expected value is worked out by hand in the comments, row by row (deals D1..D16, activities
A1..A14 in file order, leads L1..L8, customers C1..C9). P is October 2026 unless said otherwise.
"""

from __future__ import annotations

from datetime import date

import pytest

from kpis.config import Config
from kpis.engine import compute, compute_kpi
from kpis.periods import parse_period

from . import data

OCT = parse_period("2026-10")
AS_OF = date(2026, 11, 20)  # the data's date: October is entirely in the past
approx = pytest.approx


@pytest.fixture(scope="module")
def oct_results():
    return compute(data.dataset(), OCT, as_of=AS_OF, by=["rep", "team", "product", "segment", "source", "location", "deal_type"])


def v(results, kpi_id):
    r = results[kpi_id]
    assert r.status == "ok", (kpi_id, r.status, r.reason)
    return r.value


# -- deals and revenue ------------------------------------------------------------------------------
def test_deals_and_revenue(oct_results):
    r = oct_results
    # Won deals closed in October: D1 (closed 10-01, first day), D2 (closed 10-31 18:30, a date-time on
    # the last day), D3. D7 closed 09-30 and D8 closed 11-01 are outside.
    assert v(r, "revenue") == 1000 + 3000 + 2000
    assert v(r, "deals_won") == 3
    assert v(r, "deals_lost") == 3  # D4, D5, D6 (D13 closed in September)
    assert v(r, "win_rate") == approx(3 / (3 + 3))
    assert v(r, "win_loss_ratio") == approx(3 / 3)
    assert v(r, "average_deal_size") == approx(6000 / 3)
    # Margin over the won deals that have a cost (D2 has none): D1 1000-600, D3 2000-1500.
    assert v(r, "gross_margin") == approx(400 + 500)
    # margin_rate: both sides on the deals with a cost only: 900 / (1000 + 2000).
    assert v(r, "margin_rate") == approx(900 / 3000)
    # Cycle: D1 09-01→10-01 = 30 days, D2 10-02→10-31 = 29 (the 18:30 counts by its date), D3 08-01→10-15 = 75.
    assert v(r, "sales_cycle_days") == approx((30 + 29 + 75) / 3)
    # D2 upsell, D3 cross_sell, D1 new.
    assert v(r, "upsell_cross_sell_rate") == approx(2 / 3)
    # List price on D1 (1250) and D3 (2000): (1250-1000)/1250 = 0.2 and 0 → mean 0.1.
    assert v(r, "average_discount") == approx(0.1)
    # Competitor price on D1 (1000) and D2 (2500): 1000/1000-1 = 0 and 3000/2500-1 = 0.2 → mean 0.1.
    assert v(r, "price_vs_competitor") == approx(0.1)
    # Lost in October: D4 Prix, D5 Prix, D6 no reason → 2/3 and 1/3 "(none)".
    assert v(r, "lost_reasons") == approx({"Prix": 2 / 3, "(none)": 1 / 3})
    assert r["lost_reasons"].detail == {"counts": {"Prix": 2, "(none)": 1}, "total": 3}
    # open_deals × average_deal_size × win_rate / cycle = 4 × 2000 × 0.5 / (134/3).
    assert v(r, "sales_velocity") == approx(4 * 2000 * 0.5 / (134 / 3))


def _known(by: dict) -> dict:
    """A by-rep breakdown without the team members listed as n/a (no denominator for them)."""
    assert all(by[m] is None for m in ("Chloé", "Emma") if m in by)
    return {k: v for k, v in by.items() if v is not None}


def test_revenue_breakdowns(oct_results):
    by = oct_results["revenue"].by
    # D1 + D3 ; D2 ; Chloé (left 10-10) and Emma (the manager) are on the team sheet in October: 0.
    assert by["rep"] == {"Alice": 3000.0, "Bruno": 3000.0, "Chloé": 0.0, "Emma": 0.0}
    assert by["team"] == {"Nord": 3000.0, "Sud": 3000.0}  # Alice → Nord, Bruno → Sud (team table)
    assert by["product"] == {"A": 3000.0, "B": 3000.0}
    assert by["location"] == {"Lyon": 3000.0, "Paris": 3000.0}  # sales volume by location
    assert by["segment"] == {"ETI": 3000.0, "PME": 3000.0}  # via customer_id: C1 PME, C2 ETI, C3 PME
    assert by["deal_type"] == {"cross_sell": 2000.0, "new": 1000.0, "upsell": 3000.0}
    # Ratio breakdowns are ratios of the breakdown's sums: Alice won D1, D3 and lost D5 → 2/3.
    # Members without a closed deal have no denominator: n/a, listed all the same.
    win = oct_results["win_rate"].by["rep"]
    assert {k: v for k, v in win.items() if v is not None} == approx({"Alice": 2 / 3, "Bruno": 1 / 3})
    assert win["Chloé"] is None and win["Emma"] is None
    size = oct_results["average_deal_size"].by["rep"]
    assert {k: v for k, v in size.items() if v is not None} == approx({"Alice": 1500.0, "Bruno": 3000.0})


def test_revenue_comparisons_and_target(oct_results):
    r = oct_results["revenue"]
    assert r.previous == 4000  # September: D7
    assert r.year_ago == 400  # October 2025: D16
    assert r.change == approx((6000 - 4000) / 4000) and r.change_kind == "relative" and r.good is True
    # Target = Σ quotas of October prorated for days employed, the quota quota_attainment divides by:
    # Alice 10000 (employed all month) + Bruno 4000 × 16/31 (hired 16 October: 16th..31st = 16 days).
    assert r.target == approx(10000 + 4000 * 16 / 31) and r.target_met is False
    assert r.target_by["rep"] == approx({"Alice": 10000.0, "Bruno": 4000 * 16 / 31})
    w = oct_results["win_rate"]
    # September: D7 won, D13 lost → 0.5; the change of a rate is in points.
    assert w.previous == approx(0.5) and w.change == approx(0.0) and w.change_kind == "points" and w.good is None


# -- pipeline ---------------------------------------------------------------------------------------
def test_pipeline(oct_results):
    r = oct_results
    # Created in October: D2, D5, D8, D10, D11.
    assert v(r, "new_opportunities") == 5
    # Open at 10-31: D8 (won 11-01), D9, D10, D11; D12 was created 11-05.
    assert v(r, "open_deals") == 4
    assert v(r, "open_pipeline_value") == 700 + 5000 + 2000 + 1000
    # D8 0.9 (its own), D9 0.4, D10 "Négociation" → 0.7 by default, D11 unknown stage → 0 with a note.
    assert v(r, "weighted_pipeline") == approx(700 * 0.9 + 5000 * 0.4 + 2000 * 0.7)
    assert any("Étape bizarre" in n for n in r["weighted_pipeline"].notes)
    # Open at 10-31 and expected in November: D9 (11-15) and D10 (11-30, last day). November quotas 14000.
    assert v(r, "pipeline_coverage") == approx((5000 + 2000) / 14000)
    # Worked: created ≤ 10-31 and not closed before 10-01: D1..D6, D8..D11 = 10 (D7, D12, D13..D16 out).
    assert v(r, "close_ratio") == approx(3 / 10)
    assert v(r, "proposals_sent") == 3  # D2 10-10, D3 10-01, D4 10-05
    assert v(r, "demo_to_close") == approx(3 / 3)  # demo activities A7, A8, A14
    assert v(r, "forecast") == 6000  # October is past at the data date: the forecast is the revenue


def test_weighted_pipeline_uses_configured_stage_probabilities():
    cfg = Config(stage_probability={"étape bizarre": 0.25, "negociation": 0.5})
    r = compute_kpi(data.dataset(), "weighted_pipeline", OCT, config=cfg, as_of=AS_OF)
    # D8 0.9, D9 0.4 (deals' own), D10 0.5 and D11 0.25 from the configuration.
    assert r.value == approx(630 + 2000 + 1000 + 250) and r.notes == []


def test_forecast_mid_period():
    # At 10-15: closed so far D1 (10-01) + D3 (10-15) = 3000; open at 10-15 and expected in 10-16..10-31:
    # D2 (expected 10-30, probability 0.6) and D4 (10-18, 0.5); D5 has no expected date, D6 expects 11-10.
    r = compute_kpi(data.dataset(), "forecast", OCT, as_of=date(2026, 10, 15))
    assert r.value == approx(3000 + 3000 * 0.6 + 1500 * 0.5)


def test_pipeline_coverage_by_rep(oct_results):
    # Alice: D9 5000 / 10000 ; Bruno: D10 2000 / 4000.
    assert _known(oct_results["pipeline_coverage"].by["rep"]) == approx({"Alice": 0.5, "Bruno": 0.5})
    assert oct_results["pipeline_coverage"].by["product"] is None  # quotas carry no product


# -- activities -------------------------------------------------------------------------------------
def test_activities(oct_results):
    r = oct_results
    # October: A1..A9 (A9 on 10-31), A12, A13, A14; A10 is in September, A11 in November.
    assert v(r, "calls") == 2  # A1, A12
    assert v(r, "emails") == 2  # A2 (08:15 on 10-02), A13
    assert v(r, "meetings") == 4  # A3, A4, A5, A6
    assert v(r, "visits") == 1  # A9
    assert v(r, "demos") == 3  # A7, A8, A14
    assert v(r, "activities_total") == 12
    assert v(r, "meetings_lost_rate") == approx(2 / 4)  # A4 canceled, A5 postponed
    # Linked to D1 (A1, A2), D2 (A3, A7, A11 - November still counts), D3 (A10 - September) = 6 / 3 deals.
    assert v(r, "touches_per_won_deal") == approx(6 / 3)
    assert r["touches_per_won_deal"].detail == approx({"call": 3 / 3, "demo": 1 / 3, "email": 1 / 3, "meeting": 1 / 3})
    # By the deal's rep: Alice D1, D3 → 3 touches / 2 deals; Bruno D2 → 3 / 1.
    assert _known(r["touches_per_won_deal"].by["rep"]) == approx({"Alice": 1.5, "Bruno": 3.0})
    assert v(r, "activities_per_opportunity") == approx(12 / 5)
    # Active at 10-31: C1, C2, C8. October activities on them: A1 (C1), A3 (C2), A5 (C1), A9 (C1) = 4.
    # (A6 is on C3, churned 10-20; A13 on C9, gone since March.)
    assert v(r, "customer_engagement") == approx(4 / 3)


# -- leads and funnel -------------------------------------------------------------------------------
def test_leads(oct_results):
    r = oct_results
    # Created in October: L1, L2, L3, L4 (10-31 23:30), L7. L5 September, L6 11-01 00:00, L8 August.
    assert v(r, "leads_created") == 5
    # Reached MQL: L1, L2 (dates), L3 (an sql_date implies it), L7 (mql date, then disqualified); not L4.
    assert v(r, "lead_qualification_rate") == approx(4 / 5)
    assert v(r, "conversion_rate") == approx(3 / 5)  # deals_won / leads_created
    funnel = v(r, "funnel")
    assert {s: funnel[s]["count"] for s in funnel} == {"lead": 5, "mql": 4, "sql": 2, "opportunity": 1, "customer": 1}
    assert [funnel[s]["rate"] for s in funnel] == approx([None, 4 / 5, 2 / 4, 1 / 2, 1 / 1])
    # Created on or before 10-31: L1 mql, L2 customer, L3 sql, L4 lead, L5 customer, L7 disqualified, L8 customer.
    assert v(r, "lifecycle_distribution") == approx(
        {"lead": 1 / 7, "mql": 1 / 7, "sql": 1 / 7, "customer": 3 / 7, "disqualified": 1 / 7})
    # mql_date in October: L1, L2, L7; with a customer_date: L2.
    assert v(r, "mql_to_customer_rate") == approx(1 / 3)
    # sql_date in October: L2, L3, L5; with a customer_date: L2 (10-20), L5 (11-03).
    assert v(r, "sql_to_customer_rate") == approx(2 / 3)
    # Created in October and contacted: L1 4 h, L2 24 h, L3 2 h; L7 was "contacted" an hour before it
    # was created (a data error): left out.
    assert v(r, "lead_response_time_hours") == approx((4 + 24 + 2) / 3)
    assert v(r, "leads_followed_up_rate") == approx(4 / 5)  # L1, L2, L3, L7 have a first contact
    # first_contact_at in October: L1, L2, L3, L5, L7. Responses: L1+, L2+, L3-, L7- (L5 "empty").
    assert v(r, "response_rate") == approx(4 / 5)
    assert v(r, "positive_response_rate") == approx(2 / 5)
    assert v(r, "negative_response_rate") == approx(2 / 5)
    assert v(r, "meeting_acceptance_rate") == approx(2 / 4)  # L1, L2 have a meeting, of the 4 that responded
    assert v(r, "customer_acquisition_rate") == approx(2 / 5)  # L2, L5 became customers
    # customer_date in October: L2 (10-02 10:00 → 10-20 = 18 days by date), L8 (08-01 → 10-05 = 65).
    assert v(r, "customer_lifecycle_days") == approx((18 + 65) / 2)


def test_cost_per_lead_by_channel(oct_results):
    # Marketing spend per channel / leads of that source created in October: Web 600 / 4 (L1, L3, L4,
    # L7), Salon 400 / 1 (L2).
    assert oct_results["cost_per_lead"].by["source"] == approx({"Salon": 400.0, "Web": 150.0})


# -- customers --------------------------------------------------------------------------------------
def test_customers(oct_results):
    r = oct_results
    # At start (start < 10-01, not ended before 10-01): C1, C3, C4 (ended 10-01: still there), C8.
    assert v(r, "customers_at_start") == 4
    assert v(r, "new_customers") == 2  # C2 10-05, C5 10-01
    assert v(r, "churned_customers") == 2  # C3 (10-20), C4 (10-01)
    # Active at 10-31 (end empty or after 10-31): C1, C2, C8; C5 left on 10-31.
    assert v(r, "active_customers") == 3
    assert v(r, "churn_rate") == approx(2 / 4)
    # (active − new still active) / at start = (3 − 1 [C2]) / 4.
    assert v(r, "retention_rate") == approx((3 - 1) / 4)
    assert v(r, "mrr") == 100 + 300 + 250
    assert v(r, "arr") == 12 * 650
    # MRR churned C3 200 + C4 150 over MRR at start C1 100 + C3 200 + C4 150 + C8 250.
    assert v(r, "revenue_churn_rate") == approx(350 / 700)
    assert v(r, "arpa") == approx(650 / 3)
    # Won deals closed 2025-11-01..2026-10-31: D1 (C1), D2 (C2), D3 (C3), D7 (account Gala), D14 (C1),
    # D15 (account Gala, closed 2025-11-01); D16 closed 2025-10-31 is out. 6 deals / 4 customers.
    assert v(r, "purchases_per_customer") == approx(6 / 4)
    # monthly arpa 650/3 × margin 0.3 / monthly churn 0.5.
    assert v(r, "clv") == approx(650 / 3 * 0.3 / 0.5)
    # Scores in October: 10, 9, 9 promoters; 3 and 6 detractors → (3 − 2) / 5 × 100.
    assert v(r, "nps") == approx(20.0)
    assert v(r, "csat") == approx(2 / 4)  # csat given on 4 surveys; 5 and 4 are ≥ 4
    # New customers C2 ("Recommandation client" matches the referral word) and C5 (Web).
    assert v(r, "referral_rate") == approx(1 / 2)


# -- acquisition ------------------------------------------------------------------------------------
def test_acquisition(oct_results):
    r = oct_results
    spend = 600 + 400 + 1000  # October, all categories
    assert v(r, "cac") == approx(spend / 2)
    assert v(r, "cost_per_lead") == approx((600 + 400) / 5)  # marketing only
    assert v(r, "cost_per_conversion") == approx(spend / 3)
    clv = 650 / 3 * 0.3 / 0.5
    assert v(r, "clv_to_cac") == approx(clv / 1000)
    assert v(r, "cac_payback_months") == approx(1000 / (650 / 3 * 0.3))
    assert v(r, "roi") == approx((6000 * 0.3 - spend) / spend)
    assert r["cac"].by["rep"] is None  # spend has no rep: not an error, marked unavailable


# -- team -------------------------------------------------------------------------------------------
def test_team(oct_results):
    r = oct_results
    # Credited: D1 1000 Alice; D2 3000 Bruno; D3 2000 split 75/25 → Alice 1500, Bruno 500.
    # Quotas: Alice 10000; Bruno hired 10-16 → 4000 × 16/31.
    bruno_quota = 4000 * 16 / 31
    assert v(r, "quota_attainment") == approx(6000 / (10000 + bruno_quota))
    assert _known(r["quota_attainment"].by["rep"]) == approx({"Alice": 2500 / 10000, "Bruno": 3500 / bruno_quota})
    assert r["quota_attainment"].by["team"] == approx({"Nord": 0.25, "Sud": 3500 / bruno_quota})
    assert v(r, "reps_at_quota_rate") == approx(1 / 2)  # Bruno 169 %, Alice 25 %
    # Employee surveys in October: 9 and 10 promoters, 5 detractor → (2 − 1) / 3 × 100.
    assert v(r, "enps") == approx(100 / 3)
    # Headcount at 10-01: Alice, Chloé (leaves 10-10), Emma = 3; at 10-31: Alice, Bruno, Emma = 3.
    # Chloé left in October → 1 / 3.
    assert v(r, "employee_turnover_rate") == approx(1 / 3)
    # By team: Nord had Alice, Chloé, Emma at the start and Alice, Emma at the end → 1 / 2.5.
    assert r["employee_turnover_rate"].by["team"] == approx({"Nord": 1 / 2.5, "Sud": 0.0})


# -- edge cases of kpis.md --------------------------------------------------------------------------
def test_zero_denominators_give_no_data_never_inf_or_nan():
    r = compute(data.dataset(), parse_period("2030-01"), as_of=AS_OF)
    assert r["revenue"].value == 0 and r["revenue"].status == "ok"
    for k in ("win_rate", "win_loss_ratio", "average_deal_size", "margin_rate", "sales_cycle_days", "nps", "csat",
              "conversion_rate", "cac", "meetings_lost_rate", "lost_reasons", "funnel"):
        assert r[k].value is None and r[k].status == "no_data", k
        assert r[k].reason
    js = r.to_json()
    assert "NaN" not in str(js) and "inf" not in str(js)


def test_win_loss_ratio_without_losses_is_no_data():
    r = compute(data.dataset(), parse_period("2025-10"), as_of=AS_OF)  # D16 won, nothing lost
    assert r["win_loss_ratio"].status == "no_data" and r["win_rate"].value == 1.0


def test_missing_column_gives_missing_input_and_the_rest_is_computed():
    ds = data.dataset(deals=data.deals().drop(columns=["lost_reason"]))
    r = compute(ds, OCT, as_of=AS_OF)
    assert r["lost_reasons"].status == "missing_input" and r["lost_reasons"].value is None
    # the reason names the input in the user's words (default French), `missing` keeps the ids
    assert "Affaires : Motif de perte" in r["lost_reasons"].reason and r["lost_reasons"].missing == ["deals.lost_reason"]
    assert r["revenue"].value == 6000 and r["win_rate"].value == 0.5


def test_missing_table_names_the_table():
    r = compute(data.dataset(surveys=None, employee_surveys=None), OCT, as_of=AS_OF, kpis=["nps", "enps", "revenue"])
    assert r["nps"].status == "missing_input" and r["nps"].missing == ["surveys"]
    assert r["enps"].missing == ["employee_surveys"]
    assert r["revenue"].status == "ok"


def test_margin_rate_with_cost_on_some_deals_only():
    # Already in the data: D2 has no cost. Without any cost, margin_rate is missing and CLV takes 1 with a note.
    ds = data.dataset(deals=data.deals().drop(columns=["cost"]))
    r = compute(ds, OCT, as_of=AS_OF, kpis=["margin_rate", "clv", "roi"])
    assert r["margin_rate"].status == "missing_input"
    assert r["clv"].value == approx(650 / 3 * 1.0 / 0.5)
    assert any("100" in n for n in r["clv"].notes)
    assert r["roi"].value == approx((6000 - 2000) / 2000)


def test_clv_is_null_when_churn_is_zero():
    # November: customers at start C1, C2, C8 (C5 left 10-31); nobody leaves in November.
    r = compute_kpi(data.dataset(), "clv", parse_period("2026-11"), as_of=AS_OF)
    assert r.value is None and r.status == "no_data" and "attrition nulle" in r.reason
    assert compute_kpi(data.dataset(), "churn_rate", parse_period("2026-11"), as_of=AS_OF).value == 0


def test_multi_month_churn_is_converted_to_monthly():
    q4 = parse_period("2026-Q4")
    r = compute(data.dataset(), q4, as_of=AS_OF, kpis=["churn_rate", "arpa", "margin_rate", "clv"])
    # At 10-01: C1, C3, C4, C8; C3 and C4 leave in the quarter → 0.5 over 3 months.
    assert r["churn_rate"].value == approx(0.5)
    # Active at 12-31: C1, C2, C7 (started 11-02), C8 → MRR 100 + 300 + 80 + 250 over 4.
    assert r["arpa"].value == approx(730 / 4)
    # Won in Q4: D1, D2, D3, D8 (no cost) → 900 / 3000.
    assert r["margin_rate"].value == approx(0.3)
    monthly_churn = 1 - (1 - 0.5) ** (1 / 3)
    assert r["clv"].value == approx(730 / 4 * 0.3 / monthly_churn)


def test_arpa_without_mrr_uses_monthly_revenue():
    ds = data.dataset(customers=data.customers().drop(columns=["mrr"]))
    r = compute(ds, OCT, as_of=AS_OF, kpis=["arpa", "mrr"])
    assert r["mrr"].status == "missing_input"
    assert r["arpa"].value == approx(6000 / 3) and r["arpa"].notes
    # Over a quarter the revenue is taken per month: (6000 + 700 [D8, 11-01]) / 3 months / 4 active.
    q = compute_kpi(ds, "arpa", parse_period("2026-Q4"), as_of=AS_OF)
    assert q.value == approx(6700 / 3 / 4)


def test_demo_to_close_without_activity_table_uses_demo_dates():
    r = compute_kpi(data.dataset(activities=None), "demo_to_close", OCT, as_of=AS_OF)
    # Deals with demo_date in October: D2 (10-05) → 3 won / 1.
    assert r.value == approx(3.0) and r.notes


def test_purchases_per_customer_falls_back_on_account():
    ds = data.dataset(deals=data.deals().drop(columns=["customer_id"]))
    # Without ids, accounts: Acme (D1, D14), Bolt (D2), Cora (D3), Gala (D7, D15) → 6 / 4.
    assert compute_kpi(ds, "purchases_per_customer", OCT, as_of=AS_OF).value == approx(6 / 4)
    ds = data.dataset(deals=data.deals().drop(columns=["customer_id", "account"]))
    r = compute_kpi(ds, "purchases_per_customer", OCT, as_of=AS_OF)
    assert r.status == "missing_input" and "Affaires : N° client / Affaires : Client" in r.reason


def test_cost_per_lead_without_spend_category_counts_all_spend():
    ds = data.dataset(spend=data.spend().drop(columns=["category"]))
    r = compute_kpi(ds, "cost_per_lead", OCT, as_of=AS_OF)
    assert r.value == approx(2000 / 5) and r.notes


def test_custom_range_prorates_monthly_spend_and_quotas():
    p = parse_period("2026-10-01:2026-10-15")
    r = compute(data.dataset(), p, as_of=AS_OF, kpis=["cac", "quota_attainment", "revenue"])
    # Spend: 15/31 of October's 2000; new customers in the range: C2 (10-05), C5 (10-01).
    assert r["cac"].value == approx(2000 * 15 / 31 / 2)
    # Revenue 10-01..10-15: D1 1000 + D3 2000 (Alice 1000 + 1500, Bruno 500); quotas 15/31 of Alice's
    # 10000, Bruno not yet employed (hired 10-16) → no quota, left out.
    assert r["revenue"].value == 3000
    assert r["quota_attainment"].value == approx(2500 / (10000 * 15 / 31))


def test_results_do_not_depend_on_row_order():
    shuffled = {k: df.sample(frac=1.0, random_state=3) for k, df in data.tables().items()}
    a = compute(data.dataset(), OCT, as_of=AS_OF, by=["rep"]).to_json()
    b = compute(data.dataset(**shuffled), OCT, as_of=AS_OF, by=["rep"]).to_json()
    assert _close(a, b)


def _close(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == approx(b)
    return a == b


def test_revenue_of_reps_without_a_quota_is_said_on_the_teams_attainment():
    """Team attainment = Σ credited / Σ quota over the reps carrying a quota; Zed (no target) sold
    50,000 that are on neither side: a note says who and how much (it said nothing)."""
    import pandas as pd

    from kpis.dataset import Dataset

    deals = pd.DataFrame({"deal_id": ["D1", "D2"], "rep": ["Alice", "Zed"], "amount": [10000.0, 50000.0],
                          "stage": ["won", "won"], "status": ["won", "won"],
                          "close_date": pd.to_datetime(["2026-10-03", "2026-10-05"])})
    targets = pd.DataFrame({"rep": ["Alice"], "period": pd.to_datetime(["2026-10-01"]), "quota": [10000.0]})
    r = compute(Dataset.from_frames(deals=deals, targets=targets), OCT, as_of=AS_OF, kpis=["quota_attainment"])
    q = r["quota_attainment"]
    assert q.value == approx(1.0)
    assert list(q.notes) == ["50\u202f000 crédités à 1 commercial(aux) sans objectif dans la période (Zed) : "
                             "hors de l'atteinte de l'équipe"]
