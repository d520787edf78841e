"""Exact and simulated distributions agree; invariants hold for any deals (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.forecast.distribution import outcome_distribution, simulation_tolerance

deal = st.tuples(st.integers(0, 50_000).map(float), st.floats(0, 1))
deal_lists = st.lists(deal, min_size=0, max_size=9)


def _split(deals):
    return [a for a, _ in deals], [p for _, p in deals]


def test_exact_and_simulation_agree_within_four_standard_errors():
    rng = np.random.default_rng(7)
    amounts = rng.integers(1_000, 60_000, 14).astype(float)
    probs = rng.uniform(0.05, 0.95, 14)
    exact = outcome_distribution(20_000, amounts, probs)
    sim = outcome_distribution(20_000, amounts, probs, method="simulation")
    assert exact.method == "exact" and sim.method == "simulation"
    tol = simulation_tolerance(sim.n_sims)  # 4 × sqrt(.25 / 100 000) ≈ 0.0063
    for quota in (50_000, 150_000, 200_000, 250_000, 320_000):
        assert abs(exact.p_at_least(quota) - sim.p_at_least(quota)) <= tol, quota
    assert sim.mean() == pytest.approx(exact.mean(), rel=0.01)


def test_too_many_outcomes_falls_back_to_simulation():
    amounts = [1_000.0 + 17 * i for i in range(30)]  # distinct sums explode
    d = outcome_distribution(0, amounts, [0.5] * 30, max_support=1 << 12)
    assert d.method == "simulation"
    with pytest.raises(ValueError):
        outcome_distribution(0, amounts, [0.5] * 30, max_support=1 << 12, method="exact")


def test_repeated_amounts_stay_exact():
    # 200 deals of 1 000 at 30 %: a binomial, 201 distinct sums.
    d = outcome_distribution(0, [1_000.0] * 200, [0.3] * 200)
    assert d.method == "exact" and len(d.cents) == 201
    assert d.mean() == pytest.approx(60_000)


def test_simulation_is_reproducible():
    a = outcome_distribution(0, [5_000.0, 7_000.0], [0.4, 0.6], method="simulation", n_sims=1_000)
    b = outcome_distribution(0, [5_000.0, 7_000.0], [0.4, 0.6], method="simulation", n_sims=1_000)
    assert np.array_equal(a.cents, b.cents)


@settings(max_examples=60, deadline=None)
@given(deal_lists, st.integers(0, 100_000).map(float), st.integers(0, 300_000).map(float),
       st.integers(0, 300_000).map(float))
def test_p_hit_never_increases_with_the_quota(deals, won, q1, q2):
    amounts, probs = _split(deals)
    lo, hi = sorted((q1, q2))
    for method in ("exact", "simulation"):
        d = outcome_distribution(won, amounts, probs, method=method, n_sims=2_000)
        assert d.p_at_least(hi) <= d.p_at_least(lo) + 1e-12


@settings(max_examples=60, deadline=None)
@given(deal_lists, st.integers(0, 100_000).map(float))
def test_percentiles_are_ordered_and_within_bounds(deals, won):
    amounts, probs = _split(deals)
    d = outcome_distribution(won, amounts, probs)
    p10, p50, p90 = d.percentile(0.1), d.percentile(0.5), d.percentile(0.9)
    assert won <= p10 <= p50 <= p90 <= won + sum(amounts) + 1e-6
    assert d.mean() == pytest.approx(won + sum(a * p for a, p in deals), abs=0.01)
    assert d.probs.sum() == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 50_000).map(float), st.floats(0, 1), st.sampled_from(["Proposition", "Qualification", "???"])),
                max_size=8), st.integers(0, 50_000).map(float))
def test_forecast_is_won_plus_weighted(rows, won_amount):
    from datetime import date

    import pandas as pd

    from kpis.forecast import forecast_deals
    from kpis.periods import month

    frame = pd.DataFrame({
        "status": ["won"] + ["open"] * len(rows),
        "amount": [won_amount] + [a for a, _, _ in rows],
        "probability": [np.nan] + [p if i % 2 else np.nan for i, (_, p, _) in enumerate(rows)],
        "stage": ["Gagné"] + [s for _, _, s in rows],
        "close_date": pd.to_datetime(["2026-10-02"] + [None] * len(rows)),
        "expected_close_date": pd.to_datetime([None] + ["2026-10-20"] * len(rows)),
    })
    r = forecast_deals(frame, month(2026, 10), date(2026, 10, 10), {"Proposition": 0.5}, 60_000.0)
    assert r["forecast"] == pytest.approx(r["won"] + r["weighted"])
    assert r["won"] == won_amount
    assert r["p10"] <= r["p50"] <= r["p90"]
    assert 0.0 <= r["p_hit_quota"] <= 1.0


@pytest.mark.parametrize("n_deals", [1, 7, 300])
def test_simulated_totals_are_those_of_the_matrix_product_in_one_chunk(n_deals, monkeypatch):
    """The simulation sums each draw's closing deals with einsum, in chunks of whole draws: the same
    totals as the one matrix product ``(U < p) @ cents`` over the same stream (sums of whole cents
    are exact in any order), whatever the chunk size."""
    from kpis.forecast import distribution as D

    rng = np.random.default_rng(3)
    cents = np.rint(rng.uniform(1, 5e6, n_deals) * 100)
    p = rng.uniform(0.05, 0.95, n_deals)
    n = 5_000
    draws = np.random.default_rng(D.SEED).random((n, n_deals)) < p
    expected = np.sort(1234 + np.rint(draws.astype(float) @ cents).astype(np.int64))
    for chunk in (n_deals, 10 * n_deals + 3, 10**6):
        monkeypatch.setattr(D, "_CHUNK_CELLS", chunk)
        got = D._simulate(1234, cents.astype(np.int64), p, n, D.SEED)
        assert np.array_equal(got.cents, expected)


def test_beyond_2_53_cents_the_simulation_keeps_the_matrix_product():
    """Sums of whole cents are exact in any order only below 2^53 cents (~90,000 billion): beyond (an
    id pasted as an amount), the totals stay those of the matrix product, not einsum's order."""
    from kpis.forecast import distribution as D

    rng = np.random.default_rng(5)
    cents = np.rint(rng.uniform(1, 5e6, 400) * 100)
    cents[17] = 12345678901234500.0
    p = rng.uniform(0.05, 0.95, 400)
    n = 2_000
    draws = np.random.default_rng(D.SEED).random((n, 400)) < p
    expected = np.sort(np.rint(draws.astype(float) @ cents).astype(np.int64))
    got = D._simulate(0, cents.astype(np.int64), p, n, D.SEED)
    assert np.array_equal(got.cents, expected)


