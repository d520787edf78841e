"""Periods the engine is asked for: default period, quarters, fiscal years, 13-month series."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kpis.engine import compute, compute_series, default_period, reference_date
from kpis.periods import last_n, parse_period, year

from . import data

AS_OF = date(2026, 11, 20)


def test_reference_date_ignores_planned_dates():
    # Latest facts: lead L6 created 11-01, deal D12 created 11-05, activity A11 on 11-01, customer C7
    # started 11-02. Expected close dates (D11: 12-05) are plans, not facts.
    assert reference_date(data.dataset()) == date(2026, 11, 5)
    assert default_period(data.dataset()) == parse_period("2026-10")


def test_default_period_without_dates_is_last_month():
    from kpis.dataset import Dataset

    today = date.today()
    p = default_period(Dataset())
    assert p.grain == "month" and p.end < date(today.year, today.month, 1)


def test_quarter_and_fiscal_year():
    q = compute(data.dataset(), parse_period("2026-Q4"), as_of=AS_OF, kpis=["revenue", "deals_won"])
    assert q["revenue"].value == 6000 + 700  # October + D8 (11-01)
    assert q.previous_period == parse_period("2026-Q3")
    # Fiscal year starting in April: FY2027 = 2026-04-01..2027-03-31; won deals D1, D2, D3, D7, D8.
    fy = compute(data.dataset(), year(2027, fiscal_start_month=4), as_of=AS_OF, kpis=["revenue"])
    assert fy["revenue"].value == 1000 + 3000 + 2000 + 4000 + 700
    # FY2026 = 2025-04-01..2026-03-31: D14 (2026-02-10), D15 (2025-11-01), D16 (2025-10-31).
    assert fy["revenue"].previous == 500 + 300 + 400


def test_series_of_13_months_matches_month_by_month():
    months = last_n(parse_period("2026-10"), 13)
    s = compute_series(data.dataset(), months, as_of=AS_OF, kpis=["revenue", "win_rate", "lost_reasons"], by=["rep"])
    assert len(s) == 13 and s.periods == months
    frame = s.to_frame()
    assert list(frame.columns) == [p.label for p in months]
    assert frame.loc["revenue", "2026-10"] == 6000 and frame.loc["revenue", "2026-09"] == 4000
    assert frame.loc["revenue", "2025-10"] == 400
    assert "lost_reasons" not in frame.index  # distributions are not a number per month
    for p, r in zip(months, s.results):
        one = compute(data.dataset(), p, as_of=AS_OF, kpis=["revenue", "win_rate"], compare=False)
        assert r["revenue"].value == one["revenue"].value and r["win_rate"].value == one["win_rate"].value
    js = s.to_json()
    assert js["kpis"]["revenue"]["values"][-1] == 6000
    assert js["kpis"]["win_rate"]["values"][0] == 1.0  # 2025-10: D16 won, nothing lost
    assert js["kpis"]["win_rate"]["status"][2] == "no_data"  # 2025-12: nothing closed
    text = json.dumps(js)
    assert "NaN" not in text


def test_results_json_has_no_breakdown_unless_asked():
    r = compute(data.dataset(), parse_period("2026-10"), as_of=AS_OF, kpis=["win_rate"]).to_json()
    assert "by" not in r["kpis"]["win_rate"]
    assert r["kpis"]["win_rate"]["value"] == pytest.approx(0.5) and r["kpis"]["win_rate"]["target"] is None
