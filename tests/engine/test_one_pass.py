"""The one-pass evaluation of many months gives the per-period numbers exactly.

``Evaluator.prepare`` lets a report (current period, previous, 13 trend months) aggregate each
measure once for all its months (``kpis.engine.evaluate``, "One pass over many months"). Nothing is
approximated: every KPI of the registry, its breakdowns by rep and team, its notes and statuses
must equal -- with ``==``, not approximately -- what each period computed on its own gives
(``Evaluator(..., one_pass=False)``), on generated data and on the example team's data.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from kpis.dataset import Dataset
from kpis.engine import REGISTRY, Evaluator, compute, compute_series, reference_date
from kpis.engine.model import Derived, Distribution, Fallback, Funnel, Ratio, Simple, Variants
from kpis.engine.months import month_of
from kpis.engine.sources import SOURCES
from kpis.periods import Period, last_n, month, parse_period

from .test_properties import AS_OF, datasets

DIMS = ["rep", "team"]
END = parse_period("2026-12")


def _measures():
    """Every measure of the registry (targets and every option of a Variants included)."""
    out, seen = [], set()

    def walk(m):
        if isinstance(m, str):
            walk(REGISTRY[m].metric)
        elif isinstance(m, Fallback):
            walk(m.ref)
        elif isinstance(m, (Simple, Distribution, Funnel)):
            if id(m.measure) not in seen:
                seen.add(id(m.measure))
                out.append(m.measure)
        elif isinstance(m, Ratio):
            walk(m.num)
            walk(m.den)
        elif isinstance(m, Derived):
            for r in m.inputs.values():
                walk(r)
        elif isinstance(m, Variants):
            for o, _ in m.options:
                walk(o)

    for k in REGISTRY.values():
        walk(k.metric)
        if k.target is not None:
            walk(k.target)
    return out


def _reference(ds: Dataset, as_of: date) -> Evaluator:
    return Evaluator(ds, None, as_of, one_pass=False)


def _same_series(ds: Dataset, months: list[Period], as_of: date) -> None:
    one = compute_series(ds, months, by=DIMS, as_of=as_of)
    for got, p in zip(one.results, months):
        want = compute(ds, p, by=DIMS, compare=False, evaluator=_reference(ds, as_of))
        _same(got.to_json(), want.to_json(), p.label)


def _same_compare(ds: Dataset, p: Period, as_of: date) -> None:
    got = compute(ds, p, by=DIMS, as_of=as_of)
    want = compute(ds, p, by=DIMS, as_of=as_of, evaluator=_reference(ds, as_of))
    _same(got.to_json(), want.to_json(), p.label)


def _same(got: dict, want: dict, label: str) -> None:
    for k in want["kpis"]:  # KPI by KPI, so that a failure names it
        assert got["kpis"][k] == want["kpis"][k], (label, k)
    assert got == want, label


def _same_windows(ds: Dataset, months: list[Period], as_of: date) -> None:
    """Each window's month form selects the rows its per-period function selects, every month."""
    one, ref = Evaluator(ds, None, as_of), _reference(ds, as_of)
    checked = 0
    for m in _measures():
        w = m.window
        if w is None or w.months is None or ref.table(m.table) is None or ref.missing_measure(m):
            continue
        for p in months:
            got = one.window_mask(m.table, w, p)
            want = ref.window_mask(m.table, w, p)
            assert got.dtype == bool
            if want.dtype != bool:  # a weighing window (spend): a calendar month weighs its rows 1, the others 0
                assert set(np.unique(want.to_numpy())) <= {0.0, 1.0}, (m.table, w.key, p.label)
                want = want > 0
            assert np.array_equal(got.to_numpy(), want.to_numpy()), (m.table, w.key, p.label)
            checked += 1
    assert checked


def _same_sources(ds: Dataset, months: list[Period], as_of: date) -> int:
    """Each derived source's month form holds, for every month, the rows its period build gives,
    in the same order. How many (source, month) held rows."""
    one = Evaluator(ds, None, as_of).prepare(months)
    ref = _reference(ds, as_of)
    first, filled = month_of(months[0]), 0
    for name, src in SOURCES.items():
        if src.months is None or any(ref._need(n) for n in src.needs):
            continue
        frame, month = one._source_months(name)
        for p in months:
            got = frame.loc[month == month_of(p) - first].reset_index(drop=True)
            pd.testing.assert_frame_equal(got, src.build(ref, p), check_exact=True, obj=f"{name} {p.label}")
            filled += len(got) > 0
    return filled


