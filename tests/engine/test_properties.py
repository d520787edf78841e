"""Properties that hold for any data: rates stay in [0, 1], breakdowns add up to totals, a ratio's
breakdown is the ratio of the breakdown's sums, and row order never matters."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.dataset import Dataset
from kpis.engine import REGISTRY, Evaluator, compute
from kpis.engine.model import Ratio, Simple
from kpis.periods import parse_period

OCT = parse_period("2026-10")
AS_OF = date(2026, 11, 20)
BASE = date(2026, 8, 1)
REPS = ["Alice", "Bruno", "Chloé", None]

# KPIs that are shares of a whole by definition (numerator rows ⊆ denominator rows).
BOUNDED = [
    "win_rate", "upsell_cross_sell_rate", "close_ratio", "meetings_lost_rate", "lead_qualification_rate",
    "mql_to_customer_rate", "sql_to_customer_rate", "leads_followed_up_rate", "response_rate", "positive_response_rate",
    "negative_response_rate", "meeting_acceptance_rate", "customer_acquisition_rate", "churn_rate", "retention_rate",
    "revenue_churn_rate", "csat", "referral_rate", "reps_at_quota_rate", "margin_rate", "average_discount",
]
COUNTS = [k for k, d in REGISTRY.items() if d.unit == "count"]


def _day(n: int) -> pd.Timestamp:
    return pd.Timestamp(BASE + timedelta(days=n))


deal_row = st.tuples(
    st.sampled_from(["won", "lost", "open"]),
    st.sampled_from(REPS),
    st.floats(min_value=0, max_value=10_000, allow_nan=False),
    st.floats(min_value=0, max_value=1),  # cost as a share of the amount
    st.integers(0, 100),  # created (days after BASE)
    st.integers(0, 60),  # cycle length
    st.sampled_from(["new", "upsell", "cross_sell", "renewal", None]),
    st.sampled_from(["A", "B", None]),
    st.sampled_from(["C1", "C2", "C3", None]),
    st.booleans(),  # has a list price
)
lead_row = st.tuples(
    st.integers(0, 100), st.sampled_from(REPS), st.sampled_from(["lead", "mql", "sql", "opportunity", "customer", "disqualified"]),
    st.booleans(), st.booleans(), st.integers(0, 20), st.sampled_from(["positive", "negative", "empty", None]), st.booleans(),
)
customer_row = st.tuples(st.integers(-200, 100), st.one_of(st.none(), st.integers(0, 150)), st.floats(0, 500),
                         st.sampled_from(REPS), st.sampled_from(["Web", "Recommandation", None]))
activity_row = st.tuples(st.integers(50, 100), st.sampled_from(REPS), st.sampled_from(["call", "email", "meeting", "visit", "demo"]),
                         st.sampled_from(["done", "canceled", "postponed", "no_answer"]), st.sampled_from(["C1", "C2", "C3", None]))


@st.composite
def datasets(draw) -> Dataset:
    deals = draw(st.lists(deal_row, min_size=1, max_size=25))
    d = pd.DataFrame({
        "deal_id": [f"D{i}" for i in range(len(deals))],
        "status": [r[0] for r in deals],
        "stage": [{"won": "Gagné", "lost": "Perdu", "open": "Proposition"}[r[0]] for r in deals],
        "rep": [r[1] for r in deals],
        "amount": [r[2] for r in deals],
        "cost": [r[2] * r[3] for r in deals],
        "created_date": [_day(r[4]) for r in deals],
        "close_date": [_day(r[4] + r[5]) if r[0] != "open" else pd.NaT for r in deals],
        "deal_type": [r[6] for r in deals],
        "product": [r[7] for r in deals],
        "customer_id": [r[8] for r in deals],
        "list_price": [r[2] * 1.2 if r[9] else np.nan for r in deals],
    })
    leads = draw(st.lists(lead_row, max_size=20))
    lf = pd.DataFrame({
        "lead_id": [f"L{i}" for i in range(len(leads))],
        "created_at": [_day(r[0]) for r in leads],
        "rep": [r[1] for r in leads],
        "stage": [r[2] for r in leads],
        "mql_date": [_day(r[0] + 1) if r[3] else pd.NaT for r in leads],
        "customer_date": [_day(r[0] + 5) if r[4] else pd.NaT for r in leads],
        "first_contact_at": [_day(r[0] + r[5]) for r in leads],
        "response": [r[6] for r in leads],
        "meeting_date": [_day(r[0] + r[5] + 1) if r[7] else pd.NaT for r in leads],
        "sql_date": [pd.NaT] * len(leads),
    })
    custs = draw(st.lists(customer_row, max_size=15))
    cf = pd.DataFrame({
        "customer_id": [f"C{i + 1}" for i in range(len(custs))],
        "start_date": [_day(r[0]) for r in custs],
        "end_date": [_day(r[0] + r[1]) if r[1] is not None else pd.NaT for r in custs],
        "mrr": [r[2] for r in custs],
        "rep": [r[3] for r in custs],
        "source": [r[4] for r in custs],
    })
    acts = draw(st.lists(activity_row, max_size=30))
    af = pd.DataFrame({
        "date": [_day(r[0]) for r in acts],
        "rep": [r[1] for r in acts],
        "type": [r[2] for r in acts],
        "outcome": [r[3] for r in acts],
        "customer_id": [r[4] for r in acts],
    })
    surveys = pd.DataFrame({"date": [_day(70)] * 3, "customer_id": ["C1", "C2", "C9"], "score": [9.0, 3.0, 7.0], "csat": [5.0, 2.0, np.nan]})
    targets = pd.DataFrame({"rep": ["Alice", "Bruno"], "period": pd.to_datetime(["2026-10-01", "2026-10-01"]), "quota": [5000.0, 8000.0]})
    team = pd.DataFrame({"rep": ["Alice", "Bruno", "Chloé"], "team": ["Nord", "Sud", "Sud"]})
    return Dataset.from_frames(deals=d, leads=lf, customers=cf, activities=af, surveys=surveys, targets=targets, team=team)


@settings(max_examples=20)
@given(datasets())
def test_rates_are_fractions_and_breakdown_counts_add_up(ds):
    r = compute(ds, OCT, as_of=AS_OF, kpis=BOUNDED + COUNTS, by=["rep", "team"], compare=False)
    for k in BOUNDED:
        res = r[k]
        if res.status == "ok":
            assert -1e-9 <= res.value <= 1 + 1e-9, (k, res.value)
        for dim in ("rep", "team"):
            for key, x in ((res.by or {}).get(dim) or {}).items():
                assert x is None or -1e-9 <= x <= 1 + 1e-9, (k, dim, key, x)
    for k in COUNTS:
        res = r[k]
        if res.status == "missing_input":  # e.g. proposals_sent: the generated deals have no proposal_date
            continue
        assert res.status == "ok"
        assert sum(res.by["rep"].values()) == pytest.approx(res.value), k  # "(none)" holds the rows without a rep
        if res.by["team"] is not None:
            assert sum(res.by["team"].values()) == pytest.approx(res.value), k


@settings(max_examples=20)
@given(datasets())
def test_ratio_breakdown_is_ratio_of_sums(ds):
    """For every ratio of two sums/counts: Σ numerators and Σ denominators over the keys are the
    totals, and each key's value is its numerator over its denominator."""
    ev = Evaluator(ds, None, AS_OF)
    for kid, k in REGISTRY.items():
        m = k.metric
        if not isinstance(m, Ratio) or ev.missing(m):
            continue
        num, den = ev.resolve(m.num), ev.resolve(m.den)
        if not (isinstance(num, Simple) and isinstance(den, Simple)) or "nunique" in (num.measure.agg, den.measure.agg):
            continue
        nb, db = ev.breakdown(m.num, OCT, "rep"), ev.breakdown(m.den, OCT, "rep")
        if nb is None or db is None:
            continue
        assert nb.sum() == pytest.approx(ev.evaluate(m.num, OCT).value, abs=1e-6), kid
        assert db.sum() == pytest.approx(ev.evaluate(m.den, OCT).value, abs=1e-6), kid
        by = ev.breakdown(kid, OCT, "rep")
        for key in by.index:
            n, d = nb.get(key, 0.0), db.get(key, 0.0)
            expected = m.scale * n / d if d else np.nan
            assert (np.isnan(by[key]) and np.isnan(expected)) or by[key] == pytest.approx(expected), (kid, key)
        total = ev.evaluate(kid, OCT)
        if total.status == "ok":
            assert total.value == pytest.approx(m.scale * nb.sum() / db.sum()), kid


@settings(max_examples=10)
@given(datasets(), st.randoms(use_true_random=False))
def test_results_are_invariant_to_row_order(ds, rnd):
    shuffled = Dataset.from_frames(**{k: df.sample(frac=1.0, random_state=rnd.randint(0, 10**6)) for k, df in ds.tables.items()})
    a = compute(ds, OCT, as_of=AS_OF, by=["rep"], compare=False).to_json()
    b = compute(shuffled, OCT, as_of=AS_OF, by=["rep"], compare=False).to_json()
    _assert_close(a, b)


def _assert_close(a, b, path="") -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _assert_close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9), path
    else:
        assert a == b, path
