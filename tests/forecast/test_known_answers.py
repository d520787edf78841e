"""The forecast of a hand-made set, worked out by hand (tests/forecast/data.py).

October 2026, as of 2026-10-15 (15 days elapsed of 31):

* won: W1 10 000 (W0, W00 are September's, WY October 2025's; E is lost) → won = 10 000;
* open at 15/10 and expected in October: A 20 000 (Proposition → 0.5 from the configuration),
  B 10 000 (own probability 0.2), C 40 000 (own 0.1), F no amount (Qualification 0.2).
  D is expected in November, L was created on the 16th (after the as-of date).
  open_count = 4, open_amount = 70 000, weighted = 10 000 + 2 000 + 4 000 + 0 = 16 000,
  forecast = 26 000, run_rate = 10 000 / 15 × 31 = 20 666.67;
* quota = Alice 25 000 + Bruno 15 000 = 40 000.

The 2^3 outcomes of A (p .5), B (.2), C (.1) -- F adds nothing:

    A B C   final    probability
    - - -   10 000   .5 × .8 × .9 = .36
    - B -   20 000   .5 × .2 × .9 = .09
    A - -   30 000   .5 × .8 × .9 = .36
    A B -   40 000   .5 × .2 × .9 = .09
    - - C   50 000   .5 × .8 × .1 = .04
    - B C   60 000   .5 × .2 × .1 = .01
    A - C   70 000   .5 × .8 × .1 = .04
    A B C   80 000   .5 × .2 × .1 = .01

CDF: 10k .36, 20k .45, 30k .81, 40k .90, 50k .94, 60k .95, 70k .99, 80k 1.
p10 = 10 000, p50 = 30 000, p90 = 40 000 (P(≤ 40k) = .90 exactly: the percentile is reached there);
P(final ≥ 40 000) = .09 + .04 + .01 + .04 + .01 = .19; P(≥ 30 000) = .55.
Commit = won 10 000 + A 20 000 = 30 000; best case = 30 000 + B 10 000 = 40 000.
Pacing: September by the 15th: W00 3 000 (W0 on the 28th), September in all 10 000;
October 2025 by the 15th: WY 4 000.
"""

from __future__ import annotations

from datetime import date

import pytest

from kpis.forecast import Options, forecast
from kpis.periods import month

from . import data

OCT = month(2026, 10)
AS_OF = date(2026, 10, 15)


@pytest.fixture(scope="module")
def result():
    return forecast(data.dataset(), OCT, data.CONFIG, as_of=AS_OF, by="rep")


def test_figures(result):
    assert result["won"] == 10_000
    assert result["open_count"] == 4
    assert result["open_amount"] == 70_000
    assert result["weighted"] == pytest.approx(16_000)
    assert result["forecast"] == pytest.approx(26_000)
    assert result["run_rate"] == pytest.approx(10_000 / 15 * 31)
    assert result["quota"] == 40_000 and result["quota_source"] == "targets"
    assert result["unweighted_count"] == 0


def test_distribution(result):
    assert result["method"] == "exact"
    assert result["p_hit_quota"] == pytest.approx(0.19)
    assert (result["p10"], result["p50"], result["p90"]) == (10_000, 30_000, 40_000)


def test_quota_option_and_categories():
    r = forecast(data.dataset(), OCT, data.CONFIG, as_of=AS_OF, quota=30_000)
    assert r["p_hit_quota"] == pytest.approx(0.55) and r["quota_source"] == "option"
    assert (r["commit"], r["best_case"]) == (30_000, 40_000)


def test_no_category_column_gives_none():
    r = forecast(data.dataset(deals=data.deals().drop(columns="forecast_category")), OCT, data.CONFIG, as_of=AS_OF)
    assert r["commit"] is None and r["best_case"] is None


def test_pacing(result):
    assert result["pacing"]["previous"] == {"period": "2026-09", "as_of": "2026-09-15", "won_to_date": 3_000,
                                            "won_total": 10_000}
    assert result["pacing"]["year_ago"]["won_to_date"] == 4_000
    assert result["pacing"]["year_ago"]["as_of"] == "2025-10-15"


def test_by_rep(result):
    reps = result["by"]["rep"]
    # Alice: won 10 000; A (20k, .5) and B (10k, .2): outcomes 10k .4, 20k .1, 30k .4, 40k .1; quota 25 000
    assert reps["Alice"]["won"] == 10_000 and reps["Alice"]["weighted"] == pytest.approx(12_000)
    assert reps["Alice"]["p_hit_quota"] == pytest.approx(0.5)
    # Bruno: nothing won; C (40k, .1) and F (no amount): 0 .9, 40 000 .1; quota 15 000
    assert reps["Bruno"]["p_hit_quota"] == pytest.approx(0.1)
    assert reps["Bruno"]["p50"] == 0 and reps["Bruno"]["p90"] == 0


def test_without_quota():
    r = forecast(data.dataset(targets=None), OCT, data.CONFIG, as_of=AS_OF)
    assert r["quota"] is None and r["p_hit_quota"] is None and r["p50"] == 30_000


def test_as_of_in_the_past_sees_deals_won_later_as_open():
    # On 4 October W1 (won on the 5th) was open -- but it had no expected close date, so it is not
    # in the period's open deals; E (lost on the 10th, expected on the 12th) was; nothing was won yet.
    r = forecast(data.dataset(), OCT, data.CONFIG, as_of=date(2026, 10, 4))
    assert r["won"] == 0 and r["open_count"] == 5  # A, B, C, E, F
    assert r["run_rate"] == 0


def test_before_the_period_starts():
    r = forecast(data.dataset(), OCT, data.CONFIG, as_of=date(2026, 9, 20))
    assert r["won"] == 0 and r["run_rate"] is None and r["days_elapsed"] == 0
    assert r["open_count"] == 3  # A, B and E existed; C, F were created in October


def test_forced_simulation_is_labelled():
    r = forecast(data.dataset(), OCT, data.CONFIG, as_of=AS_OF, options=Options(method="simulation", n_sims=20_000))
    assert r["method"] == "simulation" and r["simulations"] == 20_000 and isinstance(r["seed"], int)
    assert r["p_hit_quota"] == pytest.approx(0.19, abs=0.02)


def test_no_deals_table():
    from kpis.dataset import Dataset

    r = forecast(Dataset(), OCT, data.CONFIG, as_of=AS_OF)
    assert r["won"] == 0 and r["open_count"] == 0 and r["p50"] == 0 and r["quota"] is None