@settings(max_examples=4, deadline=None)
@given(datasets())
def test_one_pass_equals_per_period_on_generated_data(ds):
    months = last_n(END, 13)
    _same_windows(ds, months, AS_OF)
    _same_sources(ds, months, AS_OF)
    _same_series(ds, months, AS_OF)
    _same_compare(ds, parse_period("2026-10"), AS_OF)


@pytest.fixture(scope="module")
def example() -> Dataset:
    from kpis.demo.sample import build_truth

    return Dataset.from_frames(**build_truth())


def test_one_pass_equals_per_period_on_the_example_team(example):
    as_of = reference_date(example)
    months = last_n(month(as_of.year, as_of.month), 13)
    _same_windows(example, months, as_of)
    assert _same_sources(example, months, as_of) >= 20  # touches and engaged, most months
    _same_series(example, months, as_of)
    for p in (months[-2], months[-1], parse_period(f"{as_of.year}-Q1")):  # a complete, a partial month, a quarter
        _same_compare(example, p, as_of)


def test_leap_day_in_the_trailing_year():
    """The 12 months ending 28 February 2025 start on 29 February 2024: that day's deal counts in
    February 2025's purchases, the month form says so too."""
    deals = pd.DataFrame({
        "deal_id": ["D1", "D2", "D3"], "status": ["won"] * 3, "rep": ["A", "A", "B"], "amount": [1.0, 2.0, 3.0],
        "customer_id": ["C1", "C2", "C1"],
        "close_date": pd.to_datetime(["2024-02-29", "2024-02-28", "2024-03-01"]),
        "created_date": pd.to_datetime(["2024-01-01"] * 3),
    })
    ds = Dataset.from_frames(deals=deals)
    months = last_n(parse_period("2025-03"), 15)
    _same_windows(ds, months, date(2025, 3, 31))
    _same_series(ds, months, date(2025, 3, 31))
    r = compute(ds, parse_period("2025-02"), kpis=["purchases_per_customer"], compare=False, as_of=date(2025, 3, 31))
    # D1 (29 Feb 2024) and D3 (1 Mar 2024), both of C1: 2 deals / 1 customer; D2 (28 Feb) is out.
    assert r["purchases_per_customer"].value == 2.0


def test_month_of():
    assert month_of(parse_period("2026-10")) == (2026 - 1970) * 12 + 9
    assert month_of(Period(date(2026, 10, 1), date(2026, 10, 31))) is not None  # a custom range that is a month
    assert month_of(parse_period("2026-Q4")) is None
    assert month_of(Period(date(2026, 10, 2), date(2026, 10, 31))) is None


def test_counts_by_key_of_a_prepared_month_are_those_of_the_month_alone(example):
    """``aggregate(measure, month, dim)`` of a count reads the (month, key) panel the breakdowns use:
    the same keys and counts as the month computed on its own."""
    as_of = reference_date(example)
    months = last_n(month(as_of.year, as_of.month), 13)
    one, ref = Evaluator(example, None, as_of).prepare(months), _reference(example, as_of)
    checked = 0
    for m in _measures():
        if m.agg != "count" or one.missing_measure(m):
            continue
        for p in months[-3:]:
            got, want = one.aggregate(m, p, "rep"), ref.aggregate(m, p, "rep")
            assert (got is None) == (want is None), m.table
            if got is not None:
                assert dict(got) == {k: float(v) for k, v in want.items()}, (m.table, p.label)
                checked += 1
    assert checked


def test_widening_the_prepared_months_drops_every_panel(example):
    """prepare() with months beyond those prepared rebuilds the panels for the wider range: counts by
    key, sums by key and totals read afterwards are those of each month on its own (the counts by
    (month, key) were once kept from the narrower range)."""
    as_of = reference_date(example)
    months = last_n(month(as_of.year, as_of.month), 6)
    ev, ref = Evaluator(example, None, as_of).prepare(months[-2:]), _reference(example, as_of)
    measures = [m for m in _measures() if m.agg in ("count", "sum") and not ev.missing_measure(m)]
    for m in measures:
        ev.aggregate(m, months[-1], "rep")
        ev.aggregate(m, months[-1], None)
    ev.prepare(months)  # wider: the panels must follow
    checked = 0
    for m in measures:
        for p in (months[0], months[-1]):
            for dim in ("rep", None):
                got, want = ev.aggregate(m, p, dim), ref.aggregate(m, p, dim)
                if dim is None:
                    assert got == want, (m.table, p.label)
                else:
                    assert (got is None) == (want is None), m.table
                    if got is not None:
                        assert dict(got) == {k: float(v) for k, v in want.items()}, (m.table, p.label)
                checked += 1
    assert checked
