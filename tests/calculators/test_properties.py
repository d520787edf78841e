"""Properties of the tier arithmetic and of statements, over generated plans and deals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis.calculators import commission_for, commission_statements
from kpis.config import parse_config
from kpis.periods import parse_period

from .helpers import dataset


@st.composite
def rising_rates(draw, n_max: int = 5):
    n = draw(st.integers(1, n_max))
    edges = sorted(set(draw(st.lists(st.floats(0.05, 3.0), min_size=n - 1, max_size=n - 1))))
    froms = [0.0] + [round(e, 4) for e in edges]
    froms = sorted(set(froms))
    rates = sorted(draw(st.lists(st.floats(0.0, 0.3), min_size=len(froms), max_size=len(froms))))
    return [[a, r] for a, r in zip(froms, rates)]


amounts = st.floats(0.0, 5e6, allow_nan=False)
quotas = st.floats(100.0, 1e6, allow_nan=False)


@given(rising_rates(), amounts, quotas)
def test_marginal_never_exceeds_retroactive_when_rates_rise(rates, credited, quota):
    m = commission_for(credited, quota, rates, "marginal")
    r = commission_for(credited, quota, rates, "retroactive")
    assert m <= r + 1e-6 * max(1.0, r)


@given(rising_rates(), st.floats(0.0, 1.0), quotas)
def test_modes_agree_inside_the_first_band(rates, fraction, quota):
    first_end = rates[1][0] if len(rates) > 1 else 10.0
    credited = fraction * first_end * quota * 0.999
    assert commission_for(credited, quota, rates, "marginal") == pytest.approx(commission_for(credited, quota, rates, "retroactive"), rel=1e-9, abs=1e-9)


@given(rising_rates(), quotas)
def test_marginal_is_continuous_at_band_edges(rates, quota):
    # No jump: across an edge the commission moves by at most (2δ × the highest rate), δ = 1 cent.
    delta, top = 0.01, max(r for _, r in rates)
    for edge, _ in rates[1:]:
        at = edge * quota
        below = commission_for(at - delta, quota, rates, "marginal")
        above = commission_for(at + delta, quota, rates, "marginal")
        assert 0 <= above - below <= 2 * delta * top + 1e-9


@given(rising_rates(), amounts, quotas, st.floats(0.0, 1.0), st.floats(1.0, 1e5))
def test_gate_and_cap_bound_the_commission(rates, credited, quota, gate, cap):
    c = commission_for(credited, quota, rates, "marginal", gate=gate, cap=cap)
    assert 0 <= c <= cap + 1e-9
    if credited / quota < gate - 1e-6:
        assert c == 0.0


def test_commission_for_refuses_bad_input():
    with pytest.raises(ValueError):
        commission_for(1000, 0, [[0, 0.1]])
    with pytest.raises(ValueError):
        commission_for(1000, 1000, [[0, 0.1]], "linear")
    with pytest.raises(ValueError):
        commission_for(1000, 1000, [[0.5, 0.1], [0.2, 0.2]])


# -- statements ----------------------------------------------------------------------------------
deal_rows = st.lists(
    st.tuples(
        st.sampled_from(["Alice", "Bruno"]),
        st.floats(-2000.0, 40000.0, allow_nan=False).map(lambda x: round(x, 2)),
        st.integers(0, 89),  # day offset from Sep 1
        st.sampled_from(["new", "renewal"]),
        st.sampled_from(["Formation", "Conseil"]),
        st.booleans(),  # split with the other rep
        st.sampled_from(["C1", "C2", "C3", None]),
    ),
    min_size=1,
    max_size=25,
)


@given(deal_rows, st.sampled_from(["marginal", "retroactive"]), st.sampled_from(["period", "quarter_to_date"]),
       st.booleans(), st.sampled_from([None, 300.0, 1500.0]))
def test_statement_lines_add_up_to_payable(rows, tiers, basis, recoverable, cap):
    base = pd.Timestamp("2026-09-01")
    ids = [f"D{i}" for i in range(len(rows))]
    deals = pd.DataFrame({
        "deal_id": ids, "account": [f"A{i}" for i in range(len(rows))], "rep": [r[0] for r in rows],
        "amount": [r[1] for r in rows], "status": "won", "close_date": [base + pd.Timedelta(days=r[2]) for r in rows],
        "deal_type": [r[3] for r in rows], "product": [r[4] for r in rows], "customer_id": [r[6] for r in rows],
    })
    split_ids = [i for i, r in zip(ids, rows) if r[5]]
    splits = pd.DataFrame({"deal_id": [d for d in split_ids for _ in (0, 1)],
                           "rep": [rep for d in split_ids for rep in ("Alice", "Bruno")],
                           "share": [s for _ in split_ids for s in (0.7, 0.3)]})
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "start_date": pd.to_datetime(["2026-01-01"] * 3),
                              "end_date": pd.to_datetime(["2026-10-15", "2026-11-20", None])})
    targets = pd.DataFrame({"rep": ["Alice", "Bruno"] * 3, "period": pd.to_datetime(["2026-09-01"] * 2 + ["2026-10-01"] * 2 + ["2026-11-01"] * 2),
                            "quota": 10000.0})
    cap_line = f"cap = {cap}\n" if cap else ""
    cfg = parse_config(
        f'[plans.p]\ntiers = "{tiers}"\nattainment = "{basis}"\nrates = [[0, 0.02], [0.5, 0.05], [1.0, 0.08], [1.5, 0.12]]\n'
        f"gate = 0.1\n{cap_line}deal_type_weights = {{ renewal = 0.5 }}\nclawback_days = 60\n"
        f"draw = {{ amount = 400, recoverable = {'true' if recoverable else 'false'} }}\n"
        '[[plans.p.spiffs]]\nname = "F"\nmatch = { product = "Formation" }\namount = 33.33\n'
    )
    ds = dataset(deals=deals, splits=splits, customers=customers, targets=targets)
    st_ = commission_statements(ds, parse_period("2026-11"), cfg)
    for rep, s in st_.reps.items():
        lines = round(float(s.lines["commission"].sum()), 2)
        assert lines == pytest.approx(s.commission, abs=1e-9)
        assert round(float(s.spiff_lines["amount"].sum()), 2) == pytest.approx(s.spiffs, abs=1e-9) if len(s.spiff_lines) else s.spiffs == 0
        assert round(float(s.clawback_lines["amount"].sum()), 2) == pytest.approx(s.clawbacks, abs=1e-9) if len(s.clawback_lines) else s.clawbacks == 0
        total = round(lines + s.spiffs - s.clawbacks - s.recovered + s.deferred + s.draw, 2)
        assert total == pytest.approx(s.payable, abs=1e-9)
        assert s.payable >= 0 and s.balance_out >= 0
        assert s.balance_out == pytest.approx(s.balance_in - s.recovered + s.deferred + (s.draw if recoverable else 0.0), abs=1e-9)
        if cap and basis == "period":
            assert s.commission <= cap + 1e-9
    # the history chains: each period's balance_in is the previous balance_out
    h = st_.history.sort_values(["rep", "start"])
    for _, g in h.groupby("rep"):
        prev = g["balance_out"].shift(1).fillna(0.0)
        assert np.allclose(g["balance_in"].to_numpy(), prev.to_numpy())
