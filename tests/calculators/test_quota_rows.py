"""``QuotaRows`` (the targets prepared once for many periods) gives, for every period, exactly what
the straightforward per-period computation gives: the reference below is ``prorated_quotas`` as it
was written before the preparation was split out (pandas, one period at a time)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.credit import QuotaRows, employed_fraction, employment_spans, prorated_quotas
from kpis.periods import Period, month


def _reference(targets: pd.DataFrame, team: pd.DataFrame | None, period: Period, ramp=None) -> pd.Series:
    empty = pd.Series(dtype="float64", name="quota", index=pd.Index([], name="rep", dtype=object))
    if targets is None or len(targets) == 0:
        return empty
    t = targets.loc[targets["rep"].notna() & targets["period"].notna(), ["rep", "period", "quota"]].copy()
    t["quota"] = pd.to_numeric(t["quota"], errors="coerce").astype("float64").fillna(0.0)
    m_start = pd.to_datetime(t["period"]).dt.to_period("M").dt.start_time.dt.normalize()
    m_end = m_start + pd.offsets.MonthEnd(0)
    keep = (m_end >= period.start_ts) & (m_start <= period.end_ts)
    t, m_start, m_end = t.loc[keep], m_start.loc[keep], m_end.loc[keep]
    if t.empty:
        return empty
    nat = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
    if team is None:
        hire, leave = nat, nat.copy()
    else:
        by = team.groupby("rep")
        hire_by = by["hire_date"].min().where(~by["hire_date"].apply(lambda s: s.isna().any()))
        leave_by = by["leave_date"].max().where(~by["leave_date"].apply(lambda s: s.isna().any()))
        hire = t["rep"].map(hire_by).astype("datetime64[ns]")
        leave = t["rep"].map(leave_by).astype("datetime64[ns]")
    start = pd.concat([m_start, pd.Series(period.start_ts, index=t.index), hire], axis=1).max(axis=1)
    end = pd.concat([m_end, pd.Series(period.end_ts, index=t.index), leave], axis=1).min(axis=1)
    days = ((end - start).dt.days + 1).clip(lower=0)
    factor = days / m_end.dt.day
    if ramp:
        n = (m_start.dt.year - hire.dt.year) * 12 + (m_start.dt.month - hire.dt.month) + 1
        table = np.asarray(list(ramp) + [1.0], dtype="float64")
        idx = n.fillna(len(table)).clip(lower=1, upper=len(table)).astype(int) - 1
        factor = factor * table[idx.to_numpy()]
    q = (t["quota"] * factor).groupby(t["rep"]).sum()
    q = q.loc[q > 0].rename("quota").astype("float64")
    q.index.name = "rep"
    return q.sort_index()


REPS = ["Alice", "Bruno", "Chloé"]
days = st.integers(0, 700).map(lambda n: pd.Timestamp(dt.date(2025, 1, 1) + dt.timedelta(days=n)))
maybe_day = st.one_of(st.none(), days)


@st.composite
def cases(draw):
    rows = draw(st.lists(st.tuples(st.sampled_from(REPS), st.integers(0, 23), st.one_of(st.none(), st.floats(0, 1e6))),
                         min_size=1, max_size=30))
    targets = pd.DataFrame({"rep": [r for r, _, _ in rows],
                            "period": [pd.Timestamp(2025, 1, 1) + pd.DateOffset(months=m) for _, m, _ in rows],
                            "quota": [q for _, _, q in rows]})
    team = None
    if draw(st.booleans()):
        spans = draw(st.lists(st.tuples(st.sampled_from(REPS), maybe_day, maybe_day), min_size=1, max_size=5))
        team = pd.DataFrame({"rep": [r for r, _, _ in spans],
                             "hire_date": pd.to_datetime(pd.Series([h for _, h, _ in spans], dtype="object")),
                             "leave_date": pd.to_datetime(pd.Series([lv for _, _, lv in spans], dtype="object"))})
    first = draw(st.integers(0, 700))
    length = draw(st.integers(0, 120))
    start = dt.date(2025, 1, 1) + dt.timedelta(days=first)
    period = Period(start, start + dt.timedelta(days=length), "custom")
    ramp = draw(st.one_of(st.none(), st.lists(st.floats(0, 1), min_size=1, max_size=4)))
    return targets, team, period, ramp


@settings(max_examples=150, deadline=None)
@given(cases())
def test_prepared_rows_give_the_per_period_quotas_exactly(case):
    targets, team, period, ramp = case
    got = QuotaRows.of(targets, team).prorated(period, ramp=ramp)
    want = _reference(targets, team, period, ramp)
    pd.testing.assert_series_equal(got, want, check_exact=True, check_index_type=False)
    pd.testing.assert_series_equal(prorated_quotas(targets, team, period, ramp=ramp), want, check_exact=True,
                                   check_index_type=False)


def test_one_preparation_serves_every_month():
    # Alice: 10,000 a month all year, hired on 16 March (31-day month: 16 days of 31 in March).
    targets = pd.DataFrame({"rep": ["Alice"] * 12, "period": pd.date_range("2026-01-01", periods=12, freq="MS"),
                            "quota": [10_000.0] * 12})
    team = pd.DataFrame({"rep": ["Alice"], "hire_date": [pd.Timestamp("2026-03-16")], "leave_date": [pd.NaT]})
    rows = QuotaRows.of(targets, team)
    assert rows.prorated(month(2026, 2)).empty  # not hired yet: no quota at all
    assert rows.prorated(month(2026, 3))["Alice"] == 10_000.0 * 16 / 31
    assert rows.prorated(month(2026, 4))["Alice"] == 10_000.0
    # ramped: 50 % in the month of hire, then full
    assert rows.prorated(month(2026, 3), ramp=[0.5])["Alice"] == 10_000.0 * 16 / 31 * 0.5
    assert rows.prorated(month(2026, 4), ramp=[0.5])["Alice"] == 10_000.0


def test_employment_spans_computed_once_give_the_same_fractions():
    team = pd.DataFrame({"rep": ["Alice", "Bruno", "Bruno"],
                         "hire_date": pd.to_datetime(["2026-03-16", "2025-01-01", None]),
                         "leave_date": pd.to_datetime([None, "2026-03-10", "2026-03-20"])})
    reps = pd.Series(["Alice", "Bruno", "Chloé"])
    spans = employment_spans(team)
    for p in (month(2026, 3), month(2026, 4)):
        pd.testing.assert_series_equal(employed_fraction(team, reps, p, spans), employed_fraction(team, reps, p))
    # March: Alice 16 of 31 days; Bruno employed since ever (a row without hire date), left on the 20th
    march = employed_fraction(team, reps, month(2026, 3), spans)
    assert march.tolist() == [16 / 31, 20 / 31, 1.0]
