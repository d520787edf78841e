"""as_category gives exactly what ``Series.astype("category")`` gives (it only finds it faster)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.engine.categorical import as_category

# Text as the reader gives it (str or NaN), plus None, and the odd values a frame from the API may hold.
_TEXT = st.one_of(st.sampled_from(["Alice", "alice", "Bob", "", " ", "(none)", "É", "é", "z", "Zoë", "10", "9"]),
                  st.text(max_size=4))
_MISSING = st.sampled_from([None, math.nan, pd.NaT, np.datetime64("NaT"), pd.NA])
_ODD = st.one_of(st.integers(-3, 3), st.floats(allow_nan=False, width=32), st.booleans())


def _same(values: list[object]) -> None:
    s = pd.Series(values, dtype=object, name="rep", index=pd.RangeIndex(10, 10 + len(values)))
    want, got = s.astype("category"), as_category(s)
    assert got.dtype == want.dtype  # same categories, same order, same categories' dtype
    assert got.cat.categories.dtype == want.cat.categories.dtype
    np.testing.assert_array_equal(got.cat.codes.to_numpy(), want.cat.codes.to_numpy())
    assert got.index.equals(want.index) and got.name == want.name
    pd.testing.assert_series_equal(got, want)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_TEXT, _MISSING), max_size=40))
def test_text_and_missing_values(values: list[object]) -> None:
    _same(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_TEXT, _MISSING, _ODD), max_size=30))
def test_any_mix_is_left_to_astype(values: list[object]) -> None:
    _same(values)


def test_known_order_and_codes() -> None:
    # sorted categories as astype gives them: "" < "Alice" < "Bob" < "alice" (code points), NaN/None -> -1
    s = pd.Series(["Bob", None, "alice", "", "Alice", "Bob", math.nan], dtype=object)
    got = as_category(s)
    assert list(got.cat.categories) == ["", "Alice", "Bob", "alice"]
    assert got.cat.codes.tolist() == [2, -1, 3, 0, 1, 2, -1]


def test_nothing_but_missing_values_is_astype() -> None:
    # a column of NaT only: astype gives datetime64 categories (found by review), factorize none
    for values in ([pd.NaT, None], [None, math.nan], []):
        s = pd.Series(values, dtype=object)
        pd.testing.assert_series_equal(as_category(s), s.astype("category"))


def test_other_dtypes_are_astype() -> None:
    for s in (pd.Series([1.0, 2.0, np.nan]), pd.Series(["a", "b", None], dtype="str"),
              pd.Series(pd.to_datetime(["2026-01-01", None])), pd.Series([], dtype=object)):
        pd.testing.assert_series_equal(as_category(s), s.astype("category"))