@pytest.mark.parametrize("method", ["exact", "simulation"])
def test_totals_beyond_int64_cents_are_counted_not_wrapped_around(method):
    """Amounts the reader would keep (each below 9e16) whose sum passes int64's cents, a won total of
    1e17, an id pasted as an amount (1e20, through the API): counted in float64 cents, never wrapped
    around into negative billions, never an OverflowError."""
    both = outcome_distribution(0.0, [8e16, 8e16], [1.0, 1.0], method=method)
    assert both.percentile(0.1) == both.percentile(0.9) == 1.6e17
    half = outcome_distribution(1e17, [8e16, 8e16, 100.0], [0.5, 0.5, 0.5], method=method)
    # won 1e17, + 8e16 twice each half the time: 1e17 (1/4), 1.8e17 (1/2), 2.6e17 (1/4), + 100 half the time
    assert half.cents.min() >= 1e19 and half.percentile(0.1) >= 1e17
    assert half.percentile(0.9) == pytest.approx(2.6e17, rel=1e-12)
    assert half.percentile(0.1) <= half.percentile(0.5) <= half.percentile(0.9)
    assert half.p_at_least(1e17) == pytest.approx(1.0)
    assert half.p_at_least(1.7e17) == pytest.approx(0.75, abs=simulation_tolerance())
    huge = outcome_distribution(10.0, [1e20, 100.0], [0.5, 0.5], method=method)
    assert huge.percentile(0.1) == 10.0 and huge.percentile(0.99) == pytest.approx(1e20, rel=1e-12)


def test_ordinary_amounts_keep_exact_int64_cents():
    d = outcome_distribution(0.1, [0.1, 0.2], [0.5, 0.5], method="exact")
    assert d.cents.dtype == np.int64 and d.cents.tolist() == [10, 20, 30, 40]  # 0.1 + {0, 0.1, 0.2, 0.3}
