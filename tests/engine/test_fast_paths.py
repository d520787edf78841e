"""The engine's shortcuts give exactly what the plain computation gives (they only find it faster).

* ``month_numbers`` looks each day's month up in a table made once: the months numpy's own
  ``datetime64[M]`` gives, for dates of any unit, any time of day, missing ones and dates centuries
  apart (numpy's calendar is then used directly).
* ``group_sums`` sums each key's values in row order, whatever the other keys' rows around them: a
  month's sums by key equal, bit for bit, the sums by (month, key) over every month at once -- which
  pandas' group-by does not promise (it changes algorithm with the layout of the group ids).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.engine.months import month_numbers
from kpis.engine.sums import group_sums

_DAY = 86_400


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-200 * 365 * _DAY, 250 * 365 * _DAY)), max_size=60),
       st.sampled_from(["ns", "us", "s"]))
def test_month_numbers_are_numpys_months(seconds, unit):
    values = np.array([np.datetime64("NaT") if s is None else np.datetime64(s, "s") for s in seconds],
                      dtype="datetime64[s]").astype(f"datetime64[{unit}]")
    months, valid = month_numbers(pd.Series(values))
    reference = values.astype("datetime64[ns]")
    np.testing.assert_array_equal(valid, ~np.isnat(reference))
    np.testing.assert_array_equal(months[valid], reference.astype("datetime64[M]").astype(np.int64)[valid])


def test_month_numbers_of_a_last_day_late_in_the_evening():
    # 31 January 23:59:59 is January; 1 February 00:00 is February (month 0 = January 1970)
    s = pd.Series(pd.to_datetime(["2026-01-31 23:59:59", "2026-02-01 00:00:00", None]))
    months, valid = month_numbers(s)
    assert valid.tolist() == [True, True, False]
    assert months[:2].tolist() == [(2026 - 1970) * 12 + 0, (2026 - 1970) * 12 + 1]


_VALUE = st.one_of(st.floats(-1e9, 1e9, allow_nan=False), st.just(float("nan")),
                   st.sampled_from([0.1, 0.2, 0.3, 4770.969999999999, 6196.38, 3141.41, 1e16, -1e16]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5), _VALUE), max_size=80))
def test_group_sums_of_a_month_are_those_of_every_month_at_once(rows):
    rows.sort(key=lambda r: r[0])  # by month, row order kept within a month (as the panels keep it)
    month = np.array([r[0] for r in rows], dtype=np.int64)
    key = np.array([r[1] for r in rows], dtype=np.int64)
    values = np.array([r[2] for r in rows], dtype="float64")
    n_months, n_keys = 5, 6
    every, every_present, _ = group_sums(values, month * n_keys + key, n_months * n_keys)
    for m in range(n_months):
        inside = month == m
        sums, present, first = group_sums(values[inside], key[inside], n_keys)
        np.testing.assert_array_equal(sums, every[m * n_keys:(m + 1) * n_keys])
        np.testing.assert_array_equal(present, every_present[m * n_keys:(m + 1) * n_keys])
        for k in range(n_keys):
            at = np.flatnonzero(key[inside] == k)
            assert present[k] == bool(len(at))
            assert first[k] == (at[0] if len(at) else inside.sum())
            if len(at):  # each key's sum is that of its values alone, missing ones as 0
                alone, _, _ = group_sums(values[inside][at], np.zeros(len(at), dtype=np.int64), 1)
                np.testing.assert_array_equal(sums[k], alone[0])
                with_zeros, _, _ = group_sums(np.nan_to_num(values[inside][at], nan=0.0), np.zeros(len(at), dtype=np.int64), 1)
                np.testing.assert_array_equal(sums[k], with_zeros[0])


def test_group_sums_that_pandas_rounds_two_ways():
    # Three deals of one product: pandas sums them to 14108.76 on their own (its sorted-ids path)
    # but 14108.759999999998 among other groups (Kahan); group_sums gives one answer for both.
    values = np.array([4770.969999999999, 6196.38, 3141.41])
    alone, _, _ = group_sums(values, np.zeros(3, dtype=np.int64), 1)
    mixed, _, _ = group_sums(np.array([1.0, 4770.969999999999, 2.0, 6196.38, 3141.41]), np.array([1, 0, 1, 0, 0]), 2)
    assert alone[0] == mixed[0]
    assert mixed[1] == 3.0


def test_deals_with_repeated_index_labels_are_computed():
    """The unweighted-deals note reads the whole table's probabilities by label; a frame given with
    repeated labels (Dataset.from_frames does not renumber) falls back to the rows' own."""
    from datetime import date

    from kpis.engine import compute
    from kpis.periods import parse_period

    from . import data

    deals = data.deals()
    renumbered = compute(data.dataset(deals=deals), parse_period("2026-10"), as_of=date(2026, 10, 31), compare=False)
    deals.index = [0, 1] * (len(deals) // 2) + [0] * (len(deals) % 2)
    repeated = compute(data.dataset(deals=deals), parse_period("2026-10"), as_of=date(2026, 10, 31), compare=False)
    assert repeated.to_json()["kpis"] == renumbered.to_json()["kpis"]


def test_ids_and_accounts_that_are_equal_numbers_stay_apart_as_text():
    """12 and 12.0 are the texts "12" and "12.0" (as the credit's join and the reader read them): not
    one id, not one account -- a factorize before making them text would merge them."""
    from kpis.credit import ids_of_several_won
    from kpis.dataset import Dataset
    from kpis.engine import Evaluator
    from kpis.engine.defs.customers import _customer_key

    deals = pd.DataFrame({"deal_id": pd.Series([12, 12.0, "A", 1, True, "12"], dtype=object), "status": ["won"] * 6})
    assert ids_of_several_won(deals) == {"12"}  # 12 and "12" are one text; 12.0 is "12.0"
    rows = pd.DataFrame({"customer_id": [None] * 4, "account": pd.Series([12, 12.0, 1, True], dtype=object)})
    keys = _customer_key(rows, Evaluator(Dataset.from_frames(deals=rows.assign(status="won"))))
    assert keys.tolist() == ["\0" + "12", "\0" + "12.0", "\0" + "1", "\0" + "True"]


@settings(max_examples=200, deadline=None)
@given(st.lists(_VALUE, max_size=60), st.integers(0, 8))
def test_total_is_what_a_series_sums(values, offset):
    """``total`` sums as ``Series.sum`` does (missing as 0, numpy's pairwise sum), wherever the
    values start in memory (a month's slice of the one pass, or a period's own rows)."""
    from kpis.engine.sums import total

    padded = np.array([1.0] * offset + values + [2.0], dtype="float64")
    part = padded[offset:offset + len(values)]
    want = float(pd.Series(part).sum())
    assert total(part) == want or (np.isnan(want) and np.isnan(total(part)))
