"""Money rounded as a spreadsheet rounds it, and split without losing a cent (kpis/money.py)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kpis.money import round_cents, spread_cents


def test_half_a_cent_goes_away_from_zero_as_excel_round_does():
    # 1,000.25 x 2 % = 20.005: Excel's ROUND(...; 2) = 20.01; numpy.round gives 20.0 (binary 20.00499…)
    assert round_cents(1000.25 * 0.02) == 20.01 and float(np.round(1000.25 * 0.02, 2)) == 20.0
    assert round_cents(2.675) == 2.68 and round_cents(-20.005) == -20.01 and round_cents(0.125) == 0.13
    assert str(round_cents(-0.001)) == "0.0"  # no -0.0 on a statement
    assert np.isnan(round_cents(float("nan")))
    s = round_cents(pd.Series([1.005, 33.333], index=[3, 4], name="x"))
    assert s.tolist() == [1.01, 33.33] and list(s.index) == [3, 4] and s.name == "x"


@given(st.integers(-10**11, 10**11), st.integers(0, 999))
def test_round_cents_is_decimal_half_up_on_the_number_as_written(whole_cents, thousandths):
    """Any amount written with three decimals (the half-cent cases included) rounds as Decimal's
    ROUND_HALF_UP does on its written form."""
    text = f"{whole_cents // 100}.{abs(whole_cents) % 100:02d}{thousandths % 10}" if whole_cents >= 0 else \
        f"-{abs(whole_cents) // 100}.{abs(whole_cents) % 100:02d}{thousandths % 10}"
    want = float(Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    assert round_cents(float(text)) == want


@given(st.floats(-1e9, 1e9, allow_nan=False), st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12))
def test_spread_cents_add_up_to_the_rounded_total(total, weights):
    parts = spread_cents(total, weights)
    if sum(weights) <= 0:
        assert (parts == 0).all()
        return
    assert round(float(np.sum(np.round(parts * 100))), 0) == round(round_cents(total) * 100)
    assert np.allclose(parts * 100, np.round(parts * 100))  # whole cents
    exact = round_cents(total) * np.asarray(weights) / sum(weights)
    assert (np.abs(parts - exact) < 0.01 + 1e-9).all()  # each part within a cent of its exact share


def test_a_hundred_split_three_ways_is_33_34_33_33_33_33():
    assert spread_cents(100, [1, 1, 1]).tolist() == [33.34, 33.33, 33.33]
    assert spread_cents(-100, [1, 1, 1]).sum() == -100
